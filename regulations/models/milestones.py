"""Phase-in milestones: the dates from which a rule, or one of its requirements, binds which vehicles.

Vehicle rules rarely start on one day: new types first, then every new registration,
then the end of acceptance of an older series of amendments. A milestone records one
such date for a rule, or for one of its requirements where that differs, and for one
market where the date is set by that market's law (the EU's dates for UN R155 are set
by the EU regulation that makes R155 binding: a milestone of UN R155 with the market
EU, reaching Germany through its EU membership).
"""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .jurisdictions import Jurisdiction
from .rules import Requirement, Rule


class MilestoneKind(models.TextChoices):
    NEW_TYPES = "new_types", "New types"
    ALL_NEW_VEHICLES = "all_new_vehicles", "All new vehicles"
    OLDER_SERIES_END = "older_series_end", "End of acceptance of an older series"
    REPORTING = "reporting", "Reporting starts"
    OTHER = "other", "Obligations start"


class VehicleSituation(models.TextChoices):
    """What a checklist asks about: which milestones bite on the vehicle."""

    NEW_TYPE = "new_type", "A new type approved on or after the day"
    REGISTERED = "registered", "An already approved type registered on the day"


class MilestoneManager(models.Manager):
    def get_by_natural_key(self, rule_slug, key):
        return self.get(rule__slug=rule_slug, key=key)


class Milestone(models.Model):
    """One dated step in a rule's phase-in, for the whole rule or one requirement, everywhere or in one market."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="milestones")
    key = models.SlugField(max_length=80, help_text="Stable identifier within the rule, e.g. eu-new-types.")
    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="milestones",
        help_text="Only when the date concerns one requirement of the rule rather than all of it.",
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name="market",
        help_text="Only when the date holds in one market, set by its law (EU for the EU's dates for UN R155).",
    )
    kind = models.CharField(max_length=20, choices=MilestoneKind.choices)
    date = models.DateField()
    source_url = models.URLField(
        max_length=1000, help_text="Where the date is stated: a source of the rule, or its own."
    )
    note = models.TextField(blank=True, help_text="Public: what the date covers, in our own words.")

    history = HistoricalRecords()
    objects = MilestoneManager()

    class Meta:
        ordering = ["date", "pk"]
        constraints = [models.UniqueConstraint(fields=["rule", "key"], name="milestone_key_unique_per_rule")]
        indexes = [models.Index(fields=["date"], name="milestone_date")]

    def __str__(self) -> str:
        where = f" ({self.jurisdiction.code})" if self.jurisdiction_id else ""
        return f"{self.rule}: {self.get_kind_display()} {self.date.isoformat()}{where}"

    def natural_key(self):
        return (*self.rule.natural_key(), self.key)

    natural_key.dependencies = ["regulations.rule"]

    def clean(self):
        if self.requirement_id and self.rule_id and self.requirement.rule_id != self.rule_id:
            raise ValidationError({"requirement": "Choose a requirement of this rule, or none for the whole rule."})

    @property
    def label(self) -> str:
        """``New types 2022-07-06 (EU)``: how a checklist cell names it."""
        where = f" ({self.jurisdiction.code})" if self.jurisdiction_id else ""
        return f"{self.get_kind_display()} {self.date.isoformat()}{where}"
