"""Print the published rules whose facts were not checked for six months (for a cron job).

Exit status 0 always; the count goes first so a wrapper can alert on it.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from regulations.models import Rule


class Command(BaseCommand):
    help = "List published rules whose facts were last checked more than six months ago, or never."

    def handle(self, *args, **options):
        today = timezone.localdate()
        rules = Rule.objects.due_for_review(today).select_related("jurisdiction").order_by("last_reviewed_on", "slug")
        rules = list(rules.only("slug", "title", "short_name", "last_reviewed_on", "jurisdiction__code"))
        self.stdout.write(f"{len(rules)} published rule(s) due for review on {today.isoformat()}")
        for rule in rules:
            reviewed = rule.last_reviewed_on.isoformat() if rule.last_reviewed_on else "never"
            self.stdout.write(f"{rule.jurisdiction.code}\t{rule.slug}\tlast reviewed {reviewed}\t{rule}")
