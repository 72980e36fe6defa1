"""Curator admin for the standard questions and each jurisdiction's answers to them."""

from django.contrib import admin, messages
from django.utils.translation import ngettext

from regulations.models import Answer, AnswerValue, CurationState, Question, Requirement
from regulations.provisions.workflow import PUBLISH_ANSWER, move_answer

from .history import HistoryAdmin
from .locking import RevisionForm


@admin.register(Question)
class QuestionAdmin(HistoryAdmin):
    list_display = ["label", "group", "topic", "order"]
    list_filter = ["group"]
    search_fields = ["label", "text", "slug"]
    list_select_related = ["topic"]
    prepopulated_fields = {"slug": ["label"]}


class AnswerForm(RevisionForm):
    """An answer cites requirements of its own jurisdiction's rules: that is how it reaches other markets."""

    class Meta:
        model = Answer
        exclude = ["state", "revision"]

    def clean(self):
        cleaned = super().clean()
        jurisdiction, cited = cleaned.get("jurisdiction"), cleaned.get("rests_on")
        if cleaned.get("value") == AnswerValue.NONE:
            self.clean_finding(cleaned)
        elif "rests_on" in cleaned and not cited:
            self.add_error("rests_on", "Cite the requirements it rests on (only a finding, “No rule”, cites none).")
        if jurisdiction and cited:
            foreign = sorted({str(r) for r in cited if r.rule.jurisdiction_id != jurisdiction.pk})
            if foreign:
                self.add_error(
                    "rests_on", f"Not a requirement of {jurisdiction.name}'s own rules: {', '.join(foreign)}."
                )
        return cleaned

    def clean_finding(self, cleaned: dict) -> None:
        """A finding records a search: its day, what was searched and the rules read, and no requirement."""
        if cleaned.get("rests_on"):
            self.add_error("rests_on", "A finding rests on no requirement: name the rules read instead.")
        if "checked_rules" in cleaned and not cleaned["checked_rules"]:
            self.add_error("checked_rules", "Name the rules that were read and hold nothing on the question.")


@admin.register(Answer)
class AnswerAdmin(HistoryAdmin):
    form = AnswerForm
    list_display = ["question", "jurisdiction", "value", "state", "updated_at"]
    list_filter = ["state", "value", "question__group", "question", ("jurisdiction", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["explanation", "question__label", "jurisdiction__code", "jurisdiction__name"]
    list_select_related = ["question", "jurisdiction"]
    autocomplete_fields = ["jurisdiction", "rests_on", "checked_rules"]
    readonly_fields = ["state", "updated_at"]
    fieldsets = [
        (None, {"fields": ["question", "jurisdiction", "value", "explanation", "rests_on"]}),
        (
            "Finding (value “No rule” only)",
            {
                "fields": ["checked_on", "searched", "checked_rules"],
                "description": "When the law holds nothing on the question: the day of the search, what was read "
                "and searched (shown publicly), and the rules read.",
            },
        ),
        (None, {"fields": ["internal_note", "state", "seen_revision"]}),
    ]
    actions = ["submit_for_review", "publish", "return_to_draft"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        """As for rules: what is published changes only in a reviewer's hands."""
        published = obj is not None and obj.is_published
        return super().has_change_permission(request, obj) and not (published and not self.can_publish(request))

    def has_delete_permission(self, request, obj=None):
        published = obj is not None and obj.is_published
        return super().has_delete_permission(request, obj) and not (published and not self.can_publish(request))

    @staticmethod
    def can_publish(request) -> bool:
        return request.user.has_perm(PUBLISH_ANSWER)

    def has_publish_permission(self, request):
        return self.can_publish(request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "rests_on":  # a requirement's label names its rule
            kwargs["queryset"] = Requirement.objects.select_related("rule")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def move(self, request, queryset, to_state: str, verb: str) -> None:
        moved = 0
        for answer in queryset:
            problems = move_answer(answer=answer, to_state=to_state, user=request.user)
            if problems:
                self.message_user(request, f"Not {verb.lower()} {answer}: {', '.join(problems)}.", messages.WARNING)
            else:
                moved += 1
        if moved:
            self.message_user(request, ngettext(f"{verb} %d answer.", f"{verb} %d answers.", moved) % moved)

    @admin.action(description="Submit selected answers for review")
    def submit_for_review(self, request, queryset):
        self.move(request, queryset, CurationState.IN_REVIEW, "Submitted")

    @admin.action(description="Publish selected answers (reviewers)", permissions=["publish"])
    def publish(self, request, queryset):
        self.move(request, queryset, CurationState.PUBLISHED, "Published")

    @admin.action(description="Return selected answers to draft")
    def return_to_draft(self, request, queryset):
        self.move(request, queryset, CurationState.DRAFT, "Returned to draft")
