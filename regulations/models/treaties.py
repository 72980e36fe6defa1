"""Which parties to the 1958 Agreement apply which UN Regulation.

Being a party to the 1958 Agreement does not mean applying every UN Regulation: a
party applies those it has not declined and those it has notified since (the UN
Treaty Collection lists them per Regulation; ECE/TRANS/WP.29/343 gathers them).
Only a recorded application makes a UN Regulation *recognised* in a party.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from .jurisdictions import Jurisdiction, Membership, MembershipRole
from .rules import Rule, TreatyInstrument


class RegulationApplicationQuerySet(models.QuerySet):
    def active_on(self, date: dt.date):
        """Applications in effect on ``date``; an unrecorded start counts as in effect."""
        return self.filter(
            Q(since__isnull=True) | Q(since__lte=date),
            Q(until__isnull=True) | Q(until__gte=date),
        )


class RegulationApplicationManager(models.Manager.from_queryset(RegulationApplicationQuerySet)):
    def get_by_natural_key(self, party, regulation):
        return self.get(party__code=party, regulation__slug=regulation)


class RegulationApplication(models.Model):
    """``party`` applies the UN Regulation ``regulation`` under the 1958 Agreement, from ``since``."""

    party = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="regulation_applications")
    regulation = models.ForeignKey(
        Rule,
        on_delete=models.CASCADE,
        related_name="applications",
        limit_choices_to={"treaty_instrument": TreatyInstrument.UN_REGULATION},
        help_text="A UN Regulation annexed to the 1958 Agreement.",
    )
    since = models.DateField(null=True, blank=True, help_text="Leave empty when the date is not confirmed.")
    until = models.DateField(null=True, blank=True, help_text="Last day it applied; empty while it applies.")
    source_url = models.URLField(
        max_length=1000, help_text="Where this is stated: the UN Treaty Collection entry, or an official notice."
    )
    note = models.TextField(blank=True, help_text="Public: what the source says, in our own words.")

    objects = RegulationApplicationManager()

    class Meta:
        ordering = ["regulation__slug", "party__name"]
        constraints = [
            models.UniqueConstraint(fields=["party", "regulation"], name="regulation_application_unique"),
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(until__isnull=True) | Q(until__gte=F("since")),
                name="regulation_application_dates_in_order",
                violation_error_message="An application cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party.code} applies {self.regulation}"

    def natural_key(self):
        return (self.party.code, self.regulation.slug)

    natural_key.dependencies = ["regulations.jurisdiction", "regulations.rule"]

    def clean(self):
        """Only a UN Regulation can be applied, and only by a party to the Agreement it is annexed to."""
        if self.regulation_id is None or self.party_id is None:
            return
        if self.regulation.treaty_instrument != TreatyInstrument.UN_REGULATION:
            raise ValidationError({"regulation": "Choose a UN Regulation annexed to the 1958 Agreement."})
        party = Membership.objects.filter(
            member_id=self.party_id, body_id=self.regulation.jurisdiction_id, role=MembershipRole.PARTY_1958
        )
        if not party.exists():
            raise ValidationError({"party": "Record this jurisdiction as a party to the 1958 Agreement first."})
