"""Replace the whole database with a backup made by manage.py backup, or change nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from regulations import backups


class Command(BaseCommand):
    help = (
        "Replace every table of the database with those in FILE (made by manage.py backup). The file is "
        "read through first; a damaged file, or one of the other database's kind, is refused and nothing "
        "changes. --check only reads the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--check", action="store_true", help="read the backup through; change nothing")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="do not ask for confirmation"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database to replace")

    def handle(self, *args, file: Path, check: bool, interactive: bool, database: str, **options):
        connection = connections[database]
        try:
            summary = backups.check(file, connection.vendor)
            if check:
                self.stdout.write(f"{file}: {summary}.")
                return
            if interactive and not self.confirmed(connection, file, summary):
                raise CommandError("Restore cancelled; nothing changed.")
            summary = backups.restore(connection, file)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {self.describe(connection)} from {file}: {summary}."))
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write(self.style.WARNING("The backup predates this release: run manage.py migrate."))

    def confirmed(self, connection, file: Path, summary: str) -> bool:
        answer = input(
            f"{file}: {summary}.\n"
            f"This replaces every table of {self.describe(connection)} with the contents of {file}.\n"
            "Type 'yes' to continue, or 'no' to cancel: "
        )
        return answer == "yes"

    @staticmethod
    def describe(connection) -> str:
        return f"the {connection.display_name} database {connection.settings_dict['NAME']}"
