"""Curator admin for rules, with their requirements, sources and relations inline."""

from django.contrib import admin, messages
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from regulations.checklists import ChecklistQuery, build_checklist
from regulations.exports.xlsx import xlsx_response
from regulations.models import Requirement, Rule, RuleRelation, Source
from regulations.services import rules_publish

from .widgets import HttpsUrlMixin, PrefetchedAutocompleteInlineMixin


class RequirementInline(admin.StackedInline):
    model = Requirement
    extra = 0
    fields = [
        ("reference", "key", "kind", "order"),
        "obligation",
        ("deadline", "reference_checked"),
        "evidence",
        "internal_note",
    ]
    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("rule")


class SourceInline(HttpsUrlMixin, admin.TabularInline):
    model = Source
    extra = 0
    fields = ["url", "title", "publisher", "language", "official", "accessed_on", "order"]


class RelationInline(PrefetchedAutocompleteInlineMixin, admin.TabularInline):
    model = RuleRelation
    fk_name = "from_rule"
    extra = 0
    fields = ["kind", "to_rule", "applies_from", "note"]
    autocomplete_fields = ["to_rule"]
    verbose_name = "relation to another rule"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_rule", "to_rule")


@admin.register(Rule)
class RuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "citation",
        "jurisdiction_code",
        "instrument",
        "applies_from",
        "applies_until",
        "state",
        "last_reviewed_on",
        "updated_at",
    ]
    list_display_links = ["__str__"]
    list_filter = [
        "state",
        "instrument",
        ("jurisdiction", admin.RelatedOnlyFieldListFilter),
        "topics",
        "last_reviewed_on",
    ]
    search_fields = ["title", "short_name", "citation", "original_title", "slug"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction", "authority", "topics"]
    prepopulated_fields = {"slug": ["short_name"]}
    date_hierarchy = "applies_from"
    show_full_result_count = False
    list_per_page = 50
    actions = ["publish", "export_checklist"]
    inlines = [RequirementInline, SourceInline, RelationInline]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "original_title", ("short_name", "slug"), "citation"]}),
        ("Where and who", {"fields": [("jurisdiction", "authority"), "instrument", "topics"]}),
        ("Scope", {"fields": [("level_min", "level_max"), "vehicle_categories"]}),
        ("Dates", {"fields": [("adopted_on", "applies_from", "applies_until")]}),
        ("Content", {"fields": ["summary", "internal_notes"]}),
        ("Curation", {"fields": [("state", "last_reviewed_on"), ("created_at", "updated_at")]}),
    ]

    @admin.display(description="jurisdiction", ordering="jurisdiction__code")
    def jurisdiction_code(self, rule):
        return rule.jurisdiction.code

    @admin.action(description="Publish selected rules", permissions=["publish"])
    def publish(self, request, queryset):
        published, refused = rules_publish(rules=queryset, user=request.user)
        if published:
            count = len(published)
            self.message_user(request, ngettext("Published %d rule.", "Published %d rules.", count) % count)
        for rule, problems in refused.items():
            self.message_user(request, f"Not published {rule}: {', '.join(problems)}.", messages.WARNING)

    @admin.action(description="Export checklist of selected rules (XLSX, with internal notes)")
    def export_checklist(self, request, queryset):
        query = ChecklistQuery(
            include_internal=True, live_only=False, rule_slugs=sorted(queryset.values_list("slug", flat=True))
        )
        return xlsx_response(build_checklist(query, rules=queryset))

    def has_publish_permission(self, request):
        return request.user.has_perm("regulations.publish_rule")


@admin.register(Requirement)
class RequirementAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "deadline", "reference_checked", "rule_state"]
    list_filter = [
        "kind",
        "reference_checked",
        "rule__state",
        ("rule__jurisdiction", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "reference",
        "obligation",
        "evidence",
        "rule__title",
        "rule__short_name",
        "rule__citation",
    ]
    list_select_related = ["rule"]
    autocomplete_fields = ["rule"]
    show_full_result_count = False

    @admin.display(description="rule state", ordering="rule__state")
    def rule_state(self, requirement):
        return requirement.rule.get_state_display()


@admin.register(Source)
class SourceAdmin(HttpsUrlMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "rule", "publisher", "language", "official", "accessed_on"]
    list_filter = ["official", "language"]
    search_fields = ["url", "title", "publisher", "rule__title", "rule__short_name"]
    list_select_related = ["rule"]
    autocomplete_fields = ["rule"]
    show_full_result_count = False


@admin.register(RuleRelation)
class RuleRelationAdmin(SimpleHistoryAdmin):
    list_display = ["from_rule", "kind", "to_rule", "applies_from"]
    list_filter = ["kind"]
    search_fields = ["from_rule__title", "from_rule__short_name", "to_rule__title", "to_rule__short_name"]
    list_select_related = ["from_rule", "to_rule"]
    autocomplete_fields = ["from_rule", "to_rule"]
    show_full_result_count = False
