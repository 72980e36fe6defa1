"""/workspace/watches/: follow a market, a topic or one of your firms' programmes, for the daily digest."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from regulations.models import Jurisdiction, Programme, Topic, Watch


class WatchForm(forms.Form):
    """Follow one market, topic or programme (the user's own firms' programmes only)."""

    jurisdiction = forms.ModelChoiceField(
        queryset=Jurisdiction.objects.places().order_by("name"), required=False, to_field_name="code", label="A market"
    )
    topic = forms.ModelChoiceField(queryset=Topic.objects.all(), required=False, to_field_name="slug", label="A topic")
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), required=False, label="A programme")

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.visible_to(user).select_related("company")

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("jurisdiction", "topic", "programme") if cleaned.get(name)]
        if len(chosen) != 1:
            raise forms.ValidationError("Choose one market, one topic or one programme to watch.")
        return cleaned


@login_required
@require_POST
def add_watch(request):
    form = WatchForm(request.user, request.POST)
    if form.is_valid():
        target = {name: value for name, value in form.cleaned_data.items() if value}
        _, created = Watch.objects.get_or_create(user=request.user, **target)
        messages.success(request, f"Watching {next(iter(target.values()))}." if created else "Already watched.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("regulations:workspace")


@login_required
@require_POST
def remove_watch(request, pk: int):
    get_object_or_404(Watch, pk=pk, user=request.user).delete()
    messages.success(request, "No longer watched.")
    return redirect("regulations:workspace")
