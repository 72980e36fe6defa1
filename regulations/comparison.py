"""Compare markets topic by topic: which rules apply in each, with what force, from when.

A comparison summarises the checklist of the chosen markets (one row per market and
requirement, every force) so that a page stays bounded however much a market requires:
the database counts each cell's requirements per rule (``requirement_tallies``), and a
cell names at most ``CELL_RULES`` of its rules, binding ones first, with how many of their
requirements it holds; its "more" link opens the full checklist. Forces come from the same
plan as every checklist, and the counts from the same matching requirements, so a cell
and its export can never disagree. A domain's row is the union of its own and its
sub-topics' requirements.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.http import urlencode

from .checklists import ChecklistQuery, Layout, Section, checklist_coverage, matching_requirements, plan, rule_phase_in
from .coverage import DomainCoverage, PlaceCoverage
from .expressions import AmongIds
from .force import STRENGTH, Force, force_key, force_label
from .milestones import by_rule
from .models import Jurisdiction, Requirement, Rule, Topic, VehicleSituation

CELL_RULES = 6
EVERY_FORCE = [Force.BINDING, Force.RECOGNISED, Force.ADVISORY, None]  # None: a UN Regulation not recorded there


class Tally(NamedTuple):
    """How many of a rule's requirements are about a topic (a domain: about it or any of its sub-topics)."""

    rule_id: int
    rule_name: str  # its short name, else its title
    topic_id: int
    requirements: int


@dataclass
class RuleInCell:
    """One rule in one cell: its force in that market, its dates there and how many requirements it adds."""

    rule: Rule
    force: str
    requirements: int
    milestones: str = ""
    applies_from: dt.date | None = None

    @property
    def force_label(self) -> str:
        return force_label(None if self.force == "unrecorded" else Force(self.force))


@dataclass
class Cell:
    """The requirements of one topic in one market: all of them counted, the first few rules named."""

    coverage: DomainCoverage | None
    count: int = 0
    rule_count: int = 0
    more_url: str = ""
    picked: list[Tally] = field(default_factory=list)
    rules: list[RuleInCell] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - sum(rule.requirements for rule in self.rules)

    @property
    def more_rules(self) -> int:
        return self.rule_count - len(self.rules)


@dataclass
class Comparison:
    query: ChecklistQuery
    columns: list[tuple[Jurisdiction, PlaceCoverage]]
    rows: list[tuple[Topic, list[Cell]]]


def compare_query(chosen: list[Jurisdiction], on: dt.date, vehicle: str = VehicleSituation.NEW_TYPE) -> ChecklistQuery:
    """The checklist a comparison is made of, in the chosen column order: every force, a row per market."""
    return ChecklistQuery(applies_in=chosen, on=on, vehicle=vehicle, forces=EVERY_FORCE, layout=Layout.MARKET)


def compare(chosen: list[Jurisdiction], on: dt.date, vehicle: str = VehicleSituation.NEW_TYPE) -> Comparison:
    query = compare_query(chosen, on, vehicle)
    sections = plan(query, Rule.objects.published())
    topics = sorted(Topic.objects.select_related("parent"), key=tree_order)
    places = {place.place.code: place for place in checklist_coverage(query)}
    every = {pk for section in sections for pk in section.rule_ids}
    tallies = by_topic(requirement_tallies(query, every, topics))
    cells = {}
    for section in sections:
        market, applying = section.jurisdiction, set(section.rule_ids)
        for topic in topics:
            found = [tally for tally in tallies.get(topic.pk, []) if tally.rule_id in applying]
            found.sort(key=lambda tally: (-STRENGTH[section.verdicts[tally.rule_id].force], -tally.requirements))
            cells[(topic.pk, market.code)] = Cell(
                places[market.code].for_topic(topic),
                count=sum(tally.requirements for tally in found),
                rule_count=len(found),
                more_url=more_url(query, market, topic),
                picked=found[:CELL_RULES],
            )
    name_rules(query, sections, cells)
    return Comparison(
        query=query,
        columns=[(market, places[market.code]) for market in chosen],
        rows=[(topic, [cells[(topic.pk, market.code)] for market in chosen]) for topic in topics],
    )


