"""The content version: a number the database raises whenever a content table is written.

Every managed table of this app but the history tables and the version's own carries a
trigger that raises ``ContentVersion.number`` in the writing transaction, so whatever
writes (the admin, imports, services, ``bulk_create``, ``QuerySet.update``, raw SQL)
moves it, and a reader sees the new number exactly when it sees the new content. Two
writers queue on the one row; curators' edits are few, so that costs nothing noticeable.

The triggers are (re)installed after every ``migrate`` (``post_migrate``): a table that a
later migration adds, or that SQLite rebuilds (and so loses its triggers), gets them
back without anyone remembering to. PostgreSQL fires once per statement; SQLite, which
has row triggers only, once per row.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from django.apps import apps
from django.db import connections

from .models import ContentVersion

VERSION_TABLE = ContentVersion._meta.db_table
BUMP = f"UPDATE {VERSION_TABLE} SET number = number + 1 WHERE id = 1"  # noqa: S608 - a model's table name
POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION regulations_content_changed() RETURNS trigger AS $$
BEGIN
  {BUMP};
  RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
TRIGGER = "regulations_content_changed"
SQLITE_EVENTS = ("insert", "update", "delete")


def content_tables() -> list[str]:
    """The tables whose writes change what a page may show: this app's, without history and the version."""
    models = apps.get_app_config("regulations").get_models(include_auto_created=True)
    return sorted(
        model._meta.db_table
        for model in models
        if model._meta.managed
        and not model._meta.db_table.startswith("regulations_historical")
        and model._meta.db_table != VERSION_TABLE
    )


def install_triggers(using: str = "default", **kwargs) -> None:
    """Create the version row if missing and a trigger on every content table (idempotent)."""
    connection = connections[using]
    ContentVersion.objects.using(using).get_or_create(pk=1, defaults={"number": fresh_start()})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
        for table in content_tables():
            for statement in trigger_statements(connection.vendor, table):
                cursor.execute(statement)


def fresh_start() -> int:
    """A new row's first number: the time in microseconds, so that a database emptied and filled again
    never reuses a number a cache may still hold for what it held before."""
    return time.time_ns() // 1000


def trigger_statements(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION regulations_content_changed()"
        ]
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_content_changed_{event} AFTER {event.upper()} ON {table} "
        f"BEGIN {BUMP}; END"
        for event in SQLITE_EVENTS
    ]


def current(using: str = "default") -> int | None:
    """The content version now; None where the row is missing (a database emptied by a test's flush)."""
    return ContentVersion.objects.using(using).filter(pk=1).values_list("number", flat=True).first()


# Within a GET or HEAD request, the one reading of the version (an empty list until read);
# None outside one, where every call reads afresh.
_reading: ContextVar[list[int | None] | None] = ContextVar("content_version_reading", default=None)


def seen(using: str = "default") -> int | None:
    """The version a reader works with: read once per GET or HEAD request (``ReadOnceMiddleware``), else now.

    A GET writes no content, so the page cache and every kept answer of one request
    share one reading instead of each asking the database again.
    """
    reading = _reading.get()
    if reading is None:
        return current(using)
    if not reading:
        reading.append(current(using))
    return reading[0]


class ReadOnceMiddleware:
    """Reads of the content version within a GET or HEAD request share one query (see ``seen``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _reading.set([])
        try:
            return self.get_response(request)
        finally:
            _reading.reset(token)
