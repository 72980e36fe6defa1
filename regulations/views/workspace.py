"""/workspace/: a firm's analysts work through their programmes' checklists outside the admin.

Every view finds the programme through ``Programme.objects.visible_to(user)``: another
firm's programme is a 404, whatever its address. A row's status, owner and due date are a
small form: with htmx it posts on change and the row is swapped in place (409 with the
other person's values when stale); without JavaScript the same form posts and comes back to
the grid, filters kept, with a message.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from regulations.digests import changed_rules
from regulations.models import (
    AssessmentStatus,
    Programme,
    ProgrammeAssessment,
    ProgrammeReview,
    Requirement,
    Rule,
)
from regulations.models.programmes import firms_of, members_of
from regulations.programme_assessments import StaleAssessment, Standing, may_edit, record_assessment, standings
from regulations.workspace import PAGE_SIZE, GridFilter
from regulations.workspace import programme_grid as programme_grid_rows

from .watches import WatchForm

OPEN_ITEMS = 50


def programme_of(request, company: str, slug: str) -> Programme:
    visible = Programme.objects.visible_to(request.user).select_related("company")
    return get_object_or_404(visible, company__slug=company, slug=slug)


class RowForm(forms.Form):
    status = forms.ChoiceField(choices=AssessmentStatus.choices)
    owner = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False, to_field_name="username")
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    seen_revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, programme: Programme, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members_of(programme.company)


@login_required
def workspace_home(request):
    """My firms' programmes, and my open items (owned by me, not met), overdue first."""
    programmes = Programme.objects.visible_to(request.user).select_related("company").order_by("company__name", "name")
    open_items = (
        ProgrammeAssessment.objects.visible_to(request.user)
        .filter(owner=request.user)
        .exclude(status=AssessmentStatus.MET)
        .select_related("programme__company", "requirement__rule")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
    context = {
        "programmes": programmes,
        "watches": request.user.watches.select_related("jurisdiction", "topic", "programme"),
        "watch_form": WatchForm(request.user),
        "open_items": open_items[:OPEN_ITEMS],
        "open_count": open_items.count(),
        "today": timezone.localdate(),
        "firms": firms_of(request.user).order_by("name"),
    }
    return render(request, "regulations/workspace/home.html", context)


@login_required
def programme_grid(request, company: str, slug: str):
    programme = programme_of(request, company, slug)
    today = timezone.localdate()
    form = GridFilter(programme, request.GET)
    context = {"programme": programme, "form": form, "today": today, "editable": may_edit(request.user, programme)}
    if not form.is_valid():
        return render(request, "regulations/workspace/grid.html", context, status=400)
    grid = programme_grid_rows(programme, form.cleaned_data, request.user, today)
    page = Paginator(grid.rows, PAGE_SIZE).get_page(form.cleaned_data["page"])
    review = ProgrammeReview.objects.filter(user=request.user, programme=programme).first()
    if review is not None:
        by_slug = dict(Rule.objects.filter(slug__in={row.rule_slug for row in page}).values_list("slug", "pk"))
        changed = changed_rules(set(by_slug.values()), review.reviewed_at)
        for row in page:
            row.changed = by_slug.get(row.rule_slug) in changed
        context["reviewed_at"] = review.reviewed_at
    forms_by_row = [(row, row_form(programme, row.requirement_id, row.standing)) for row in page]
    context |= {"page": page, "total": len(grid.rows), "tally": grid.tally, "rows": forms_by_row}
    return render(request, "regulations/workspace/grid.html", context | {"next": request.get_full_path()})


def row_form(programme: Programme, requirement_id: int, standing: Standing, data=None) -> RowForm:
    record = standing.record
    initial = {
        "status": standing.status,
        "owner": record.owner.get_username() if record and record.owner else None,
        "due_on": record.due_on if record else None,
        "seen_revision": standing.revision,
    }
    return RowForm(programme, data, initial=initial, prefix=f"r{requirement_id}")


@login_required
@require_POST
def record_row(request, company: str, slug: str, requirement_id: int):
    """Save one row's status, owner and due date as the programme's own assessment."""
    programme = programme_of(request, company, slug)
    requirement = get_object_or_404(Requirement.objects.select_related("rule"), pk=requirement_id)
    if not may_edit(request.user, programme):
        raise PermissionDenied("You may not edit this firm's assessments.")
    form = row_form(programme, requirement.pk, standings(programme, [requirement.pk])[requirement.pk], request.POST)
    problem, status = saved_or_problem(request.user, programme, requirement, form)
    back = request.POST.get("next", "")
    if not request.htmx:
        label = f"{requirement.rule} {requirement.reference or requirement.key}"
        messages.add_message(request, messages.ERROR if problem else messages.SUCCESS, problem or f"Saved: {label}.")
        if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            return redirect(back)
        return redirect("regulations:workspace-programme", company=company, slug=slug)
    standing = standings(programme, [requirement.pk])[requirement.pk]
    context = {
        "programme": programme,
        "requirement_id": requirement.pk,
        "label": f"{requirement.rule} {requirement.reference or requirement.key}",
        "standing": standing,
        "form": row_form(programme, requirement.pk, standing),
        "members": list(members_of(programme.company)),
        "problem": problem,
        "saved": problem is None,
        "next": back,
    }
    return render(request, "regulations/workspace/_row_form.html", context, status=status)


def saved_or_problem(user, programme: Programme, requirement: Requirement, form: RowForm) -> tuple[str | None, int]:
    """Record the row, or say why not: (None, 200), or (message, 400 for bad input, 409 for a stale view)."""
    if not form.is_valid():
        return "Not saved: " + " ".join(e for errors in form.errors.values() for e in errors), 400
    values = {key: form.cleaned_data[key] for key in ("status", "owner", "due_on")}
    try:
        record_assessment(
            programme=programme,
            requirement=requirement,
            user=user,
            seen_revision=form.cleaned_data["seen_revision"],
            **values,
        )
    except StaleAssessment as stale:
        return str(stale), 409
    except ValidationError as error:
        return "Not saved: " + " ".join(error.messages), 400
    return None, 200


@login_required
@require_POST
def mark_reviewed(request, company: str, slug: str):
    """Everything changed so far counts as seen by this user for this programme."""
    programme = programme_of(request, company, slug)
    ProgrammeReview.objects.update_or_create(
        user=request.user, programme=programme, defaults={"reviewed_at": timezone.now()}
    )
    messages.success(request, "Marked as reviewed: rows will say when their rule changes again.")
    return redirect("regulations:workspace-programme", company=company, slug=slug)
