"""/workspace/<firm>/<programme>/export.xlsx, upload/ and apply/: the spreadsheet round trip's pages.

The reading and comparing is ``regulations.workspace_sheet``; these views keep the preview in
the session between the upload and the apply, and apply it in one transaction through the
one door that writes programme assessments (``record_assessment``).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from regulations.models import Programme, Requirement
from regulations.models.programmes import members_of
from regulations.programme_assessments import StaleAssessment, may_edit, record_assessment
from regulations.workspace import GridFilter, grid_rows
from regulations.workspace_sheet import MAX_BYTES, BadSheet, read_workbook, write_workbook

from .workspace import programme_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def export_programme(request, company: str, slug: str):
    """The grid's rows (the same filters) as a workbook to fill in and upload again."""
    programme = programme_of(request, company, slug)
    form = GridFilter(programme, request.GET)
    if not form.is_valid():
        context = {"programme": programme, "form": form, "today": timezone.localdate(), "editable": False}
        return render(request, "regulations/workspace/grid.html", context, status=400)
    rows = grid_rows(programme, form.cleaned_data, request.user, timezone.localdate())
    data = write_workbook(programme, rows, [member.get_username() for member in form.members])
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{company}-{slug}-checklist.xlsx"'
    return response


class UploadForm(forms.Form):
    file = forms.FileField(label="Filled-in checklist (XLSX)")


def upload_key(programme: Programme) -> str:
    return f"workspace-upload-{programme.pk}"


@login_required
def upload_programme(request, company: str, slug: str):
    """Read a filled-in export and show what applying it would change; nothing is saved yet."""
    programme = programme_of(request, company, slug)
    if not may_edit(request.user, programme):
        raise PermissionDenied("You may not edit this firm's assessments.")
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"programme": programme, "form": form, "max_mb": MAX_BYTES // 1024 // 1024}
    if request.method != "POST":
        return render(request, "regulations/workspace/upload.html", context)
    if not form.is_valid():
        return render(request, "regulations/workspace/upload.html", context, status=400)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > MAX_BYTES:  # refused before a byte is read
            raise BadSheet(f"The file is {upload.size / 1024 / 1024:.0f} MB; at most {context['max_mb']} MB.")
        members = {member.get_username() for member in members_of(programme.company)}
        rows = grid_rows(programme, {}, request.user, timezone.localdate())
        result = read_workbook(upload.read(), programme, rows, members)
    except BadSheet as refusal:
        return render(request, "regulations/workspace/upload.html", context | {"refusal": str(refusal)}, status=400)
    request.session[upload_key(programme)] = [change.as_dict() for change in result.changes + result.conflicts]
    return render(request, "regulations/workspace/preview.html", context | {"result": result})


@login_required
@require_POST
def apply_upload(request, company: str, slug: str):
    """Apply the previewed changes, and the conflicts the user chose the file's values for, in one transaction."""
    programme = programme_of(request, company, slug)
    pending = request.session.get(upload_key(programme))
    grid = redirect("regulations:workspace-programme", company=company, slug=slug)
    if pending is None:
        messages.error(request, "Nothing to apply: upload the file again.")
        return grid
    taken = set(request.POST.getlist("take"))
    chosen = [change for change in pending if not change["conflict"] or change["id"] in taken]
    users = {member.get_username(): member for member in members_of(programme.company)}
    try:
        with transaction.atomic():
            for change in chosen:
                values = change["file"]
                record_assessment(
                    programme=programme,
                    requirement=Requirement.objects.get(pk=change["requirement_id"]),
                    user=request.user,
                    seen_revision=change["revision"],
                    status=values["status"],
                    owner=users.get(values["owner"]),
                    due_on=dt.date.fromisoformat(values["due_on"]) if values["due_on"] else None,
                    evidence=values["evidence"],
                    notes=values["notes"],
                )
    except StaleAssessment:
        messages.error(
            request, "Nothing was applied: a row changed on the site after the preview. Upload the file again."
        )
        return redirect("regulations:workspace-upload", company=company, slug=slug)
    del request.session[upload_key(programme)]
    conflicts = {change["id"] for change in pending if change["conflict"]}
    kept = len(conflicts - taken)
    messages.success(
        request, f"Applied {plural(len(chosen), 'change')}; kept the site's values for {plural(kept, 'conflict')}."
    )
    return grid


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
