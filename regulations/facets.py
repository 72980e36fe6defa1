"""Facet counts beside each filter of the rule list, for the current filter.

Each facet is counted on the list filtered by every *other* filter, so ticking
one option shows what the others would add. One aggregate query per facet,
whatever the number of rules.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce
from django.utils.formats import date_format

from .content_memo import remembered
from .filters import SAE_LEVELS, RuleFilter
from .models import Instrument, Jurisdiction, LegalStatus, Market, Rule, Topic, legal_status_expression
from .places import applicable_counts


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool
    depth: int = 0


# A flat facet longer than this shows its most-used options (and any ticked) and folds the
# rest under "More"; a tree (topics) is always shown whole, so that no domain is ever hidden.
SHOWN = 10


@dataclass
class Facet:
    name: str
    label: str
    options: list[Option] = field(default_factory=list)
    note: str = ""
    # How much each option is used beyond its count (the "Applies in" places: how many firms sell there).
    usage: dict[str, int] = field(default_factory=dict)

    @cached_property
    def leading(self) -> list[Option]:
        if len(self.options) <= SHOWN + 2 or any(option.depth for option in self.options):
            return self.options
        ticked = sum(option.selected for option in self.options)
        ranked = sorted(
            self.options,
            key=lambda option: (not option.selected, -self.usage.get(option.value, 0), -option.count, option.label),
        )
        kept = {id(option) for option in ranked[: max(SHOWN, ticked)]}
        return [option for option in self.options if id(option) in kept]

    @property
    def more(self) -> list[Option]:
        shown = {id(option) for option in self.leading}
        return [option for option in self.options if id(option) not in shown]


def chosen(filterset: RuleFilter, name: str) -> set[str]:
    value = filterset.form.cleaned_data.get(name)
    if value in (None, ""):
        return set()
    if isinstance(value, str):
        return {value}
    return {getattr(item, "code", None) or getattr(item, "slug", None) or str(item) for item in value}


PLACE_KINDS = ["country", "subdivision", "union"]


def applies_in_facet(filterset: RuleFilter) -> Facet:
    selected = chosen(filterset, "applies_in")
    candidates = remembered(("rule makers",), rule_makers)
    if missing := selected - {place.code for place in candidates}:
        extra = Jurisdiction.objects.filter(code__in=missing, kind__in=PLACE_KINDS).select_related("parent")
        candidates = sorted([*candidates, *extra], key=lambda place: place.name)
    counts = applicable_counts(candidates, filterset.day, filterset.queryset_without("applies_in"))
    options = [
        Option(j.code, j.name, counts[j.pk], j.code in selected)
        for j in candidates
        if counts[j.pk] or j.code in selected
    ]
    options.sort(key=lambda option: not option.selected)
    usage = remembered(("firms per market",), firms_per_market)
    return Facet("applies_in", "Applies in", options, note="the firms' main markets first", usage=usage)


def rule_makers() -> list[Jurisdiction]:
    """The places (countries, subdivisions, unions) that make published rules: the facet's candidates."""
    makers = Rule.objects.published().order_by().values("jurisdiction_id")
    return list(
        Jurisdiction.objects.filter(pk__in=makers, kind__in=PLACE_KINDS).select_related("parent").order_by("name")
    )


def firms_per_market() -> dict[str, int]:
    """How many real firms sell in, test in or plan each market: the places the facet shows first."""
    rows = (
        Market.objects.filter(company__is_fictional=False)
        .values("jurisdiction__code")
        .annotate(firms=Count("company", distinct=True))
    )
    return {row["jurisdiction__code"]: row["firms"] for row in rows}


