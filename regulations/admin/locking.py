"""No lost updates: a form remembers the revision it was opened at and refuses to save over a newer one.

The admin saves inside one transaction (a revert too: see ``history.py``), so the row
is locked (select_for_update on PostgreSQL; SQLite serialises writers) from the check
to the save. The refusal says
who changed what meanwhile, from the history, and keeps the user's input on screen.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.text import Truncator


def short(value) -> str:
    return Truncator(str(value) if value not in (None, "") else "(empty)").chars(60)


def changes_since(instance, seen: int) -> str:
    """What changed on ``instance`` after revision ``seen``, from its history, in one sentence."""
    history = instance.history.order_by("history_date", "history_id")
    then = history.filter(revision__lte=seen).last()
    now = history.last()
    if then is None or now is None or then.pk == now.pk:
        return "It was changed after you opened it."
    delta = now.diff_against(then, excluded_fields=["revision", "updated_at"])
    fields = "; ".join(
        f"{instance._meta.get_field(change.field).verbose_name}: {short(change.old)} → {short(change.new)}"
        for change in delta.changes
    )
    who = now.history_user or "someone"
    when = date_format(now.history_date, "j M Y H:i")
    return f"{who} changed it on {when} after you opened it — {fields or 'no visible field changed'}."


class RevisionForm(forms.ModelForm):
    """A model form that will not save over a change made since it was opened."""

    seen_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A revert's form starts from an old version, so "unchanged" says nothing about the
    # current object: the revision is checked (and counted) whatever the form holds.
    reverting = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_revision"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk or not (self.has_changed() or self.reverting):
            return cleaned
        seen = cleaned.get("seen_revision")
        model = type(self.instance)
        current = model.objects.select_for_update().filter(pk=self.instance.pk).values_list("revision", flat=True)
        current = current.first()
        if seen is None or current != seen:
            raise ValidationError(
                "Not saved: %(changes)s Nothing of theirs was overwritten. Reload the page to see the current "
                "version, then make your changes again.",
                code="stale",
                params={"changes": changes_since(self.instance, seen or 0)},
            )
        self.instance.revision = current + 1
        return cleaned
