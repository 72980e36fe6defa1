"""What each kind of import row holds: rules, their requirements and their sources.

Every row is validated in a dry run that lists each bad row and why; an import with any bad row
changes nothing. Imported rules start as drafts, and only a reviewer may import changes to a
published rule. History records each imported row as "Imported" by the user who imported it, and
an import records the same change events (/changes/) as the admin's forms: amended dates and
repeals of published rules, requirements added to them.
"""

from __future__ import annotations

from itertools import chain

from django.core.exceptions import ValidationError
from import_export.fields import Field

from regulations.models import Authority, ChangeEvent, CurationState, Jurisdiction, Requirement, Rule, Source, Topic
from regulations.services import DATE_FIELDS, PUBLISH, record_new_requirements, rule_change_events

from .bulk import BulkResource, RelatedField, SharedMeta
from .widgets import CodeWidget, FlexibleDateWidget, SlugsWidget

RULE_LOOKUP = Rule.objects.defer("search_vector", "summary", "internal_notes")
DATES_BEFORE = "_import_dates_before"  # on an existing rule: its dates as loaded, for the change events


def refuse_published(rule: Rule | None, user) -> None:
    if rule is not None and rule.pk and rule.state == CurationState.PUBLISHED and not user.has_perm(PUBLISH):
        raise ValidationError(f"{rule} is published: only a reviewer may change it.")


def date_field(name: str) -> Field:
    return Field(name, name, FlexibleDateWidget())


class RuleResource(BulkResource):
    jurisdiction = Field("jurisdiction", "jurisdiction", CodeWidget(Jurisdiction, "code", noun="jurisdiction"))
    authority = Field("authority", "authority", CodeWidget(Authority, "slug", noun="authority", upper=False))
    topics = RelatedField("topics", "topics", SlugsWidget(Topic, noun="topic", plural="topics"))
    adopted_on = date_field("adopted_on")
    applies_from = date_field("applies_from")
    applies_until = date_field("applies_until")

    class Meta(SharedMeta):
        model = Rule
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "jurisdiction",
            "authority",
            "title",
            "original_title",
            "short_name",
            "citation",
            "instrument",
            "topics",
            "level_min",
            "level_max",
            "vehicle_categories",
            "adopted_on",
            "applies_from",
            "applies_until",
            "summary",
            "internal_notes",
        ]

    def get_queryset(self):
        return Rule.objects.select_related("jurisdiction", "authority").defer("search_vector")

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            instance.__dict__[DATES_BEFORE] = {name: getattr(instance, name) for name in DATE_FIELDS}

    def before_save_instance(self, instance, row, **kwargs):
        if "user" in kwargs:
            refuse_published(instance, kwargs["user"])
        if not instance.pk:
            instance.state = CurationState.DRAFT
        instance._change_reason = self.change_reason

    def after_write(self, instances, *, created: bool) -> None:
        if created or self.dry_run:
            return
        events = (
            rule_change_events(before=rule.__dict__[DATES_BEFORE], rule=rule, user=self.user) for rule in instances
        )
        ChangeEvent.objects.bulk_create(chain.from_iterable(events))


class RulePartResource(BulkResource):
    """A part of a rule (a requirement, a source), found by the rule's slug."""

    rule = Field("rule", "rule", CodeWidget(Rule, "slug", noun="rule", upper=False, queryset=RULE_LOOKUP))

    def get_queryset(self):
        return self._meta.model.objects.select_related("rule").defer(
            "rule__search_vector", "rule__summary", "rule__internal_notes"
        )

    def before_save_instance(self, instance, row, **kwargs):
        if "user" in kwargs:
            refuse_published(instance.rule, kwargs["user"])
        instance._change_reason = self.change_reason


class RequirementResource(RulePartResource):
    deadline = date_field("deadline")

    class Meta(SharedMeta):
        model = Requirement
        import_id_fields = ["rule", "key"]
        fields = ["rule", "key", "reference", "kind", "obligation", "deadline", "evidence", "order"]

    def after_write(self, instances, *, created: bool) -> None:
        if created and not self.dry_run:
            record_new_requirements(requirements=instances, user=self.user)


class SourceResource(RulePartResource):
    accessed_on = date_field("accessed_on")

    class Meta(SharedMeta):
        model = Source
        import_id_fields = ["rule", "url"]
        fields = ["rule", "url", "title", "publisher", "language", "official", "accessed_on"]
