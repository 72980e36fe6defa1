"""Bulk import of rules, requirements and sources from CSV and XLSX (django-import-export).

Real files are messy: a BOM, semicolons, dates as Excel serial numbers or day-first
text, blank lines, Chinese text. Every row is validated in a dry run that lists each
bad row and why; an import with any bad row changes nothing. Imported rules start as
drafts, and only a reviewer may import changes to a published rule.
"""

from __future__ import annotations

import datetime as dt

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.admin import ImportMixin
from import_export.formats import base_formats

from regulations.models import Authority, CurationState, Jurisdiction, Requirement, Rule, Source, Topic

EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
PUBLISH = "regulations.publish_rule"


DELIMITERS = [",", ";", "\t", "|"]


def delimiter_of(text: str) -> str:
    """The separator a spreadsheet used: the candidate the header line holds most of (header cells rarely
    contain one; data cells often do, so csv.Sniffer is easily misled by them)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(DELIMITERS, key=header.count)


class SniffedCSV(base_formats.CSV):
    """CSV with or without a BOM, whose delimiter (comma, semicolon, tab or pipe) is read from the file."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        in_stream = in_stream.lstrip("\ufeff")
        return tablib.import_set(in_stream, format="csv", delimiter=delimiter_of(in_stream))


IMPORT_FORMATS = [SniffedCSV, base_formats.XLSX]


class FlexibleDateWidget(widgets.DateWidget):
    """ISO dates, day-first dates (25/05/2018, 25.05.2018), Excel serial numbers and real spreadsheet dates."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if text.replace(".", "", 1).isdigit():
            return EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
        for pattern in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time
            except ValueError:
                continue
        raise ValueError(f"'{text}' is not a date: use YYYY-MM-DD (day-first and Excel dates are read too)")


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key by code or slug, whatever its case, with a message that names the value."""

    def __init__(self, model, field, *, noun, upper=True):
        super().__init__(model, field)
        self.noun, self.upper = noun, upper

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = str(value).strip()
        text = text.upper() if self.upper else text.lower()
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: text})
        except self.model.DoesNotExist:
            raise ValueError(f"Unknown {self.noun}: {text}") from None


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


class ImportAdminMixin(ImportMixin):
    """Import with a dry-run preview; the confirm button only appears when every row is good."""

    import_formats = IMPORT_FORMATS
    skip_admin_log = True


class RuleImportMixin(ImportAdminMixin):
    resource_classes = [RuleResource]


class RequirementImportMixin(ImportAdminMixin):
    resource_classes = [RequirementResource]


class SourceImportMixin(ImportAdminMixin):
    resource_classes = [SourceResource]
