"""Small forms for page parameters, so bad input gets a message beside its field."""

from django import forms

from .filters import CodesField
from .models import Jurisdiction

MAX_COMPARED = 6


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
