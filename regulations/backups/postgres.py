"""PostgreSQL: pg_dump's custom format, restored by pg_restore and psql in one transaction.

pg_dump, pg_restore and psql must be of the server's major version or newer (Debian's
postgresql-client-15 for PostgreSQL 15). They connect with the settings Django uses, handed
over as libpq environment variables so the password never shows on a command line.
"""

import os
import re
import shutil
import subprocess
from contextlib import suppress
from pathlib import Path
from tempfile import TemporaryFile

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient

from .errors import BackupError

SUFFIX = "pgdump"
LIBPQ_VARIABLES = {"PGHOST": "HOST", "PGPORT": "PORT", "PGUSER": "USER", "PGDATABASE": "NAME"}


def libpq_environment(settings_dict: dict) -> dict[str, str]:
    """The environment for a PostgreSQL client tool connecting where Django connects."""
    _, password_and_tls = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    environment = {**os.environ, **(password_and_tls or {})}
    environment.update({name: str(settings_dict[key]) for name, key in LIBPQ_VARIABLES.items() if settings_dict[key]})
    return environment


def run(program: str, *arguments: str, settings_dict: dict | None = None) -> str:
    environment = libpq_environment(settings_dict) if settings_dict else None
    try:
        finished = subprocess.run(  # noqa: S603 - fixed programs, arguments from our own settings and the command line
            [program, *arguments], env=environment, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(f"{program} not found: install the PostgreSQL client tools.") from error
    if finished.returncode:
        raise BackupError(f"{program} failed: {finished.stderr.strip()}")
    return finished.stdout


def back_up(connection: BaseDatabaseWrapper, path: Path) -> None:
    run("pg_dump", "--format=custom", f"--file={path}", settings_dict=connection.settings_dict)


def check(path: Path) -> str:
    """Read the archive's table of contents, then every data block, as a restore would."""
    try:
        contents = run("pg_restore", "--list", str(path))
        run("pg_restore", f"--file={os.devnull}", str(path))
    except BackupError as error:
        raise BackupError(f"{path} is damaged or incomplete: {error}") from error
    if not re.search(r"^\d+; .* TABLE DATA \S+ django_migrations ", contents, re.MULTILINE):
        raise BackupError(f"{path} is not a backup of this site's database: it has no django_migrations table.")
    database = re.search(r"^;\s+dbname: (.*)$", contents, re.MULTILINE)
    created = re.search(r"^; Archive created at (.*)$", contents, re.MULTILINE)
    tables = len(re.findall(r"^\d+; .* TABLE DATA ", contents, re.MULTILINE))
    return (
        f"PostgreSQL backup of {database.group(1) if database else 'a database'}"
        f" made {created.group(1) if created else 'at an unknown time'}, {tables} tables; it reads back whole"
    )


def restore(connection: BaseDatabaseWrapper, path: Path) -> None:
    """Drop and recreate every object the backup holds, then ANALYZE, in one transaction.

    pg_restore writes the restore as SQL (``--clean --if-exists --no-owner``) and psql runs it
    with ``--single-transaction``, followed by ANALYZE: pg_restore leaves the planner no
    statistics, and a page planned without them (the rule list) took minutes. Inside the same
    transaction, requests that waited for the restore are planned with statistics. psql reads
    the end of its input, and so commits, only once pg_restore has finished without error;
    otherwise it is killed and the transaction rolls back. Objects the backup does not hold
    (say, a table a later migration made) are left alone.
    """
    script = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--file=-", str(path)]
    load = ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1"]
    load += [f"--dbname={connection.settings_dict['NAME']}", "--file=-", "--command=ANALYZE"]
    environment = libpq_environment(connection.settings_dict)
    with TemporaryFile() as script_errors, TemporaryFile() as load_errors:
        try:
            with (
                subprocess.Popen(script, stdout=subprocess.PIPE, stderr=script_errors) as writer,  # noqa: S603
                subprocess.Popen(  # noqa: S603 - fixed programs; arguments from our settings and the command line
                    load,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=load_errors,
                    env=environment,
                    bufsize=0,
                ) as loader,
            ):
                with suppress(BrokenPipeError):  # psql stopped at an error; its message says which
                    shutil.copyfileobj(writer.stdout, loader.stdin)
                writer.stdout.close()  # so pg_restore stops too if psql stopped first
                if writer.wait():
                    loader.kill()
                else:
                    loader.stdin.close()
        except FileNotFoundError as error:
            raise BackupError(f"{error.filename} not found: install the PostgreSQL client tools.") from error
        # psql stopping on an error makes pg_restore fail too (a broken pipe): name psql's error then.
        failed, errors = (loader, load_errors) if loader.returncode > 0 else (writer, script_errors)
        if failed.returncode:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip() or f"exit status {failed.returncode}"
            raise BackupError(f"Nothing restored: {failed.args[0]} failed: {message}")
