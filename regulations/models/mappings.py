"""Requirement mappings, and the effective status they let a firm's evidence carry over."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from .readiness import AssessmentStatus, Company, Visibility
from .rules import Requirement


class MappingRelationship(models.TextChoices):
    """How ``from_requirement`` relates to ``to_requirement`` (OSCAL's mapping relationships)."""

    EQUAL = "equal", "equal to"
    SUBSET = "subset", "a subset of"
    SUPERSET = "superset", "a superset of"
    INTERSECTS = "intersects", "intersects with"


class RequirementMappingManager(models.Manager):
    def get_by_natural_key(self, from_rule, from_key, to_rule, to_key):
        return self.get(
            from_requirement__rule__slug=from_rule,
            from_requirement__key=from_key,
            to_requirement__rule__slug=to_rule,
            to_requirement__key=to_key,
        )


class RequirementMapping(models.Model):
    """``from_requirement`` is equal to / a subset of / a superset of / intersects ``to_requirement``.

    A side that is equal to or a superset of the other fully covers it, so a firm's
    status on it carries over whole; any other overlap carries over at most as
    "partly met". A direct assessment always wins over a carried one.
    """

    from_requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="mappings_out")
    to_requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="mappings_in")
    relationship = models.CharField(max_length=12, choices=MappingRelationship.choices)
    rationale = models.TextField(help_text="Why the two overlap, in our own words.")
    internal_note = models.TextField(blank=True, help_text="For curators only; never shown publicly.")

    history = HistoricalRecords()
    objects = RequirementMappingManager()

    class Meta:
        ordering = ["from_requirement", "to_requirement"]
        constraints = [
            models.UniqueConstraint(fields=["from_requirement", "to_requirement"], name="mapping_unique"),
            models.CheckConstraint(condition=~Q(from_requirement=F("to_requirement")), name="mapping_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.from_requirement} is {self.get_relationship_display()} {self.to_requirement}"

    def natural_key(self):
        return (*self.from_requirement.natural_key(), *self.to_requirement.natural_key())

    natural_key.dependencies = ["regulations.requirement"]


class EffectiveStatusBase(models.Model):
    """A firm's status on a requirement as the site shows it: its own assessment, or one carried
    over through a mapping. Read from database views (see migration 0004), so every readiness
    figure is an aggregate query. Pairs with no row are unknown.
    """

    company = models.ForeignKey(Company, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    requirement = models.ForeignKey(
        Requirement, on_delete=models.DO_NOTHING, related_name="%(class)s_rows", db_constraint=False
    )
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices)
    carried = models.BooleanField()
    via_requirement = models.ForeignKey(
        Requirement, on_delete=models.DO_NOTHING, null=True, related_name="+", db_constraint=False
    )
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    is_sample = models.BooleanField()
    evidence = models.TextField()
    assessed_on = models.DateField(null=True)

    class Meta:
        abstract = True
        managed = False

    def __str__(self) -> str:
        return f"{self.company_id}/{self.requirement_id}: {self.status}"


class PublicEffectiveStatus(EffectiveStatusBase):
    """From public assessments only: what anyone may see."""

    class Meta(EffectiveStatusBase.Meta):
        db_table = "regulations_effective_status_public"


class EffectiveStatus(EffectiveStatusBase):
    """From every assessment, internal ones included: for staff."""

    class Meta(EffectiveStatusBase.Meta):
        db_table = "regulations_effective_status_all"
