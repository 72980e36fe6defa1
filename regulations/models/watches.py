"""What a user watches (a market, a topic or a programme), when they last had a digest, and when they last
reviewed a programme: the inputs of the daily digest and of "changed since your last review"."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .jurisdictions import Jurisdiction, Topic
from .programmes import Programme


class Watch(models.Model):
    """One thing a user follows: exactly one of a market, a topic or a programme."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, null=True, blank=True, related_name="watches"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, null=True, blank=True, related_name="watches")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="watches")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(jurisdiction__isnull=False, topic__isnull=True, programme__isnull=True)
                | Q(jurisdiction__isnull=True, topic__isnull=False, programme__isnull=True)
                | Q(jurisdiction__isnull=True, topic__isnull=True, programme__isnull=False),
                name="watch_one_target",
                violation_error_message="A watch follows exactly one market, topic or programme.",
            ),
            models.UniqueConstraint(fields=["user", "jurisdiction"], name="watch_market_once"),
            models.UniqueConstraint(fields=["user", "topic"], name="watch_topic_once"),
            models.UniqueConstraint(fields=["user", "programme"], name="watch_programme_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} watches {self.target}"

    @property
    def target(self):
        return self.jurisdiction or self.topic or self.programme


class DigestState(models.Model):
    """When a user's last digest was sent: the next one lists what changed since."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_state")
    sent_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user}: digest sent until {self.sent_until:%Y-%m-%d %H:%M}"


class ProgrammeReview(models.Model):
    """When a user last reviewed a programme's checklist: rows whose rule changed since say so."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_reviews")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reviews")
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "programme"], name="programme_review_once")]

    def __str__(self) -> str:
        return f"{self.user} reviewed {self.programme} at {self.reviewed_at:%Y-%m-%d %H:%M}"
