import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    where = f"{database['NAME']} on {database['HOST']}" if database.get("HOST") else "in memory"
    return f"database: {engine} (test database for {where})"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real reference content once; each test runs in a transaction that is rolled back.

    Tests that need real commits (``transaction=True``: locks, concurrent saves, a live
    server) empty the database when they end; marked ``serialized_rollback=True`` they
    start from this same content, restored from the snapshot taken here.
    """
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """Pages render with the production storage, which needs the hashed-name manifest.

    Collected once, by the process that starts the run (not by each parallel worker,
    which would write the same files at the same time).
    """
    if not hasattr(config, "workerinput"):
        call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def curator(db, django_user_model):
    """A staff member with every permission on the content, but not a superuser."""
    user = django_user_model.objects.create_user("curator", "curator@example.org", "a-long-test-password")
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="regulations"))
    return user


@pytest.fixture
def make_role_user(db, django_user_model):
    """A staff member in one of the role groups the migrations create (Curator, Reviewer, Analyst)."""

    def make(role: str):
        name = role.lower()
        user = django_user_model.objects.create_user(name, f"{name}@example.org", "a-long-test-password")
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
