"""What each kind of import row holds: rules, their requirements and their sources.

Every row is validated in a dry run that lists each bad row and why; an import with any bad row
changes nothing. Imported rules start as drafts, and only a reviewer may import changes to a
published rule.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from regulations.models import Authority, CurationState, Jurisdiction, Requirement, Rule, Source, Topic
from regulations.services import PUBLISH

from .widgets import CodeWidget, FlexibleDateWidget


class BlankRowsSkipped(resources.ModelResource):
    """All or nothing: any bad row rolls the whole import back. Rows whose cells are all empty
    (blank lines in a spreadsheet) are skipped, not errors."""

    def import_data(self, dataset, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        kwargs.setdefault("use_transactions", True)
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        blank = [i for i, row in enumerate(dataset) if all(str(cell or "").strip() == "" for cell in row)]
        for index in reversed(blank):
            del dataset[index]
        super().before_import(dataset, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        for name, value in row.items():
            if isinstance(value, str):
                row[name] = value.strip()
        super().import_instance(instance, row, **kwargs)


class SharedMeta:
    """Import options every resource shares: validate each model, skip unchanged rows, one transaction."""

    clean_model_instances = True
    skip_unchanged = True
    report_skipped = False
    use_transactions = True


def refuse_published(rule: Rule | None, user) -> None:
    if rule is not None and rule.pk and rule.state == CurationState.PUBLISHED and not user.has_perm(PUBLISH):
        raise ValidationError(f"{rule} is published: only a reviewer may change it.")


class RuleResource(BlankRowsSkipped):
    jurisdiction = fields.Field("jurisdiction", "jurisdiction", CodeWidget(Jurisdiction, "code", noun="jurisdiction"))
    authority = fields.Field("authority", "authority", CodeWidget(Authority, "slug", noun="authority", upper=False))
    topics = fields.Field("topics", "topics", widgets.ManyToManyWidget(Topic, separator=",", field="slug"))
    adopted_on = fields.Field("adopted_on", "adopted_on", FlexibleDateWidget())
    applies_from = fields.Field("applies_from", "applies_from", FlexibleDateWidget())
    applies_until = fields.Field("applies_until", "applies_until", FlexibleDateWidget())

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

    def before_save_instance(self, instance, row, **kwargs):
        if "user" in kwargs:
            refuse_published(instance, kwargs["user"])
        if not instance.pk:
            instance.state = CurationState.DRAFT
        instance._change_reason = "Imported"


class RulePartResource(BlankRowsSkipped):
    """A part of a rule (a requirement, a source), found by the rule's slug."""

    rule = fields.Field("rule", "rule", CodeWidget(Rule, "slug", noun="rule", upper=False))

    def before_save_instance(self, instance, row, **kwargs):
        if "user" in kwargs:
            refuse_published(instance.rule, kwargs["user"])
        instance._change_reason = "Imported"


class RequirementResource(RulePartResource):
    deadline = fields.Field("deadline", "deadline", FlexibleDateWidget())

    class Meta(SharedMeta):
        model = Requirement
        import_id_fields = ["rule", "key"]
        fields = ["rule", "key", "reference", "kind", "obligation", "deadline", "evidence", "order"]


class SourceResource(RulePartResource):
    accessed_on = fields.Field("accessed_on", "accessed_on", FlexibleDateWidget())

    class Meta(SharedMeta):
        model = Source
        import_id_fields = ["rule", "url"]
        fields = ["rule", "url", "title", "publisher", "language", "official", "accessed_on"]
