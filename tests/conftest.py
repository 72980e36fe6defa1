import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection

from tests.content_snapshot import drop_template, load_into_test_database, restore_test_database


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    where = f"{database['NAME']} on {database['HOST']}" if database.get("HOST") else "in memory"
    return f"database: {engine} (test database for {where})"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """The real reference content, loaded once per run (tests/content_snapshot.py); each test
    runs in a transaction that is rolled back.

    Tests that need real commits (``transaction=True``: locks, concurrent saves, a live
    server) empty the database when they end; marked ``serialized_rollback=True`` they
    start from this same content. Django would restore it by deserialising the snapshot taken
    here, which takes about ten seconds and, unlike a load, writes history and leaves
    PostgreSQL's sequences behind; it is copied back from the run's copy instead.
    """
    with django_db_blocker.unblock():
        load_into_test_database(tmp_path_factory)
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    connection.creation.deserialize_db_from_string = lambda data: restore_test_database(tmp_path_factory)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """The process that started the run drops the PostgreSQL copy of the content (workers still use it)."""
    if not hasattr(session.config, "workerinput"):
        drop_template(session.config._tmp_path_factory.getbasetemp())


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """Pages render with the production storage, which needs the hashed-name manifest.

    Collected once, by the process that starts the run (not by each parallel worker,
    which would write the same files at the same time).
    """
    if not hasattr(config, "workerinput"):
        call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def content_admin(db, django_user_model):
    """A staff member with every permission on the content, but not a superuser."""
    user = django_user_model.objects.create_user("editor", "editor@example.org", "a-long-test-password")
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
def curator(make_role_user):
    return make_role_user("Curator")


@pytest.fixture
def reviewer(make_role_user):
    return make_role_user("Reviewer")


@pytest.fixture
def analyst(make_role_user):
    return make_role_user("Analyst")


@pytest.fixture
def content_admin_client(client, content_admin):
    client.force_login(content_admin)
    return client


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def content_copy(tmp_path):
    """A copy of the reference content in a temporary folder, for a test to edit (tests/content_copy.py)."""
    from tests.content_copy import ContentCopy

    return ContentCopy(tmp_path / "fixtures")