def jurisdiction_facet(filterset: RuleFilter) -> Facet:
    selected = chosen(filterset, "jurisdiction")
    rows = filterset.queryset_without("jurisdiction").order_by().values("jurisdiction_id").annotate(count=Count("pk"))
    counts = {row["jurisdiction_id"]: row["count"] for row in rows}
    makers = Jurisdiction.objects.filter(pk__in=list(counts)).only("code", "name").order_by("name")
    options = [Option(j.code, j.name, counts[j.pk], j.code in selected) for j in makers]
    seen = {option.value for option in options}
    options += [Option(code, code, 0, True) for code in sorted(selected - seen)]
    return Facet("jurisdiction", "Made by", options)


def topic_counts(rules: QuerySet) -> dict[int, int]:
    """How many of ``rules`` each topic holds, a parent topic counting its sub-topics' rules once.

    Two grouped queries over the tags of ``rules``: one per topic, one per root topic (a
    rule tagged with two sub-topics of a root counts once there).
    """
    tags = Topic.rules.through.objects.filter(rule_id__in=rules.order_by().values("pk")).order_by()
    counts = dict(tags.values("topic_id").annotate(n=Count("rule_id")).values_list("topic_id", "n"))
    roots = tags.values(root=Coalesce("topic__parent_id", "topic_id")).annotate(n=Count("rule_id", distinct=True))
    return counts | {row["root"]: row["n"] for row in roots}


def topic_facet(filterset: RuleFilter) -> Facet:
    selected = chosen(filterset, "topic")
    topics = list(Topic.objects.all())
    counts = topic_counts(filterset.queryset_without("topic"))
    roots = [topic for topic in topics if not topic.parent_id]
    ordered = [item for root in roots for item in [(root, 0), *[(t, 1) for t in topics if t.parent_id == root.pk]]]
    options = [
        Option(topic.slug, topic.name, counts.get(topic.pk, 0), topic.slug in selected, depth)
        for topic, depth in ordered
    ]
    return Facet("topic", "Topic", options)


def status_facet(filterset: RuleFilter) -> Facet:
    """Counts for every status on the day, whatever status is ticked; the day's default shows as ticked."""
    selected = set(filterset.statuses)
    rows = (
        filterset.queryset_without("status")
        .order_by()
        .annotate(facet_status=legal_status_expression(filterset.day))
        .values("facet_status")
        .annotate(count=Count("pk"))
    )
    counts = {row["facet_status"]: row["count"] for row in rows}
    options = [Option(value, label, counts.get(value, 0), value in selected) for value, label in LegalStatus.choices]
    note = f"on {date_format(filterset.day, 'j M Y')}"
    if filterset.cleaned.get("on") and not filterset.cleaned.get("status"):
        note += ": in force or adopted and coming, unless you choose"
    return Facet("status", "Legal status", options, note=note)


def instrument_facet(filterset: RuleFilter) -> Facet:
    selected = chosen(filterset, "instrument")
    rows = filterset.queryset_without("instrument").order_by().values("instrument").annotate(count=Count("pk"))
    counts = {row["instrument"]: row["count"] for row in rows}
    options = [Option(value, label, counts.get(value, 0), value in selected) for value, label in Instrument.choices]
    return Facet("instrument", "Instrument", options)


def level_facet(filterset: RuleFilter) -> Facet:
    """Rules per SAE level, from one count per distinct range (a rule without a range concerns every level)."""
    selected = chosen(filterset, "level")
    ranges = filterset.queryset_without("level").order_by().values("level_min", "level_max").annotate(n=Count("pk"))
    counts = Counter()
    for row in ranges:
        low, high = row["level_min"], row["level_max"]
        for level, _ in SAE_LEVELS:
            if low is None or low <= int(level) <= high:
                counts[level] += row["n"]
    options = [Option(level, label, counts[level], level in selected) for level, label in SAE_LEVELS]
    return Facet("level", "Automation level", options)


def rule_facets(filterset: RuleFilter) -> list[Facet]:
    """Every facet of a bound, valid RuleFilter (about eight queries in all)."""
    return [
        applies_in_facet(filterset),
        topic_facet(filterset),
        status_facet(filterset),
        instrument_facet(filterset),
        level_facet(filterset),
        jurisdiction_facet(filterset),
    ]