def name_rules(query: ChecklistQuery, sections: list[Section], cells: dict) -> None:
    """Read the rules the cells name, and only those, with their milestones: two queries."""
    picked = {tally.rule_id for cell in cells.values() for tally in cell.picked}
    rules = Rule.objects.only("slug", "short_name", "title", "applies_from", "jurisdiction_id").in_bulk(picked)
    milestones = by_rule(picked)
    section_of = {section.jurisdiction.code: section for section in sections}
    for (_, code), cell in cells.items():
        section = section_of[code]
        for tally in cell.picked:
            rule, verdict = rules[tally.rule_id], section.verdicts[tally.rule_id]
            phase = rule_phase_in(rule, verdict, milestones.get(rule.pk, ()), section.markets, query.vehicle)
            shown = RuleInCell(rule, force_key(verdict.force), tally.requirements, phase.described, phase.start)
            cell.rules.append(shown)


def requirement_tallies(query: ChecklistQuery, rule_ids, topics: list[Topic]) -> list[Tally]:
    """Each rule's requirements per topic and per domain, counted by the database: four queries.

    A requirement is about its own topics, else its rule's, as its checklist row says. A
    domain counts a requirement about it or any of its sub-topics once, however many it names.
    Requirements without topics of their own share their rule's, so those are counted once
    per rule and spread over its topics and their domains here.
    """
    domain_of = {topic.pk: topic.parent_id or topic.pk for topic in topics}
    matching = matching_requirements(query, rule_ids).order_by()
    own = Requirement.topics.through.objects.filter(requirement_id=OuterRef("pk"))
    inherited = dict(matching.filter(~Exists(own)).values_list("rule_id").annotate(Count("pk")))
    name = Coalesce(NullIf("short_name", Value("")), "title")
    rules = Rule.objects.filter(AmongIds(rule_ids)).annotate(name=name).values_list("pk", "name", "topics")
    counts: Counter[tuple[int, int]] = Counter()
    names: dict[int, str] = {}
    for rule_id, rule_name, topic_id in rules:
        names[rule_id] = rule_name
        if topic_id is not None and rule_id in inherited:
            for key in {topic_id, domain_of[topic_id]}:
                counts[(rule_id, key)] = inherited[rule_id]  # the same requirements under each of the rule's topics
    sub_topics = matching.filter(topics__parent__isnull=False).values_list("rule_id", "topics")
    domains = matching.filter(topics__isnull=False).values_list("rule_id", Coalesce("topics__parent_id", "topics"))
    for grouped in (sub_topics.annotate(Count("pk")), domains.annotate(Count("pk", distinct=True))):
        for rule_id, key, count in grouped:
            counts[(rule_id, key)] += count
    return [Tally(rule_id, names[rule_id], key, count) for (rule_id, key), count in counts.items()]


def by_topic(tallies: list[Tally]) -> dict[int, list[Tally]]:
    """The tallies of each topic by the rules' names as the page shows them.

    A cell then puts first, stably, the rules binding in its market, and of those the rules
    with the most requirements about the topic: the substance of the cell before its margins.
    """
    grouped: dict[int, list[Tally]] = {}
    for tally in sorted(tallies, key=lambda tally: (tally.rule_name.casefold(), tally.rule_id)):
        grouped.setdefault(tally.topic_id, []).append(tally)
    return grouped


def tree_order(topic: Topic) -> tuple:
    """Each domain, then its sub-topics, in the topic tree's order."""
    return ((topic.parent or topic).order, topic.parent_id is not None, topic.order)


def more_url(query: ChecklistQuery, market: Jurisdiction, topic: Topic) -> str:
    """The full checklist behind a cell: that market and topic, every force, the same day and vehicle."""
    params = [("applies_in", market.code.lower()), ("topic", topic.slug), ("on", query.on.isoformat())]
    params += [("vehicle", str(query.vehicle))] + [("force", force.value) for force in query.forces if force]
    return f"{reverse('regulations:checklist')}?{urlencode(params)}"
