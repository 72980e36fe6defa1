import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from django.test import override_settings


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
    connection.creation.deserialize_db_from_string = restore_snapshot(connection.creation.deserialize_db_from_string)


def restore_snapshot(deserialize):
    """Django's restore of the snapshot, made to leave the database as a load would.

    Restoring a rule's topics fires simple-history's many-to-many handler, which (unlike its
    save handler) does not know it is a raw load and would write history rows of its own; and
    rows inserted with their ids leave PostgreSQL's sequences behind them, so the next insert
    could take an id that is already used. ``loaddata`` resets sequences after loading; so do we.
    """

    def restore(data):
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            deserialize(data)
        managed = [model for model in apps.get_models(include_auto_created=True) if model._meta.managed]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), managed):
                cursor.execute(statement)

    return restore


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
