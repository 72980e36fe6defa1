"""The rule listing's one FilterSet, shared by the page, the exports and the API.

A day (``on``, formerly ``in_force_on``, still accepted) means what a firm must
prepare for on it: rules in force *or* adopted and coming, as the checklist has it.
The legal-status filter narrows that (``status=in_force`` gives what
``in_force_on`` alone gave before) or, ticked otherwise, replaces it.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .applicability import applicabilities
from .fields import DayField
from .force import Force, force_key, force_label
from .models import Instrument, Jurisdiction, LegalStatus, Rule, Topic, legal_status_expression
from .search import MAX_QUERY_LENGTH, Hits, find, search_rules

LIVE_STATUSES = [LegalStatus.IN_FORCE.value, LegalStatus.ADOPTED.value]
FORCES = [(force_key(force), force_label(force)) for force in (*Force, None)]
SAE_LEVELS = [(str(level), f"SAE Level {level}") for level in range(6)]
SORTS = {
    "relevance": ("Relevance", ["-search_rank", "jurisdiction__code", "title"]),
    "newest": ("Date of application, newest first", [F("applies_from").desc(nulls_last=True), "title"]),
    "oldest": ("Date of application, oldest first", [F("applies_from").asc(nulls_last=True), "title"]),
    "title": ("Title", ["title"]),
    "jurisdiction": ("Jurisdiction", ["jurisdiction__code", "title"]),
    "updated": ("Recently updated", ["-updated_at"]),
}


class CodesField(forms.ModelMultipleChoiceField):
    """Case-insensitive codes or slugs, each checked against the database."""

    def __init__(self, *args, normalise=str.upper, noun="code", **kwargs):
        self.normalise, self.noun = normalise, noun
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_choice"] = f"Unknown {noun}: %(value)s."
        self.error_messages["invalid_pk_value"] = f"Unknown {noun}: %(pk)s."

    def clean(self, value):
        if value:
            value = [self.normalise(str(item).strip()) for item in value if str(item).strip()]
        return super().clean(value)


@extend_schema_field(OpenApiTypes.STR)  # a code or slug, repeatable (the API schema)
class CodesFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = CodesField


class DayFilter(django_filters.DateFilter):
    field_class = DayField


def jurisdictions_filter(method: str, label: str = "Jurisdiction") -> CodesFilter:
    """Jurisdictions by code, any case, repeatable, through ``method``."""
    queryset = Jurisdiction.objects.select_related("parent")
    return CodesFilter(label=label, queryset=queryset, to_field_name="code", method=method, noun="jurisdiction code")


def slugs_filter(queryset: QuerySet, method: str, label: str, noun: str) -> CodesFilter:
    """Items of ``queryset`` by slug, any case, repeatable, through ``method``; an unknown one names ``noun``."""
    return CodesFilter(
        label=label, queryset=queryset, to_field_name="slug", method=method, normalise=str.lower, noun=noun
    )


def topics_filter(method: str = "filter_topic", label: str = "Topic") -> CodesFilter:
    """Topics by slug, any case, repeatable; a parent topic takes in its sub-topics (``method`` does that)."""
    return slugs_filter(Topic.objects.all(), method, label, "topic")


class RuleFilterForm(forms.Form):
    def clean(self):
        """``in_force_on`` is the old name of ``on``: one day, whichever name gives it."""
        cleaned = super().clean()
        old, day = cleaned.get("in_force_on"), cleaned.get("on")
        if old and day and old != day:
            self.add_error("in_force_on", "Give the day once: on and in_force_on name different days.")
        elif old:
            cleaned["on"], cleaned["in_force_on"] = old, None
        if cleaned.get("force") and "applies_in" in self.fields and not cleaned.get("applies_in"):
            self.add_error("force", "Choose a market under “Applies in”: force is how a rule holds in a place.")
        return cleaned


class RuleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        help_text="Title, short name, citation, summary or requirement text.",
    )
    jurisdiction = jurisdictions_filter("filter_jurisdiction", label="Made by")
    applies_in = jurisdictions_filter("filter_applies_in", label="Applies in")
    force = django_filters.MultipleChoiceFilter(label="Force there", choices=FORCES, method="filter_force")
    topic = topics_filter()
    status = django_filters.MultipleChoiceFilter(
        label="Legal status", choices=LegalStatus.choices, method="filter_status"
    )
    instrument = django_filters.MultipleChoiceFilter(label="Instrument", choices=Instrument.choices)
    level = django_filters.ChoiceFilter(label="Automation level", choices=SAE_LEVELS, method="filter_level")
    on = DayFilter(label="On", method="filter_on")
    in_force_on = DayFilter(label="On (old name of on)", method="filter_on")
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=[(key, label) for key, (label, _) in SORTS.items()], method="filter_sort"
    )

    class Meta:
        form = RuleFilterForm
        fields = [
            "q",
            "jurisdiction",
            "applies_in",
            "force",
            "topic",
            "status",
            "instrument",
            "level",
            "on",
            "in_force_on",
        ]

    def __init__(self, data=None, *args, today: dt.date | None = None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.today = today or timezone.localdate()

    @property
    def cleaned(self) -> dict:
        return getattr(self.form, "cleaned_data", {}) or {}

    @property
    def day(self) -> dt.date:
        """The day the answer is about: ``on`` (or its old name) when given, otherwise today."""
        return self.cleaned.get("on") or self.today

    @property
    def statuses(self) -> list[str]:
        """The legal statuses kept: those ticked, else in force and adopted when a day is given, else all."""
        return list(self.cleaned.get("status") or (LIVE_STATUSES if self.cleaned.get("on") else []))

    def markets(self) -> list[Jurisdiction]:
        """The places whose verdicts the list gives: the ``applies_in`` jurisdictions."""
        return list(self.cleaned.get("applies_in") or [])

    @property
    def applicability(self):
        """What reaches each of ``markets()``, computed once."""
        if not hasattr(self, "_applicability"):
            self._applicability = list(applicabilities(self.markets(), self.day).values())
        return self._applicability

    @property
    def hits(self) -> Hits | None:
        """The search's matches among the rules listed, found once for the list and every facet."""
        query = self.cleaned.get("q") or ""
        if not query.strip():
            return None
        if getattr(self, "_hits", (None,))[0] != query:
            self._hits = (query, find(self.queryset, query))
        return self._hits[1]

    def with_verdicts(self, rules) -> list:
        """``rules`` (a page), each with ``verdicts``: one per market it reaches, in a fixed number of queries."""
        rules = list(rules)
        for rule in rules:
            rule.verdicts = []
        by_pk = {rule.pk: rule for rule in rules}
        for reach in self.applicability:
            for pk, verdict in reach.verdicts(rules).items():
                if verdict.reasons:
                    by_pk[pk].verdicts.append(verdict)
        return rules

    def filter_q(self, queryset, name, value):
        return search_rules(queryset, value, self.hits) if value.strip() else queryset

    def filter_jurisdiction(self, queryset, name, value):
        return queryset.filter(jurisdiction__in=value) if value else queryset

    def filter_applies_in(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q()
        for reach in self.applicability:
            condition |= reach.condition()
        return queryset.filter(condition)

    def filter_force(self, queryset, name, value):
        """Rules whose verdict in a chosen market is one of the forces ticked (what a profile counts)."""
        if not value:
            return queryset
        forces = [Force(key) if key in Force.values else None for key in value]
        condition = Q(pk__in=[])
        for reach in self.applicability:
            condition |= reach.force_condition(forces)
        return queryset.filter(condition)

    def filter_topic(self, queryset, name, value):
        return queryset.in_topics(value) if value else queryset

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.alias(_status=legal_status_expression(self.day)).filter(_status__in=value)

    def filter_level(self, queryset, name, value):
        return queryset if value in (None, "") else queryset.for_level(int(value))

    def filter_on(self, queryset, name, value):
        """The day only sets the date of the status and applicability; ``keep_live`` keeps what is live on it."""
        return queryset

    def keep_live(self, queryset: QuerySet) -> QuerySet:
        """With a day and no status ticked: rules in force or adopted and coming on that day."""
        day = self.cleaned.get("on")
        return queryset.live_on(day) if day and not self.cleaned.get("status") else queryset

    def filter_queryset(self, queryset):
        return self.keep_live(super().filter_queryset(queryset))

    def filter_sort(self, queryset, name, value):
        return queryset

    def apply_sort(self, queryset: QuerySet) -> QuerySet:
        key = self.form.cleaned_data.get("sort") or ("relevance" if self.form.cleaned_data.get("q") else "")
        if key == "relevance" and not self.form.cleaned_data.get("q"):
            key = ""
        return queryset.order_by(*(SORTS[key][1] if key else Rule._meta.ordering), "pk")  # pk: pages never overlap

    def queryset_without(self, excluded: str) -> QuerySet:
        """The filtered queryset ignoring one filter: what a facet's counts are computed on."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name not in {excluded, "sort"}:
                queryset = self.filters[name].filter(queryset, value)
        return queryset if excluded == "status" else self.keep_live(queryset)

    @property
    def qs(self):
        if not hasattr(self, "_sorted_qs"):
            queryset = super().qs
            self._sorted_qs = self.apply_sort(queryset) if self.is_bound and self.is_valid() else queryset
        return self._sorted_qs


class ChangeFilter(django_filters.FilterSet):
    """The change log's filter, shared by /changes/ and its Atom feed: it picks the rules whose events show."""

    jurisdiction = jurisdictions_filter("filter_jurisdiction")
    topic = topics_filter()

    def filter_jurisdiction(self, queryset, name, value):
        return queryset.filter(jurisdiction__in=value) if value else queryset

    def filter_topic(self, queryset, name, value):
        return queryset.in_topics(value) if value else queryset


class DeadlineFilter(django_filters.FilterSet):
    """The calendar feed's filter: markets and topics."""

    applies_in = jurisdictions_filter("filter_applies_in", label="Applies in")
    topic = topics_filter()

    def __init__(self, data=None, *args, today: dt.date | None = None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.today = today or timezone.localdate()

    @property
    def reaches(self):
        """What reaches each ``applies_in`` jurisdiction today, computed once."""
        if not hasattr(self, "_reaches"):
            chosen = (getattr(self.form, "cleaned_data", {}) or {}).get("applies_in") or []
            self._reaches = list(applicabilities(list(chosen), self.today).values())
        return self._reaches

    @property
    def markets(self) -> set[int] | None:
        """Whose milestones hold in the chosen markets (themselves, parents, unions); None: every market."""
        return {pk for reach in self.reaches for pk in reach.reaching} if self.reaches else None

    def filter_applies_in(self, queryset, name, value):
        if not value:
            return queryset
        condition = Q()
        for reach in self.reaches:
            condition |= reach.condition(binding_only=True)
        return queryset.filter(condition)

    def filter_topic(self, queryset, name, value):
        return queryset.in_topics(value) if value else queryset
