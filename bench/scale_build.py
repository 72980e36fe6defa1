"""The scale databases of bench/scale.py: build them once, count them, copy SQLite for Datasette."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "scale-"
# Production settings (DEBUG off), for the build commands and the servers alike; the page cache is off
# unless a server is started with it, so that page timings are of making the page.
ENV = {"DEBUG": "0", "SECRET_KEY": "bench-only", "ALLOWED_HOSTS": "*", "SECURE_SSL_REDIRECT": "0", "PAGE_CACHE": "0"}
# The columns Datasette's full-text search covers: those of the product's ranked search on rules.
FTS_COLUMNS = ["title", "short_name", "citation", "summary"]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def sqlite_path(database_url: str) -> Path:
    return Path(database_url.removeprefix("sqlite:///"))


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, **ENV, "DATABASE_URL": database_url, **extra}


def manage(database_url: str, *args: str) -> None:
    """Run manage.py in a process of its own, without a statement timeout (the build has long statements)."""
    started = time.perf_counter()
    print(f"  manage.py {' '.join(args)}", flush=True)
    env = django_env(database_url, DATABASE_STATEMENT_TIMEOUT="0")
    command = [sys.executable, "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own arguments
    print(f"    {time.perf_counter() - started:.0f} s", flush=True)


def ensure_postgres_database(database_url: str) -> None:
    """Create the PostgreSQL database if it is missing (connecting to the server's own database)."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres", query=""))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        print(f"  creating database {name}", flush=True)
        connection.execute(f'CREATE DATABASE "{name}"')  # a name we were given, quoted


def query(database_url: str, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of one query on either database (sqlite3 or psycopg, no Django); [] if the tables are missing."""
    if database_url.startswith("sqlite:"):
        path = sqlite_path(database_url)
        if not path.exists():
            return []
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            try:
                return connection.execute(sql.replace("%s", "?"), params).fetchall()
            except sqlite3.OperationalError:
                return []
    import psycopg

    try:
        with psycopg.connect(database_url) as connection:
            return connection.execute(sql, params).fetchall()
    except (psycopg.errors.UndefinedTable, psycopg.OperationalError):
        return []


def scale_rules(database_url: str) -> int:
    rows = query(database_url, "SELECT count(*) FROM regulations_rule WHERE slug LIKE %s", (PREFIX + "%",))
    return rows[0][0] if rows else 0


def counts(database_url: str) -> tuple[int, int]:
    """(rules, requirements) in the database."""
    rules = query(database_url, "SELECT count(*) FROM regulations_rule")
    requirements = query(database_url, "SELECT count(*) FROM regulations_requirement")
    return (rules[0][0] if rules else 0), (requirements[0][0] if requirements else 0)


def build(database_url: str, rules: int) -> None:
    """Migrate (always: a database built by an older commit gets the new schema), then load the reference
    content and generate the synthetic rules, unless there are enough already."""
    if database_url.startswith("postgres"):
        ensure_postgres_database(database_url)
    else:
        sqlite_path(database_url).parent.mkdir(parents=True, exist_ok=True)
    manage(database_url, "migrate", "--noinput")
    have = scale_rules(database_url)
    if have >= rules:
        print(f"  {have:,} synthetic rules already there", flush=True)
    else:
        manage(database_url, "load_reference")
        manage(database_url, "generate_scale_data", "--rules", str(rules - have))
    vacuum(database_url)


def vacuum(database_url: str) -> None:
    """VACUUM (ANALYZE) a PostgreSQL database after the build's bulk writes, as autovacuum would in time.

    This machine's server runs with autovacuum off: without this, the rules the build rewrote stay
    as 100,000 dead rows, index-only scans fetch every heap row (no visibility map) and the planner
    works from stale statistics; pages measured twice as slow as on a vacuumed database.
    """
    if not database_url.startswith("postgres"):
        return
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def collectstatic(database_url: str) -> None:
    """The servers run with DEBUG off, so the pages need the hashed static files' manifest (made again if stale)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file()]
    if manifest.exists() and manifest.stat().st_mtime > max(sources, default=0):
        return
    manage(database_url, "collectstatic", "--noinput")


def datasette_copy(source: Path) -> Path:
    """A copy of the SQLite file with full-text search on rules, for Datasette (the product's file stays as it is)."""
    import sqlite_utils

    target = source.with_name(source.stem + "_datasette.sqlite3")
    fresh = target.exists() and target.stat().st_mtime > source.stat().st_mtime
    if fresh and "regulations_rule_fts" in sqlite_utils.Database(target).table_names():
        return target
    started = time.perf_counter()
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as reading, sqlite3.connect(partial) as writing:
        reading.backup(writing)
    database = sqlite_utils.Database(partial)
    database["regulations_rule"].enable_fts(FTS_COLUMNS, create_triggers=False)
    database.close()
    partial.replace(target)
    print(f"  Datasette copy with full-text search: {target.name} ({time.perf_counter() - started:.0f} s)", flush=True)
    return target
