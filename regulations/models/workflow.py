"""The curation workflow's records: state transitions and the public change log."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .rules import CurationState, Requirement, Rule


class RuleTransition(models.Model):
    """A rule moved from one curation state to another, by whom and when."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=CurationState.choices)
    to_state = models.CharField(max_length=20, choices=CurationState.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["rule", "-at"], name="transition_rule_recent")]

    def __str__(self) -> str:
        return f"{self.rule}: {self.get_from_state_display()} -> {self.get_to_state_display()}"


class ChangeKind(models.TextChoices):
    """Corrections to our content; changes in the law itself are read from the rules' dates (events.py)."""

    PUBLISHED = "published", "Rule added to our content"
    DATES_AMENDED = "dates_amended", "Dates corrected"
    REQUIREMENT_ADDED = "requirement_added", "Requirement added"
    REPEALED = "repealed", "Repeal recorded"
    REVISED = "revised", "Revised after review"


class ChangeEventQuerySet(models.QuerySet):
    def public(self):
        """Corrections to rules that are published now: what /changes/ and its feed show beside legal events."""
        return self.filter(rule__state=CurationState.PUBLISHED)


class ChangeEvent(models.Model):
    """A reviewed correction to our content, recorded when a reviewer changes a published rule; dated when made.

    Loading the reference content records none: it is not news.
    """

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="change_events")
    requirement = models.ForeignKey(
        Requirement, on_delete=models.SET_NULL, null=True, blank=True, related_name="change_events"
    )
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    summary = models.TextField(help_text="What changed, in a sentence.")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ChangeEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.rule}"
