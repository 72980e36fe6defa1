"""Small forms for page parameters, so bad input gets a message beside its field."""

from django import forms

from .exports import FORMATS
from .filters import SAE_LEVELS, CodesField
from .models import Company, Jurisdiction, Topic

MAX_COMPARED = 6


class SlugChoiceField(forms.ModelChoiceField):
    """A model choice by slug, whatever its case."""

    def to_python(self, value):
        return super().to_python(value.strip().lower() if isinstance(value, str) else value)


class OnDateForm(forms.Form):
    on = forms.DateField(
        required=False,
        label="As of",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Give the date as YYYY-MM-DD, for example 2027-01-01."},
    )


class CompareForm(OnDateForm):
    j = CodesField(
        queryset=Jurisdiction.objects.select_related("parent"),
        to_field_name="code",
        required=False,
        label="Jurisdictions",
        noun="jurisdiction code",
    )

    def clean_j(self):
        chosen = list(self.cleaned_data["j"])
        if len(chosen) > MAX_COMPARED:
            raise forms.ValidationError(f"Compare at most {MAX_COMPARED} jurisdictions at a time.")
        order = [code.upper() for code in self.data.getlist("j") if code.strip()]
        return sorted(chosen, key=lambda j: order.index(j.code) if j.code in order else len(order))


class ChecklistForm(OnDateForm):
    applies_in = CodesField(
        queryset=Jurisdiction.objects.select_related("parent"),
        to_field_name="code",
        required=False,
        label="Markets",
        noun="jurisdiction code",
    )
    topic = CodesField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        label="Topics",
        normalise=str.lower,
        noun="topic",
    )
    level = forms.TypedChoiceField(
        choices=[("", "Any level"), *SAE_LEVELS],
        coerce=int,
        empty_value=None,
        required=False,
        label="Automation level",
    )
    company = SlugChoiceField(
        queryset=Company.objects.all(),
        to_field_name="slug",
        required=False,
        label="Company",
        error_messages={"invalid_choice": "Unknown company: choose one from the list."},
    )
    format = forms.ChoiceField(
        choices=[(name, name) for name in FORMATS],
        required=False,
        error_messages={"invalid_choice": f"Unsupported format %(value)s: choose one of {', '.join(FORMATS)}."},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("format") not in (None, "", "html") and not cleaned.get("applies_in") and not self.errors:
            self.add_error("applies_in", "Choose at least one market to export a checklist.")
        return cleaned
