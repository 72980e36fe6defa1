"""The reference content, loaded once per test run and copied into every database that needs it.

Loading the content takes about 40 seconds. A run used to load it three times per database:
into each pytest-xdist worker's test database and into the browser tests' server database.
Now the first worker to get here loads it into its own test database and keeps a copy: a
SQLite file, or a PostgreSQL template database. The other workers and the browser tests'
server start from that copy, which takes about a second.

The workers take turns through a lock file in the run's temporary folder, which every worker
of one run shares and no other run does. Only the first turn loads.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection
from django.db.backends.base.creation import TEST_DATABASE_PREFIX

from regulations.content.loading import load_reference


def run_folder(tmp_path_factory) -> Path:
    """The temporary folder of this run: the parent of each worker's own, or the run's own without xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def turn(folder: Path) -> Iterator[Path]:
    """Hold the run's content lock; yield where the copy of the content is kept."""
    with open(folder / "content.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder / f"content-{connection.vendor}"
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def load_into_test_database(tmp_path_factory) -> None:
    """Give this worker's (migrated, empty) test database the reference content."""
    name = str(connection.settings_dict["NAME"])
    if not (os.path.basename(name).startswith(TEST_DATABASE_PREFIX) or "mode=memory" in name or name == ":memory:"):
        raise RuntimeError(f"Refusing to load the test content into {name}: it is not a test database.")
    with turn(run_folder(tmp_path_factory)) as kept:
        if kept.exists():
            restore(kept)
        else:
            report = load_reference(settings.BASE_DIR / "fixtures")
            report_path(kept).write_text(json.dumps({str(kind): count for kind, count in report.created.items()}))
            keep(kept)


def report_path(kept: Path) -> Path:
    return kept.with_name(f"{kept.name}-report.json")


def first_load_report(tmp_path_factory) -> dict[str, int]:
    """What the run's one load into an empty database created, per kind of record."""
    with turn(run_folder(tmp_path_factory)) as kept:
        return json.loads(report_path(kept).read_text())


def restore_test_database(tmp_path_factory) -> None:
    """Bring this worker's test database back to the reference content, as loaded."""
    with turn(run_folder(tmp_path_factory)) as kept:
        restore(kept)


def keep(kept: Path) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with sqlite3.connect(kept.with_suffix(".partial")) as copy:
            connection.connection.backup(copy)
        copy.close()
        kept.with_suffix(".partial").rename(kept)
        return
    template = f"{connection.settings_dict['NAME']}_content"
    copy_database(connection.settings_dict["NAME"], template)
    kept.write_text(template)


def restore(kept: Path) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with sqlite3.connect(kept) as copy:
            copy.backup(connection.connection)
        copy.close()
        return
    copy_database(kept.read_text(), connection.settings_dict["NAME"])


def copy_database(source: str, target: str) -> None:
    """Make PostgreSQL database ``target`` a copy of ``source`` (which nobody may be connected to)."""
    if target == connection.settings_dict["NAME"] or source == connection.settings_dict["NAME"]:
        connection.close()
    with server() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def server() -> psycopg.Connection:
    """A connection to the PostgreSQL server itself, outside Django (which the browser tests' event loop forbids)."""
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def copy_content_to(tmp_path_factory, url: str) -> None:
    """Make the database at ``url`` (the browser tests' server's) a copy of the loaded content.

    For PostgreSQL, ``url`` names a database on the test server; it is created from the template.
    """
    with turn(run_folder(tmp_path_factory)) as kept:
        if connection.vendor == "sqlite":
            shutil.copyfile(kept, url.removeprefix("sqlite:///"))
        else:
            copy_database(kept.read_text(), url.rsplit("/", 1)[1])


def drop_template(folder: Path) -> None:
    """At the end of the run: drop the PostgreSQL template, if one was made."""
    kept = folder / "content-postgresql"
    if kept.exists():
        drop_database(kept.read_text())


def drop_database(name: str) -> None:
    with server() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
