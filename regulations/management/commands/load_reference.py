"""Load the reference content from ``fixtures/`` (idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from regulations.content.entries import ContentError
from regulations.content.loading import load_reference


class Command(BaseCommand):
    help = (
        "Load jurisdictions, topics, rules, requirements and firms from the fixtures folder. "
        "Creates what is missing and leaves curators' edits alone; --sync also resets "
        "existing records to the fixtures. One transaction: any problem changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fixtures", type=Path, default=settings.BASE_DIR / "fixtures")
        parser.add_argument("--sync", action="store_true", help="update existing records to match the fixtures")

    def handle(self, *args, fixtures: Path, sync: bool, verbosity: int, **options):
        try:
            report = load_reference(fixtures, sync=sync)
        except ContentError as error:
            raise CommandError(f"Reference content not loaded:\n{error}") from error
        if verbosity > 1:
            for line in report.lines():
                self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Reference content loaded: {report.changed} records created or updated."))
