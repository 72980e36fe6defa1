"""Small forms for page parameters, so bad input gets a message beside its field."""

import re

from django import forms

from .checklists import Layout
from .converters import CODE_PATTERN
from .exports import FORMATS
from .fields import DayField
from .filters import SAE_LEVELS, CodesField
from .force import Force
from .models import AssessmentStatus, Company, Jurisdiction, Question, QuestionGroup, Topic, VehicleSituation
from .provisions.groups import GROUPS

MAX_COMPARED = 6
MAX_PROVISION_MARKETS = 12
PROVISION_FORMATS = ("csv", "xlsx", "json")


class SlugChoiceField(forms.ModelChoiceField):
    """A model choice by slug, whatever its case."""

    def to_python(self, value):
        return super().to_python(value.strip().lower() if isinstance(value, str) else value)


class CodeChoiceField(forms.ModelChoiceField):
    """A jurisdiction by code, whatever its case, with a message that names the code."""

    def to_python(self, value):
        code = value.strip().upper() if isinstance(value, str) else value
        try:
            return super().to_python(code)
        except forms.ValidationError as error:
            raise forms.ValidationError(f"Unknown jurisdiction code: {code}.", code="invalid_choice") from error


class OnDateForm(forms.Form):
    on = DayField(required=False, label="As of")


class ProfileForm(OnDateForm):
    """A market profile: the page, or ``format=pdf`` for the same profile as a PDF."""

    format = forms.ChoiceField(
        choices=[("html", "html"), ("pdf", "pdf")],
        required=False,
        error_messages={"invalid_choice": "Unsupported format %(value)s: choose html or pdf."},
    )


def jurisdictions_field(label: str = "Jurisdictions") -> CodesField:
    """Optional, repeatable jurisdiction codes, any case."""
    queryset = Jurisdiction.objects.select_related("parent")
    return CodesField(queryset=queryset, to_field_name="code", required=False, label=label, noun="jurisdiction code")


def vehicle_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=VehicleSituation.choices,
        required=False,
        label="Vehicle",
        help_text="Which phase-in dates count: a new type is bound from the dates for new types.",
    )


class ExportableForm(OnDateForm):
    """A page that also downloads (``format=csv|xlsx|md|json``); an export needs at least one market."""

    markets_field = ""
    markets_needed = ""
    format = forms.ChoiceField(
        choices=[(name, name) for name in FORMATS],
        required=False,
        error_messages={"invalid_choice": f"Unsupported format %(value)s: choose one of {', '.join(FORMATS)}."},
    )

    def clean(self):
        cleaned = super().clean()
        exporting = cleaned.get("format") not in (None, "", "html")
        if exporting and not cleaned.get(self.markets_field) and not self.errors:
            self.add_error(self.markets_field, self.markets_needed)
        return cleaned


def ticked_codes(form: forms.Form, name: str = "j") -> list[str]:
    """The codes asked for, even when the form is invalid, keeping only what could be a code (safe to query)."""
    codes = (code.strip().upper() for code in form.data.getlist(name))
    return list(dict.fromkeys(code for code in codes if re.fullmatch(CODE_PATTERN, code)))


def in_chosen_order(form: forms.Form, name: str, limit: int) -> list[Jurisdiction]:
    """The jurisdictions of field ``name`` in the order they were asked for, at most ``limit``: columns follow it."""
    chosen = list(form.cleaned_data[name])
    if len(chosen) > limit:
        raise forms.ValidationError(f"Compare at most {limit} jurisdictions at a time.")
    order = [code.strip().upper() for code in form.data.getlist(name) if code.strip()]
    return sorted(chosen, key=lambda j: order.index(j.code) if j.code in order else len(order))


class CompareForm(ExportableForm):
    j = jurisdictions_field()
    vehicle = vehicle_field()
    markets_field, markets_needed = "j", "Choose at least one jurisdiction to export a comparison."

    def clean_j(self):
        return in_chosen_order(self, "j", MAX_COMPARED)

    def ticked_codes(self) -> list[str]:
        return ticked_codes(self)


class ChecklistForm(ExportableForm):
    applies_in = jurisdictions_field("Markets")
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
    vehicle = vehicle_field()
    force = forms.MultipleChoiceField(
        choices=Force.choices,
        required=False,
        label="Force",
        help_text=(
            "Binding rules only unless you tick more; "
            "a UN Regulation whose application is not recorded is never listed."
        ),
        error_messages={"invalid_choice": "Unknown force %(value)s: choose binding, recognised or advisory."},
    )
    layout = forms.ChoiceField(
        choices=Layout.choices,
        required=False,
        label="Layout",
        help_text="Over several markets: one row per requirement with all its markets, or a row per market.",
        error_messages={"invalid_choice": "Unknown layout %(value)s: choose requirement or market."},
    )
    markets_field, markets_needed = "applies_in", "Choose at least one market to export a checklist."

    def clean_force(self):
        return self.cleaned_data["force"] or [Force.BINDING]


STATUS_CHOICES = [(status.value, status.label) for status in AssessmentStatus]


class CompanyPageForm(OnDateForm):
    """The company page's drill-down: which market, which status, which topic."""

    j = CodeChoiceField(queryset=Jurisdiction.objects.select_related("parent"), to_field_name="code", required=False)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, label="Status")
    topic = SlugChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "Unknown topic: choose one from the list."},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") and not cleaned.get("j") and not self.errors:
            self.add_error("j", "Choose the market whose requirements you want to see.")
        return cleaned


class ReadinessForm(OnDateForm):
    view = forms.ChoiceField(
        choices=[("jurisdictions", "Firms by jurisdiction"), ("topics", "Firms by topic, in one jurisdiction")],
        required=False,
    )
    j = jurisdictions_field()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("view") == "topics" and len(cleaned.get("j") or []) != 1 and not self.errors:
            self.add_error("j", "The topic view needs exactly one jurisdiction, e.g. j=de.")
        return cleaned


class ProvisionsForm(OnDateForm):
    """The provision matrix: markets (chosen in order, or a group), a domain, a day and a download format."""

    j = jurisdictions_field("Markets")
    group = forms.ChoiceField(
        choices=[("", "Markets I choose"), *((key, g.name) for key, g in GROUPS.items())],
        required=False,
        label="Market group",
        error_messages={"invalid_choice": "Unknown market group %(value)s: choose eu, eaeu, asean or gulf."},
    )
    domain = forms.ChoiceField(
        choices=[("", "All questions"), *QuestionGroup.choices],
        required=False,
        label="Questions about",
        error_messages={"invalid_choice": "Unknown domain %(value)s: choose one from the list."},
    )
    format = forms.ChoiceField(
        choices=[(name, name) for name in PROVISION_FORMATS],
        required=False,
        error_messages={"invalid_choice": "Unknown format %(value)s: choose csv, xlsx or json."},
    )

    def clean_j(self):
        return in_chosen_order(self, "j", MAX_PROVISION_MARKETS)

    def ticked_codes(self) -> list[str]:
        return ticked_codes(self)


class ProvisionMapForm(OnDateForm):
    """One question on the world map."""

    q = SlugChoiceField(
        queryset=Question.objects.all(),
        to_field_name="slug",
        required=False,
        label="Question",
        error_messages={"invalid_choice": "Unknown question: choose one from the list."},
    )
