"""The requirements listing's FilterSet (the API's /api/v1/requirements/): by rule, topic, market and kind."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Q
from django.utils import timezone

from .applicability import applicabilities
from .filters import DayFilter, jurisdictions_filter, slugs_filter, topics_filter
from .models import RequirementKind, Rule


class RequirementFilter(django_filters.FilterSet):
    rule = slugs_filter(Rule.objects.published(), "filter_rule", "Rule", "rule")
    topic = topics_filter()  # its own topics, else its rule's; a parent topic takes in its sub-topics
    applies_in = jurisdictions_filter("filter_applies_in", label="Applies in")
    kind = django_filters.MultipleChoiceFilter(choices=RequirementKind.choices, label="Kind")
    on = DayFilter(label="On", method="filter_on", help_text="The day `applies_in` is worked out for (today).")

    def __init__(self, data=None, *args, today: dt.date | None = None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_rule(self, queryset, name, value):
        return queryset.filter(rule__in=value) if value else queryset

    def filter_topic(self, queryset, name, value):
        return queryset.in_topics(value) if value else queryset

    def filter_applies_in(self, queryset, name, value):
        """Requirements of the rules that reach any chosen market on the day (``Applicability.condition``)."""
        if not value:
            return queryset
        day = self.form.cleaned_data.get("on") or self.today
        reaching = Q()
        for reach in applicabilities(value, day).values():
            reaching |= reach.condition()
        return queryset.filter(rule__in=Rule.objects.published().filter(reaching).values("pk"))

    def filter_on(self, queryset, name, value):
        return queryset
