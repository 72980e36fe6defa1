"""Back up and restore the whole database, history included, with each database's own tool.

Not ``dumpdata``/``loaddata``: loading a rule sets its topics, which fires simple-history's
``m2m_changed`` handler (it ignores ``raw``), so the load writes history rows of its own (on
PostgreSQL they collide with the loaded ones and the load fails); the SQL views cannot be
loaded; and natural keys fail once a rule is deleted, because its history still names it.

- PostgreSQL: ``pg_dump --format=custom``; restored by ``pg_restore --clean --if-exists
  --no-owner`` run through ``psql --single-transaction`` with a closing ANALYZE: every table,
  sequence, view, trigger and index, and a failure half-way changes nothing.
- SQLite: the online backup API, which copies a consistent snapshot while the site runs, and
  copies a backup back into the live database in one step.

Before a restore the file is read through whole (its kind, that it is a database of this site,
that no part is missing); a file that fails is refused and the database is not touched.
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper

from . import postgres, sqlite
from .errors import BackupError

__all__ = ["BackupError", "back_up", "check", "restore", "suffix"]

METHODS = {"postgresql": postgres, "sqlite": sqlite}
NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
MAGIC = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}


def method(connection: BaseDatabaseWrapper):
    if connection.vendor not in METHODS:
        raise BackupError(f"Backups cover PostgreSQL and SQLite, not {connection.vendor}.")
    return METHODS[connection.vendor]


def suffix(connection: BaseDatabaseWrapper) -> str:
    """The file name ending of this database's backups."""
    return method(connection).SUFFIX


def back_up(connection: BaseDatabaseWrapper, path: Path) -> str:
    """Write a backup of the database to ``path``, readable only by its owner; say what it holds."""
    backups = method(connection)
    with written_whole(path) as partial:
        backups.back_up(connection, partial)
        summary = backups.check(partial)
    return summary


def check(path: Path, vendor: str) -> str:
    """Read the backup through for a ``vendor`` database; say what it holds, or raise BackupError."""
    kind = backup_kind(path)
    if kind != vendor:
        raise BackupError(
            f"{path} is a {NAMES[kind]} backup, but the database to restore is {NAMES.get(vendor, vendor)}."
        )
    return METHODS[kind].check(path)


def restore(connection: BaseDatabaseWrapper, path: Path) -> str:
    """Replace the whole database with the backup, or change nothing; say what was restored."""
    backups = method(connection)
    if connection.in_atomic_block:
        raise BackupError("A restore replaces the database: it cannot run inside a transaction.")
    summary = check(path, connection.vendor)
    backups.restore(connection, path)
    return summary


def backup_kind(path: Path) -> str:
    try:
        with open(path, "rb") as file:
            head = file.read(16)
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from error
    for kind, magic in MAGIC.items():
        if head.startswith(magic):
            return kind
    raise BackupError(
        f"{path} is not a backup made by manage.py backup (neither a pg_dump archive nor a SQLite database)."
    )


@contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """A private temporary file beside ``path``, renamed to it only once written whole.

    So an interrupted backup never leaves a file that looks complete, and nobody but the
    owner reads the password hashes and sessions a backup holds.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
