"""Publish the whole published knowledge base as open data (for a nightly cron job).

Writes ``kb-<content version>.sqlite3`` (Datasette-ready, full-text search on rules and
requirements) and ``kb-<content version>.jsonl`` into ``OPEN_DATA_DIR``, which /open-data/
offers for download; files of older versions are removed once the new ones are whole.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from regulations.open_data import publish, superseded


class Command(BaseCommand):
    help = "Write the published knowledge base as one SQLite file and as JSON Lines into OPEN_DATA_DIR."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=None, help="Where to write (default: OPEN_DATA_DIR).")

    def handle(self, *args, **options):
        directory = options["dir"] or Path(settings.OPEN_DATA_DIR)
        written = publish(directory)
        for old in superseded(directory, written):
            old.unlink()
        for path in written:
            self.stdout.write(f"{path}\t{path.stat().st_size:,} bytes")
