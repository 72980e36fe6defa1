"""SQLite: the online backup API, both ways.

A backup is a consistent snapshot even while the site writes; a restore copies the backup
into the live database in one step, under a write lock, so readers see the old database or
the new one, never a mix.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

from django.db.backends.base.base import BaseDatabaseWrapper

from .errors import BackupError

SUFFIX = "sqlite3"


def back_up(connection: BaseDatabaseWrapper, path: Path) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def check(path: Path) -> str:
    """Check every page of the file, and that it is a database of this site."""
    try:
        with closing(read_only(path)) as backup:
            problems = [row[0] for row in backup.execute("PRAGMA integrity_check")]
            tables = backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged or incomplete: {error}.") from error
    if problems != ["ok"]:
        raise BackupError(f"{path} is damaged or incomplete: {'; '.join(problems[:3])}.")
    if ("django_migrations",) not in tables:
        raise BackupError(f"{path} is not a backup of this site's database: it has no django_migrations table.")
    return f"SQLite backup, {len(tables)} tables; it reads back whole"


def restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    connection.ensure_connection()
    with closing(read_only(path)) as backup:
        backup.backup(connection.connection)
