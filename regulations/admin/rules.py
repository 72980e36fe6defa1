"""Curator admin for rules, with their requirements, sources, milestones and relations inline.

Curation state moves only through transitions (draft → in review → published, and
back to draft), recorded with who and when; only reviewers publish, and only
reviewers change what is published. Saves are refused when the page is stale.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from regulations.checklists import ChecklistQuery, build_checklist
from regulations.exports.xlsx import xlsx_response
from regulations.models import CurationState, Milestone, Requirement, Rule, RuleRelation, Source
from regulations.selectors import curation_queue
from regulations.services import (
    PUBLISH,
    TransitionRefused,
    available_transitions,
    mark_checked,
    record_new_requirements,
    record_rule_changes,
    rule_transition,
    rules_transition,
)
from regulations.views.exports import site_of

from .filters import ValuesFilter
from .history import HistoryAdmin
from .imports import RequirementImportMixin, RuleImportMixin, SourceImportMixin
from .inlines import LabelledTabularInline
from .locking import RevisionForm
from .widgets import HttpsUrlMixin, PrefetchedAutocompleteInlineMixin

MOVE_LABELS = {
    (CurationState.DRAFT, CurationState.IN_REVIEW): "Submit for review",
    (CurationState.IN_REVIEW, CurationState.DRAFT): "Return to draft",
    (CurationState.IN_REVIEW, CurationState.PUBLISHED): "Publish",
    (CurationState.PUBLISHED, CurationState.DRAFT): "Unpublish (return to draft)",
}


def can_publish(request) -> bool:
    return request.user.has_perm(PUBLISH)


class ReviewedContentMixin:
    """Published rules, and their requirements, sources and relations, change only in a reviewer's hands."""

    rule_attribute = ""  # the path from an object to its rule; empty when the object is the rule
    guarded_fields: tuple[str, ...] = ()  # rule foreign keys a non-reviewer may point only at unpublished rules

    def guarded(self, request, obj) -> bool:
        rule = getattr(obj, self.rule_attribute) if obj is not None and self.rule_attribute else obj
        return rule is not None and rule.is_published and not can_publish(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.guarded(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.guarded(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in self.guarded_fields and not can_publish(request):
            field.queryset = field.queryset.exclude(state=CurationState.PUBLISHED)
        return field


class ReviewedInlineMixin(ReviewedContentMixin):
    """The same guard for inlines, whose ``obj`` is the parent rule."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self.guarded(request, obj)


class RequirementTopicsForm(RevisionForm):
    """A requirement's own topics narrow its rule's: each is one of the rule's topics or beneath one."""

    def clean(self):
        cleaned = super().clean()
        rule = cleaned.get("rule") or getattr(self.instance, "rule", None)
        topics = cleaned.get("topics")
        if rule is None or rule.pk is None or not topics:
            return cleaned
        of_rule = set(rule.topics.values_list("pk", flat=True))
        outside = [topic.name for topic in topics if topic.pk not in of_rule and topic.parent_id not in of_rule]
        if outside:
            self.add_error("topics", f"Not a topic of its rule, nor beneath one: {', '.join(outside)}.")
        return cleaned


class RequirementInline(ReviewedInlineMixin, PrefetchedAutocompleteInlineMixin, admin.StackedInline):
    model = Requirement
    form = RequirementTopicsForm
    extra = 0
    fields = [
        ("reference", "key", "kind", "order"),
        "obligation",
        "topics",
        ("deadline", "reference_checked"),
        ("superseded_by", "superseded_on"),
        "evidence",
        "internal_note",
        "seen_revision",
    ]
    autocomplete_fields = ["topics", "superseded_by"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "superseded_by":  # its label names the rule: fetch both in one query
            kwargs["queryset"] = Requirement.objects.select_related("rule")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    classes = ["collapse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("rule").prefetch_related("topics")


class SourceInline(ReviewedInlineMixin, HttpsUrlMixin, LabelledTabularInline):
    model = Source
    extra = 0
    fields = ["url", "title", "publisher", "language", "official", "accessed_on", "order"]


class MilestoneInline(ReviewedInlineMixin, HttpsUrlMixin, PrefetchedAutocompleteInlineMixin, LabelledTabularInline):
    model = Milestone
    extra = 0
    fields = ["key", "kind", "date", "jurisdiction", "requirement", "source_url", "note"]
    autocomplete_fields = ["jurisdiction", "requirement"]
    verbose_name = "phase-in milestone"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("rule", "jurisdiction")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "requirement":  # a requirement's label names its rule
            kwargs["queryset"] = Requirement.objects.select_related("rule")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RelationInline(ReviewedInlineMixin, PrefetchedAutocompleteInlineMixin, LabelledTabularInline):
    model = RuleRelation
    fk_name = "from_rule"
    extra = 0
    fields = ["kind", "to_rule", "applies_from", "note"]
    autocomplete_fields = ["to_rule"]
    verbose_name = "relation to another rule"
    verbose_name_plural = "relations to other rules"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_rule", "to_rule")


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Published, not checked for 6 months"), ("never", "Never checked")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.due_for_review(timezone.localdate())
        if self.value() == "never":
            return queryset.filter(last_reviewed_on__isnull=True)
        return queryset


class RuleForm(RevisionForm):
    class Meta:
        model = Rule
        exclude = ["state", "search_vector", "revision"]


@admin.register(Rule)
class RuleAdmin(RuleImportMixin, ReviewedContentMixin, HistoryAdmin):
    form = RuleForm
    list_display = [
        "__str__",
        "state",
        "jurisdiction_code",
        "citation",
        "instrument",
        "applies_from",
        "applies_until",
        "last_reviewed_on",
        "last_reviewed_by",
        "updated_at",
    ]
    list_display_links = ["__str__"]
    list_filter = [
        "state",
        ReviewFilter,
        "instrument",
        "binding_by_itself",
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
    actions = ["submit_for_review", "publish", "return_to_draft", "mark_checked", "export_checklist"]
    change_list_template = "admin/regulations/rule/change_list.html"  # import-export extends it: the queue link
    inlines = [RequirementInline, SourceInline, MilestoneInline, RelationInline]
    readonly_fields = ["state", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "original_title", ("short_name", "slug"), "citation"]}),
        ("Where and who", {"fields": [("jurisdiction", "authority"), "instrument", "topics"]}),
        ("Force", {"fields": ["binding_by_itself", "treaty_instrument"]}),
        ("Scope", {"fields": [("level_min", "level_max"), "vehicle_categories"]}),
        ("Dates", {"fields": [("adopted_on", "applies_from", "applies_until")]}),
        ("Content", {"fields": ["summary", "internal_notes"]}),
        (
            "Curation",
            {
                "fields": [
                    "state",
                    ("last_reviewed_on", "last_reviewed_by"),
                    ("created_at", "updated_at"),
                    "seen_revision",
                ]
            },
        ),
    ]

    @admin.display(description="jurisdiction", ordering="jurisdiction__code")
    def jurisdiction_code(self, rule):
        return rule.jurisdiction.code

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_vector")

    def move(self, request, queryset, to_state: str, verb: str) -> None:
        moved, refused = rules_transition(rules=queryset, to_state=to_state, user=request.user)
        if moved:
            self.message_user(request, ngettext(f"{verb} %d rule.", f"{verb} %d rules.", len(moved)) % len(moved))
        for rule, problems in refused.items():
            self.message_user(request, f"Not {verb.lower()} {rule}: {', '.join(problems)}.", messages.WARNING)

    @admin.action(description="Submit selected rules for review")
    def submit_for_review(self, request, queryset):
        self.move(request, queryset, CurationState.IN_REVIEW, "Submitted")

    @admin.action(description="Publish selected rules (reviewers)", permissions=["publish"])
    def publish(self, request, queryset):
        self.move(request, queryset, CurationState.PUBLISHED, "Published")

    @admin.action(description="Return selected rules to draft")
    def return_to_draft(self, request, queryset):
        self.move(request, queryset, CurationState.DRAFT, "Returned to draft")

    def has_publish_permission(self, request):
        return can_publish(request)

    @admin.action(description="Record that the selected rules' facts were checked against the official source today")
    def mark_checked(self, request, queryset):
        allowed = [rule for rule in queryset if self.has_change_permission(request, rule)]
        count = mark_checked(rules=allowed, user=request.user)
        self.message_user(
            request, ngettext("Recorded the check of %d rule.", "Recorded the check of %d rules.", count) % count
        )
        if len(allowed) < queryset.count():
            self.message_user(
                request,
                "Published rules are checked by reviewers only; those were left as they were.",
                messages.WARNING,
            )

    @admin.action(description="Export checklist of selected rules (XLSX, with internal notes)")
    def export_checklist(self, request, queryset):
        query = ChecklistQuery(
            include_internal=True, live_only=False, rule_slugs=sorted(queryset.values_list("slug", flat=True))
        )
        return xlsx_response(build_checklist(query, rules=queryset, site=site_of(request)))

    def get_urls(self):
        transition = path(
            "<path:object_id>/transition/<str:to_state>/",
            self.admin_site.admin_view(self.transition_view),
            name="regulations_rule_transition",
        )
        curation = path("curation/", self.admin_site.admin_view(self.curation_view), name="regulations_rule_curation")
        return [transition, curation, *super().get_urls()]

    def curation_view(self, request):
        """What waits for a curator: stale checks, open questions, unconfirmed clause references."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": "Curation queue"}
        context |= curation_queue(timezone.localdate())
        return TemplateResponse(request, "admin/regulations/rule/curation.html", context)

    def transition_view(self, request, object_id, to_state):
        return require_POST(self._transition)(request, object_id, to_state)

    def _transition(self, request, object_id, to_state):
        rule = self.get_object(request, unquote(object_id))  # None for an id that cannot exist ("abc", "1\x00")
        if rule is None:
            raise Http404("No rule with that id.")
        if to_state not in CurationState.values or not self.has_view_permission(request, rule):
            raise PermissionDenied
        try:
            rule_transition(rule=rule, to_state=to_state, user=request.user, note=request.POST.get("note", ""))
        except TransitionRefused as error:
            self.message_user(request, f"Not moved: {', '.join(error.problems)}.", messages.ERROR)
        else:
            self.message_user(request, f"{rule} is now {CurationState(to_state).label.lower()}.")
        return redirect("admin:regulations_rule_change", rule.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rule = self.get_object(request, object_id)
        context = {"transitions": [], "recent_transitions": []}
        if rule is not None:
            moves = available_transitions(rule, request.user)
            context = {
                "transitions": [(state, MOVE_LABELS[(rule.state, state)]) for state in moves],
                "recent_transitions": rule.transitions.select_related("by")[:5],
            }
        return super().change_view(request, object_id, form_url, extra_context={**context, **(extra_context or {})})

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            before = Rule.objects.filter(pk=obj.pk).values("adopted_on", "applies_from", "applies_until").first() or {}
        super().save_model(request, obj, form, change)
        if change:
            record_rule_changes(before=before, rule=obj, user=request.user)

    def save_formset(self, request, form, formset, change):
        added = [f.instance for f in formset.forms if not f.instance.pk and f.has_changed()]
        super().save_formset(request, form, formset, change)
        if formset.model is Requirement:
            record_new_requirements(requirements=[r for r in added if r.pk], user=request.user)


class RequirementForm(RequirementTopicsForm):
    class Meta:
        model = Requirement
        exclude = ["revision"]


@admin.register(Requirement)
class RequirementAdmin(RequirementImportMixin, ReviewedContentMixin, HistoryAdmin):
    rule_attribute = "rule"
    guarded_fields = ("rule",)
    form = RequirementForm
    list_display = ["__str__", "kind", "deadline", "reference_checked", "rule_state"]
    list_filter = ["kind", "reference_checked", "rule__state", ("rule__jurisdiction", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["reference", "obligation", "evidence", "rule__title", "rule__short_name", "rule__citation"]
    list_select_related = ["rule"]
    autocomplete_fields = ["rule", "topics", "superseded_by"]
    show_full_result_count = False

    @admin.display(description="rule state", ordering="rule__state")
    def rule_state(self, requirement):
        return requirement.rule.get_state_display()

    def get_queryset(self, request):
        return super().get_queryset(request).defer("rule__search_vector", "rule__summary", "rule__internal_notes")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            record_new_requirements(requirements=[obj], user=request.user)


@admin.register(Source)
class SourceAdmin(SourceImportMixin, ReviewedContentMixin, HttpsUrlMixin, HistoryAdmin):
    rule_attribute = "rule"
    guarded_fields = ("rule",)
    list_display = ["__str__", "rule", "publisher", "language", "official", "accessed_on"]
    list_filter = ["official", ("language", ValuesFilter)]
    search_fields = ["url", "title", "publisher", "rule__title", "rule__short_name"]
    list_select_related = ["rule"]
    autocomplete_fields = ["rule"]
    show_full_result_count = False


@admin.register(Milestone)
class MilestoneAdmin(ReviewedContentMixin, HttpsUrlMixin, HistoryAdmin):
    rule_attribute = "rule"
    guarded_fields = ("rule",)
    list_display = ["rule", "kind", "date", "jurisdiction", "requirement"]
    list_filter = ["kind", ("jurisdiction", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["key", "note", "rule__title", "rule__short_name", "rule__citation"]
    list_select_related = ["rule", "jurisdiction", "requirement__rule"]
    autocomplete_fields = ["rule", "requirement", "jurisdiction"]
    date_hierarchy = "date"
    show_full_result_count = False


@admin.register(RuleRelation)
class RuleRelationAdmin(ReviewedContentMixin, HistoryAdmin):
    rule_attribute = "from_rule"
    guarded_fields = ("from_rule",)
    list_display = ["from_rule", "kind", "to_rule", "applies_from"]
    list_filter = ["kind"]
    search_fields = ["from_rule__title", "from_rule__short_name", "to_rule__title", "to_rule__short_name"]
    list_select_related = ["from_rule", "to_rule"]
    autocomplete_fields = ["from_rule", "to_rule"]
    show_full_result_count = False
