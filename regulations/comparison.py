"""Compare markets topic by topic: which requirements apply in each, with what force, from when.

The comparison reads the same checklist rows every export is made of (one row per
market and requirement, every force), so a cell and its export can never disagree.
A parent topic's row is the union of its own and its sub-topics' requirements. Each
cell shows at most ``CELL_RULES`` rules and ``RULE_REFERENCES`` requirements of each,
and counts the rest, so a page stays bounded however much a market requires; its
"more" link opens the full checklist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode

from .applicability import Force, force_label
from .checklists import Checklist, ChecklistQuery, Layout, build_checklist
from .coverage import DomainCoverage, PlaceCoverage
from .models import Jurisdiction, Topic, VehicleSituation

CELL_RULES = 8
RULE_REFERENCES = 10
EVERY_FORCE = [Force.BINDING, Force.RECOGNISED, Force.ADVISORY, None]  # None: a UN Regulation not recorded there


@dataclass
class RuleInCell:
    """One rule's requirements in one cell, with its force in that market and its dates there."""

    slug: str
    name: str
    force: str
    reason: str
    requirements: list[dict] = field(default_factory=list)  # rows shown, at most RULE_REFERENCES
    milestones: str = ""
    applies_from: dt.date | str | None = None

    @property
    def force_label(self) -> str:
        return force_label(None if self.force == "unrecorded" else Force(self.force))


@dataclass
class Cell:
    """The requirements of one topic in one market."""

    coverage: DomainCoverage | None
    rules: dict[str, RuleInCell] = field(default_factory=dict)
    count: int = 0
    more_url: str = ""

    @property
    def shown(self) -> int:
        return sum(len(rule.requirements) for rule in self.rules.values())

    @property
    def more(self) -> int:
        return self.count - self.shown

    def add(self, row: dict) -> None:
        """Count a requirement (each comes once per market); keep it for show while the cell has room."""
        self.count += 1
        rule = self.rules.get(row["rule_slug"])
        if rule is None and len(self.rules) < CELL_RULES:
            rule = self.rules[row["rule_slug"]] = RuleInCell(
                slug=row["rule_slug"],
                name=row["rule"],
                force=row["force"],
                reason=row["reason"],
                milestones=row["milestones"],
                applies_from=row["applies_from"],
            )
        if rule is not None and len(rule.requirements) < RULE_REFERENCES:
            rule.requirements.append(row)


@dataclass
class Comparison:
    query: ChecklistQuery
    columns: list[tuple[Jurisdiction, PlaceCoverage]]
    rows: list[tuple[Topic, list[Cell]]]


def compare_query(chosen: list[Jurisdiction], on: dt.date, vehicle: str = VehicleSituation.NEW_TYPE) -> ChecklistQuery:
    """The checklist a comparison is made of, in the chosen column order: every force, a row per market."""
    return ChecklistQuery(applies_in=chosen, on=on, vehicle=vehicle, forces=EVERY_FORCE, layout=Layout.MARKET)


def compare(chosen: list[Jurisdiction], on: dt.date, vehicle: str = VehicleSituation.NEW_TYPE) -> Comparison:
    checklist = build_checklist(compare_query(chosen, on, vehicle))
    topics = sorted(Topic.objects.select_related("parent"), key=tree_order)
    by_slug = {topic.slug: topic for topic in topics}
    places = {place.place.code: place for place in checklist.coverage}
    cells = {
        (topic.pk, market.code): Cell(places[market.code].for_topic(topic), more_url=more_url(market, topic, checklist))
        for topic in topics
        for market in chosen
    }
    for row in checklist.rows:
        tagged = [by_slug[slug] for slug in row["topic_slugs"]]
        for topic in {t for one in tagged for t in (one, one.parent) if t}:
            cells[(topic.pk, row["applies_in"])].add(row)
    return Comparison(
        query=checklist.query,
        columns=[(market, places[market.code]) for market in chosen],
        rows=[(topic, [cells[(topic.pk, market.code)] for market in chosen]) for topic in topics],
    )


def tree_order(topic: Topic) -> tuple:
    """Each domain, then its sub-topics, in the topic tree's order."""
    return ((topic.parent or topic).order, topic.parent_id is not None, topic.order)


def more_url(market: Jurisdiction, topic: Topic, checklist: Checklist) -> str:
    """The full checklist behind a cell: that market and topic, every force, the same day and vehicle."""
    query = checklist.query
    params = [("applies_in", market.code.lower()), ("topic", topic.slug), ("on", query.on.isoformat())]
    params += [("vehicle", str(query.vehicle))] + [("force", force.value) for force in query.forces if force]
    return f"{reverse('regulations:checklist')}?{urlencode(params)}"
