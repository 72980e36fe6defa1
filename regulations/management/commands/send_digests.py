"""Daily, from cron: e-mail each watcher what changed in the rules they watch since their last digest."""

from django.core.management.base import BaseCommand

from regulations.digests import send_digests


class Command(BaseCommand):
    help = "E-mail every user with watches the changes since their last digest (SMTP settings from the environment)."

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"Digests sent: {sent}.")
