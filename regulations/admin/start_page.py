"""The curators' start page (the admin index): what waits for them, above Django's list of models.

Six lists, each counted in full and showing its first ``START_LIMIT``: rules in review (oldest
first, with what each lacks to be published), rules due for review, requirements whose clause
reference is unconfirmed, other rules with open questions, recent changes by others and imports
awaiting confirmation. The lists come from the selectors the curation queue uses; a list of
content the curator may not view is left out. A fixed number of queries whatever the row count.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from regulations.importing.pending import discard_pending_import, may_discard, waiting_imports
from regulations.importing.uploads import is_upload_name
from regulations.models import CurationState, PendingImport, Requirement, Rule
from regulations.recent_changes import changes_by_others, may_view
from regulations.selectors import (
    WorkList,
    rules_due_for_review,
    rules_in_review,
    rules_with_open_questions,
    unconfirmed_references,
)
from regulations.services import publication_problems

START_LIMIT = 10


def start_page_context(request) -> dict:
    user, today = request.user, timezone.localdate()
    context = {"start_limit": START_LIMIT, "recent_changes": changes_by_others(user, START_LIMIT)}
    if may_view(user, Rule):
        in_review = WorkList.of(rules_in_review(), START_LIMIT)
        for rule in in_review.items:
            rule.lacks = publication_problems(rule)  # reads the annotated official_source_count: no query
        open_questions = rules_with_open_questions().exclude(state=CurationState.IN_REVIEW)
        context |= {
            "in_review": in_review,
            "due_for_review": WorkList.of(rules_due_for_review(today), START_LIMIT),
            "open_questions": WorkList.of(open_questions.order_by("updated_at", "slug"), START_LIMIT),
        }
    if may_view(user, Requirement):
        context["unconfirmed"] = WorkList.of(unconfirmed_references(), START_LIMIT)
    context["my_imports"] = WorkList.of(waiting_imports().filter(user=user), START_LIMIT)
    if user.is_superuser:
        context["others_imports"] = WorkList.of(waiting_imports().exclude(user=user), START_LIMIT)
    return context


@require_POST
def discard_import(request, upload: str):
    """Throw a waiting upload away: its file and its record. Someone else's answers 404 (superusers aside)."""
    pending = PendingImport.objects.filter(upload=upload).first() if is_upload_name(upload) else None
    if pending is None or not may_discard(request.user, pending):
        raise Http404("No waiting import of yours has this name.")
    discard_pending_import(pending)
    messages.success(request, f"Discarded the upload of {pending.file_name}: nothing was imported from it.")
    return redirect("admin:index")
