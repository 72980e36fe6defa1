"""Curator admin for firms, their markets and public records, and assessments."""

from django.contrib import admin

from regulations.models import Assessment, Company, Market, PublicRecord, RequirementMapping

from .history import HistoryAdmin
from .inlines import LabelledTabularInline
from .locking import RevisionForm
from .widgets import HttpsUrlMixin, PrefetchedAutocompleteInlineMixin, https_url_fields


class MarketInline(PrefetchedAutocompleteInlineMixin, LabelledTabularInline):
    model = Market
    extra = 0
    fields = ["jurisdiction", "status", "since"]
    autocomplete_fields = ["jurisdiction"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company", "jurisdiction")


class PublicRecordInline(HttpsUrlMixin, PrefetchedAutocompleteInlineMixin, admin.StackedInline):
    model = PublicRecord
    extra = 0
    fields = [
        ("kind", "date"),
        ("jurisdiction", "rule"),
        "issuer",
        "description",
        "source_url",
        "internal_note",
    ]
    autocomplete_fields = ["jurisdiction", "rule"]
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("company")


@admin.register(Company)
class CompanyAdmin(HttpsUrlMixin, admin.ModelAdmin):
    list_display = ["name", "original_name", "segment", "hq_city", "hq_country", "is_fictional"]
    list_filter = ["segment", "is_fictional"]
    search_fields = ["name", "original_name", "slug"]
    list_select_related = ["hq_country"]
    autocomplete_fields = ["hq_country"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MarketInline, PublicRecordInline]


@admin.register(PublicRecord)
class PublicRecordAdmin(HttpsUrlMixin, admin.ModelAdmin):
    list_display = ["company", "kind", "jurisdiction", "date", "issuer"]
    list_filter = ["kind", ("company", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["description", "issuer", "source_url", "company__name"]
    list_select_related = ["company", "jurisdiction"]
    autocomplete_fields = ["company", "jurisdiction", "rule"]


class AssessmentForm(RevisionForm):
    class Meta:
        model = Assessment
        exclude = ["revision"]
        formfield_callback = https_url_fields


@admin.register(Assessment)
class AssessmentAdmin(HttpsUrlMixin, HistoryAdmin):
    form = AssessmentForm
    list_display = [
        "company",
        "requirement",
        "status",
        "visibility",
        "is_sample",
        "assessed_on",
        "assessed_by",
    ]
    list_filter = ["status", "visibility", "is_sample", ("company", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["company__name", "requirement__reference", "requirement__rule__short_name", "evidence"]
    list_select_related = ["company", "requirement__rule", "assessed_by"]
    autocomplete_fields = ["company", "requirement"]
    show_full_result_count = False
    fields = [
        ("company", "requirement"),
        ("status", "assessed_on"),
        "evidence",
        "evidence_url",
        ("visibility", "is_sample"),
        "assessed_by",
        "seen_revision",
    ]
    readonly_fields = ["assessed_by"]

    def save_model(self, request, obj, form, change):
        """Record who assessed: the curator saving the assessment."""
        obj.assessed_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RequirementMapping)
class RequirementMappingAdmin(HistoryAdmin):
    list_display = ["from_requirement", "relationship", "to_requirement"]
    list_filter = ["relationship"]
    search_fields = [
        "from_requirement__reference",
        "from_requirement__rule__short_name",
        "to_requirement__reference",
        "to_requirement__rule__short_name",
        "rationale",
    ]
    list_select_related = ["from_requirement__rule", "to_requirement__rule"]
    autocomplete_fields = ["from_requirement", "to_requirement"]


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = ["company", "jurisdiction", "status", "since"]
    list_filter = ["status", ("jurisdiction", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["company__name", "jurisdiction__code", "jurisdiction__name"]
    list_select_related = ["company", "jurisdiction"]
    autocomplete_fields = ["company", "jurisdiction"]
