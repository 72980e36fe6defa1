"""Evidence pages of the workspace: a requirement's evidence for a programme, adding it, the firm's evidence
expiring soon, and the files themselves (to the firm's members only)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from regulations.evidence import check_upload, evidence_of
from regulations.models import EvidenceItem, Requirement
from regulations.models.programmes import firms_of
from regulations.programme_assessments import may_edit

from .workspace import programme_of

EXPIRING_DAYS = 60


class EvidenceForm(forms.ModelForm):
    url = forms.URLField(label="Link", required=False, max_length=1000, assume_scheme="https")
    this_programme_only = forms.BooleanField(required=False, label="For this programme only (else firm-wide)")

    class Meta:
        model = EvidenceItem
        fields = ["title", "url", "file", "effective_on", "expires_on"]
        widgets = {
            "effective_on": forms.DateInput(attrs={"type": "date"}),
            "expires_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("url") and not cleaned.get("file"):
            raise forms.ValidationError("Give a link or upload a file.")
        return cleaned


@login_required
def requirement_evidence(request, company: str, slug: str, requirement_id: int):
    programme = programme_of(request, company, slug)
    requirement = get_object_or_404(Requirement.objects.select_related("rule"), pk=requirement_id)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_edit(request.user, programme):
            raise PermissionDenied("You may not add this firm's evidence.")
        if form.is_valid():
            item = form.save(commit=False)
            item.company, item.added_by = programme.company, request.user
            item.programme = programme if form.cleaned_data["this_programme_only"] else None
            item._history_user = request.user
            item.save()
            item.requirements.add(requirement)
            messages.success(request, f"Evidence added: {item.title}.")
            return redirect(request.path)
    items = EvidenceItem.objects.filter(evidence_of(programme), requirements=requirement).select_related("added_by")
    context = {
        "programme": programme,
        "requirement": requirement,
        "items": items,
        "form": form,
        "today": timezone.localdate(),
        "editable": may_edit(request.user, programme),
    }
    return render(request, "regulations/workspace/evidence.html", context, status=400 if form.errors else 200)


@login_required
def expiring_evidence(request, company: str):
    firm = get_object_or_404(firms_of(request.user), slug=company)
    today = timezone.localdate()
    until = today + dt.timedelta(days=EXPIRING_DAYS)
    firm_items = (
        EvidenceItem.objects.filter(company=firm).select_related("programme").prefetch_related("requirements__rule")
    )
    context = {
        "firm": firm,
        "days": EXPIRING_DAYS,
        "items": firm_items.filter(expires_on__gte=today, expires_on__lte=until).order_by("expires_on", "title"),
        "expired": firm_items.filter(expires_on__lt=today).count(),
        "today": today,
    }
    return render(request, "regulations/workspace/expiring.html", context)


@login_required
def evidence_file(request, pk: int):
    item = get_object_or_404(EvidenceItem.objects.visible_to(request.user), pk=pk)
    if not item.file:
        raise Http404("This evidence is a link, not a file.")
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.file.name.rsplit("/", 1)[-1])
