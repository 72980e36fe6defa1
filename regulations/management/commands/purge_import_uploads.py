"""Remove import uploads whose preview was never confirmed (for a cron job).

Each new upload already removes those older than a day; this also clears them on a quiet server.
"""

import datetime as dt

from django.core.management.base import BaseCommand

from regulations.importing.uploads import MAX_AGE, purge_uploads, uploads_folder


class Command(BaseCommand):
    help = "Remove uploaded import files older than --hours (default 24) whose preview was never confirmed."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=MAX_AGE.total_seconds() / 3600)

    def handle(self, *args, hours, **options):
        removed = purge_uploads(dt.timedelta(hours=hours))
        self.stdout.write(f"Removed {removed} unconfirmed upload(s) older than {hours:g} h from {uploads_folder()}.")
