"""Back up the whole database to one file (see regulations.backups for the method per database)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from regulations.backups import BackupError, back_up, suffix


class Command(BaseCommand):
    help = (
        "Back up every table of the database, history included: pg_dump on PostgreSQL, the online "
        "backup API on SQLite. Safe while the site runs. Restore with manage.py restore FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", type=Path, help="where to write it; default backups/kb-<UTC time>.<pgdump|sqlite3>"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database to back up")

    def handle(self, *args, file: Path | None, database: str, **options):
        connection = connections[database]
        try:
            if file is None:
                stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
                file = settings.BASE_DIR / "backups" / f"kb-{stamp}.{suffix(connection)}"
            summary = back_up(connection, file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backed up to {file}: {summary}."))
