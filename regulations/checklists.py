"""Requirement checklists: the one row builder every format and every door uses.

A checklist lists each requirement of each rule that binds in the chosen
jurisdictions on a day, in force or adopted and coming, with its force, why it
applies, from when it binds the vehicle asked about (its phase-in milestones in that
market, else its own deadline, else the day its rule binds there) and, for a firm,
its assessment. Rules only recognised or advisory there are left out unless the
query asks for those forces too (``ChecklistQuery.forces``); a UN Regulation whose
application is not recorded never makes a row. Rows stream from the database, so a
checklist of 100,000 rows costs the same few queries and flat memory.
The checklist also carries how far each market's law was researched
(``coverage``), so that no writer presents "not covered yet" as an empty answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby, islice
from operator import itemgetter
from typing import NamedTuple

from django.db import models
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .applicability import Applicability, applicabilities
from .coverage import PlaceCoverage, coverage_of
from .expressions import AmongIds
from .force import Force, force_key, force_label
from .milestones import PhaseIn, by_rule, phase_in
from .models import (
    Assessment,
    AssessmentStatus,
    Company,
    Jurisdiction,
    Milestone,
    Requirement,
    Rule,
    Source,
    Topic,
    VehicleSituation,
    Visibility,
)
from .reasons import Verdict

CHUNK = 2000
ROW_FIELDS = [
    *["rule_id", "key", "reference", "kind", "obligation", "deadline", "evidence", "order"],
    *["reference_checked", "internal_note"],
    *["rule__slug", "rule__short_name", "rule__title", "rule__citation", "rule__applies_from"],
    *["rule__binding_by_itself", "rule__jurisdiction__code", "rule__jurisdiction__name"],
]
REFERENCE_TO_CONFIRM = "to confirm"
REFERENCE_CHECKED = "checked"
SAMPLE_LABEL = "illustrative sample"
INTERNAL_LABEL = "internal"


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int = 18
    link: bool = False  # the value is a URL: a hyperlink where the format has them


BASE_COLUMNS = [
    Column("applies_in", "Applies in", 14),
    Column("force", "Force", 12),
    Column("reason", "Why it applies", 40),
    Column("rule", "Rule", 20),
    Column("citation", "Rule citation", 28),
    Column("rule_title", "Rule title", 40),
    Column("reference", "Requirement", 16),
    Column("reference_status", "Clause reference", 12),
    Column("kind", "Kind", 12),
    Column("obligation", "Obligation", 60),
    Column("topics", "Topics", 24),
    Column("applies_from", "Applies from", 12),
    Column("bites", "Bites on the day", 10),
    Column("milestones", "Phase-in milestones", 30),
    Column("evidence", "Evidence to show", 40),
    Column("permalink", "Link", 40, link=True),
    Column("source_url", "Source", 40, link=True),
]
MARKET_KEYS = ["applies_in", "force", "reason", "applies_from", "bites", "milestones"]  # differ by market
STATUS_COLUMN = Column("status", "Status", 14)
COMPANY_COLUMNS = [
    Column("company_evidence", "Company evidence", 40),
    Column("assessed_on", "Assessed on", 12),
    Column("assessment_label", "Assessment basis", 18),
]
INTERNAL_COLUMNS = [Column("internal_note", "Internal note (staff only)", 40)]
TEAM_COLUMNS = [Column("owner", "Owner", 16), Column("notes", "Notes", 40)]
STATUS_CHOICES = [label for _, label in AssessmentStatus.choices]
EMPTY_NOTE = "No requirement matches this query: nothing in force or coming applies to it on that day."


BY_RULE = itemgetter("rule_title")


class RuleRows(NamedTuple):
    """One rule's rows under a market, and the id of its place on the page."""

    title: str
    rows: list[dict]
    anchor: str

    @property
    def short_name(self) -> str:
        """What the rule is usually called ("GDPR"), else its title: what an index lists."""
        return self.rows[0]["rule"]


class MarketRows(NamedTuple):
    code: str  # "DE", or "DE, FR" for what several markets require alike
    name: str
    rules: list[RuleRows]
    anchor: str


class Layout(models.TextChoices):
    """How a checklist over several markets lays out a requirement that applies in more than one."""

    REQUIREMENT = "requirement", "One row per requirement, with every market it applies in"
    MARKET = "market", "One row per market and requirement"


@dataclass
class ChecklistQuery:
    """What was asked: recorded on every export."""

    applies_in: list[Jurisdiction] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    level: int | None = None
    on: dt.date = field(default_factory=timezone.localdate)
    vehicle: str = VehicleSituation.NEW_TYPE
    company: Company | None = None
    include_internal: bool = False
    rule_slugs: list[str] = field(default_factory=list)
    live_only: bool = True  # False for curators exporting rules whatever their status
    forces: list[str] = field(default_factory=lambda: [Force.BINDING])  # which verdicts make rows in a market
    layout: str = Layout.REQUIREMENT

    def describe(self) -> list[tuple[str, str]]:
        return [
            (
                "Applies in",
                ", ".join(f"{j.name} ({j.code})" for j in self.applies_in) or "each rule's own jurisdiction",
            ),
            ("Topics", ", ".join(t.name for t in self.topics) or "all"),
            ("Automation level", f"SAE Level {self.level}" if self.level is not None else "any"),
            ("Force", ", ".join(force_label(force) for force in self.forces)),
            ("On", self.on.isoformat()),
            ("Vehicle", VehicleSituation(self.vehicle).label),
            ("Layout", Layout(self.layout).label),
            ("Company", self.company.name if self.company else "none"),
            (
                "Rules",
                ", ".join(self.rule_slugs) if self.rule_slugs else "every published rule matching the above",
            ),
            ("Internal data", "included, marked internal" if self.include_internal else "not included"),
        ]

    def as_dict(self) -> dict:
        return {
            "applies_in": [j.code for j in self.applies_in],
            "topics": [t.slug for t in self.topics],
            "level": self.level,
            "force": [force_key(force) for force in self.forces],
            "on": self.on.isoformat(),
            "vehicle": str(self.vehicle),
            "layout": str(self.layout),
            "company": self.company.slug if self.company else None,
            "rules": self.rule_slugs,
            "include_internal": self.include_internal,
        }


@dataclass
class Checklist:
    query: ChecklistQuery
    columns: list[Column]
    rows: Iterator[dict]
    generated_at: dt.datetime
    data_version: str
    coverage: list[PlaceCoverage] = field(default_factory=list)  # of each market, for the domains asked about
    site: str = ""  # scheme and host the links point to
    sections: list[Section] = field(default_factory=list, repr=False)  # what ``rows`` streams, for ``totals``

    def totals(self) -> Totals:
        """How many rows (and rules under their markets) ``rows`` holds, counted in one query without reading them."""
        return count_rows(self.query, self.sections)

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]

    @property
    def coverage_notes(self) -> list[str]:
        """One sentence per market: what was researched there, and what is not covered yet."""
        return [place.describe() for place in self.coverage]

    @property
    def coverage_gaps(self) -> list[PlaceCoverage]:
        return [place for place in self.coverage if not place.covered]

    @property
    def empty_note(self) -> str:
        """What an empty checklist says: "not covered yet" where that is why, never just "nothing applies"."""
        gaps = self.coverage_gaps
        if not gaps:
            return EMPTY_NOTE
        return "No requirement is listed, and this is not an answer: " + " ".join(place.describe() for place in gaps)

    @property
    def coverage_header(self) -> str:
        """The coverage as ASCII tokens (``IN:road-safety=not-covered, ...``) for a response header."""
        return ", ".join(token for place in self.coverage for token in place.header_tokens())

    def coverage_dicts(self) -> list[dict]:
        return [domain.as_dict() for place in self.coverage for domain in place.domains]

    def market_names(self, codes: str) -> str:
        """The names of the markets in an ``applies_in`` cell ("DE, FR" reads "Germany, France")."""
        names = {jurisdiction.code: jurisdiction.name for jurisdiction in self.query.applies_in}
        return ", ".join(names.get(code, code) for code in codes.split(", "))

    def grouped(self, rows: list[dict]) -> list[MarketRows]:
        """Rows as markets (codes, names) -> rule -> requirements, in checklist order: the preview and the PDF."""
        markets = []
        for code, group in groupby(rows, key=itemgetter("applies_in")):
            anchor = f"cl-{slugify(code)}"
            rules = [
                RuleRows(title, list(items), f"{anchor}-r{position}")
                for position, (title, items) in enumerate(groupby(group, key=BY_RULE), start=1)
            ]
            markets.append(MarketRows(code, self.market_names(code), rules, anchor))
        return markets

    @property
    def filename_stem(self) -> str:
        codes = "-".join(sorted(j.code.lower() for j in self.query.applies_in)) or "rules"
        company = f"-{self.query.company.slug}" if self.query.company else ""
        return f"checklist-{codes}{company}-{self.query.on.isoformat()}"


def data_version() -> str:
    """When the content last changed: the newest history entry of rules, requirements or assessments."""
    latest = [
        model.history.aggregate(latest=Max("history_date"))["latest"]
        for model in (Rule, Requirement, Source, Assessment)
    ]
    latest = [stamp for stamp in latest if stamp]
    return max(latest).strftime("%Y-%m-%dT%H:%M:%SZ") if latest else "empty"


def columns_for(query: ChecklistQuery) -> list[Column]:
    columns = list(BASE_COLUMNS)
    if query.company:
        columns += COMPANY_COLUMNS
    if query.include_internal:
        columns += INTERNAL_COLUMNS
    return [*columns[: len(BASE_COLUMNS)], STATUS_COLUMN, *columns[len(BASE_COLUMNS) :], *TEAM_COLUMNS]


def build_checklist(
    query: ChecklistQuery, rules: QuerySet | None = None, site: str = "", limit: int | None = None
) -> Checklist:
    """The checklist for ``query``; ``rules`` narrows the published rules (a list filter, admin selection).

    ``site`` (scheme and host) makes each row's link to its requirement absolute. ``limit`` (a
    preview) stops the rows after that many, so no more are read; ``totals()`` still counts all.
    """
    rules = Rule.objects.published() if rules is None else rules
    sections = plan(query, rules)
    rule_ids = {pk for section in sections for pk in section.rule_ids}
    context = RowContext(query, topics_by_rule(rule_ids), by_rule(rule_ids), permalink_template(site.rstrip("/")))
    return Checklist(
        query=query,
        columns=columns_for(query),
        rows=islice(iter_rows(context, sections, limit), limit),
        generated_at=timezone.now(),
        data_version=data_version(),
        coverage=checklist_coverage(query),
        site=site.rstrip("/"),
        sections=sections,
    )


def checklist_coverage(query: ChecklistQuery) -> list[PlaceCoverage]:
    """How far each market's law was researched for the domains of the topics asked about, by code."""
    markets = list(query.applies_in)
    found = coverage_of(markets, query.on) if markets else {}
    return [found[market.pk].only(query.topics) for market in markets]


def scoped_rules(query: ChecklistQuery, rules: QuerySet) -> QuerySet:
    """Rules in force or adopted and coming on the day, narrowed by topic and level.

    A rule is about a topic for a checklist when its requirements are: a requirement tagged
    with a topic its rule is not tagged with still belongs in that topic's checklist.
    """
    if query.live_only:
        rules = rules.live_on(query.on)
    if query.topics:
        rules = rules.holding_requirements_in(query.topics)
    return rules if query.level is None else rules.for_level(query.level)


def matching_requirements(query: ChecklistQuery, rule_ids) -> QuerySet:
    """The requirements of ``rule_ids`` that make rows: about the topics asked (their own, else their rule's)
    and, for a day's checklist, not yet superseded on that day."""
    requirements = Requirement.objects.filter(AmongIds(rule_ids, "rule_id"))
    if query.topics:
        requirements = requirements.in_topics(query.topics)
    return requirements.current_on(query.on) if query.live_only else requirements


def requirement_rows(query: ChecklistQuery, rule_ids, group: Case | None = None) -> QuerySet:
    """Requirements of ``rule_ids`` with rule, first source and a firm's assessment, in checklist order.

    ``group`` orders before the topic (markets in common). The topics carry their slug, which
    every row names: a deferred slug would cost a query per topic of every row.
    """
    first_topic = Topic.rules.through.objects.filter(rule_id=OuterRef("rule_id")).order_by("topic__order")
    first_source = Source.objects.filter(rule_id=OuterRef("rule_id")).order_by("-official", "order", "pk")
    topics = Topic.objects.order_by("order").only("slug", "name", "order")
    requirements = (
        matching_requirements(query, rule_ids)
        .select_related("rule__jurisdiction")
        .only(*ROW_FIELDS)
        .prefetch_related(Prefetch("topics", queryset=topics))
        .annotate(
            topic_order=Subquery(first_topic.values("topic__order")[:1]),
            source_url=Subquery(first_source.values("url")[:1]),
        )
        .alias(group=group or Value(0))
        .order_by("group", F("topic_order").asc(nulls_last=True), "rule__title", "rule_id", "order", "pk")
    )
    if query.company:
        relation = "effectivestatus_rows" if query.include_internal else "publiceffectivestatus_rows"
        own = FilteredRelation(relation, condition=Q(**{f"{relation}__company": query.company}))
        requirements = requirements.annotate(own=own).annotate(
            status=F("own__status"),
            company_evidence=F("own__evidence"),
            assessed_on=F("own__assessed_on"),
            visibility=F("own__visibility"),
            is_sample=F("own__is_sample"),
            carried=F("own__carried"),
            via_reference=F("own__via_requirement__reference"),
            via_rule=F("own__via_requirement__rule__short_name"),
        )
    return requirements


def reach_for(query: ChecklistQuery) -> list[tuple[Jurisdiction | None, Applicability | None]]:
    """Each chosen jurisdiction with what reaches it, by code; one (None, None) for rules' own makers."""
    if not query.applies_in:
        return [(None, None)]
    reaches = applicabilities(query.applies_in, query.on)
    return [(j, reaches[j.pk]) for j in query.applies_in]


@dataclass
class Section:
    """The rules of one jurisdiction (or of their own makers), worked out before any row is streamed."""

    jurisdiction: Jurisdiction | None
    rule_ids: list[int]
    verdicts: dict[int, Verdict]
    markets: set[int] = field(default_factory=set)  # whose milestones hold here: the place, its parents, unions


def plan(query: ChecklistQuery, rules: QuerySet) -> list[Section]:
    """Which rules go under which jurisdiction, with what force and why: a few queries, bounded by rules, not rows."""
    rules = scoped_rules(query, rules).select_related(None).prefetch_related(None)
    sections = []
    for jurisdiction, reach in reach_for(query):
        if reach is None:
            sections.append(Section(None, list(rules.values_list("pk", flat=True)), {}))
            continue
        binding_only = list(query.forces) == [Force.BINDING]
        found = reach.rules(rules, binding_only=binding_only)
        applying = list(found.only("pk", "jurisdiction_id", "binding_by_itself", "treaty_instrument"))
        verdicts = {pk: v for pk, v in reach.verdicts(applying).items() if v.force in query.forces}
        sections.append(Section(jurisdiction, list(verdicts), verdicts, set(reach.reaching)))
    return sections


@dataclass(frozen=True)
class RowContext:
    """What every row of one checklist reads besides its requirement: loaded once, before streaming."""

    query: ChecklistQuery
    topics: dict[int, list[Topic]]  # by rule: a requirement without its own topics takes these
    milestones: dict[int, list[Milestone]]  # by rule
    link: str = ""  # permalink_template(site)

    def row(self, section: Section, requirement: Requirement) -> dict:
        verdict = section.verdicts.get(requirement.rule_id) if section.jurisdiction else None
        markets = section.markets or {requirement.rule.jurisdiction_id}
        phase = phase_in(self.milestones.get(requirement.rule_id, ()), requirement.pk, markets, self.query.vehicle)
        return make_row(self, section.jurisdiction, requirement, verdict, phase)


def iter_rows(context: RowContext, sections: list[Section], limit: int | None = None) -> Iterator[dict]:
    """Stream the rows, read in chunks: per market, or one per requirement with all its markets.

    With ``limit``, each query reads at most that many requirements (the caller stops there).
    """
    chunk = min(CHUNK, limit or CHUNK)
    if context.query.layout == Layout.MARKET or len(sections) < 2:
        for section in sections:
            requirements = requirement_rows(context.query, section.rule_ids)[:limit]
            for requirement in requirements.iterator(chunk_size=chunk):
                yield context.row(section, requirement)
        return
    rule_ids = {pk for section in sections for pk in section.rule_ids}
    requirements = requirement_rows(context.query, rule_ids, group=by_markets_in_common(sections))[:limit]
    for requirement in requirements.iterator(chunk_size=chunk):
        markets = [section for section in sections if requirement.rule_id in section.verdicts]
        yield merged([context.row(section, requirement) for section in markets])


class Totals(NamedTuple):
    rows: int
    rules: int  # a rule counts once per group of markets it is listed under, as the preview shows it


def count_rows(query: ChecklistQuery, sections: list[Section]) -> Totals:
    """What ``iter_rows`` yields for ``sections``, counted by the database in one query.

    Laid out per market, a requirement makes a row in each market its rule is listed under.
    """
    every = {pk for section in sections for pk in section.rule_ids}
    if not every:
        return Totals(0, 0)
    matching = matching_requirements(query, every)
    if query.layout != Layout.MARKET or len(sections) < 2:
        return Totals(**matching.aggregate(rows=Count("pk"), rules=Count("rule_id", distinct=True)))
    parts = [Q(rule_id__in=section.rule_ids) for section in sections if section.rule_ids]
    counts = {f"rows{n}": Count("pk", filter=inside) for n, inside in enumerate(parts)}
    counts |= {f"rules{n}": Count("rule_id", distinct=True, filter=inside) for n, inside in enumerate(parts)}
    found = matching.aggregate(**counts)
    return Totals(*(sum(found[f"{key}{n}"] for n in range(len(parts))) for key in ("rows", "rules")))


def by_markets_in_common(sections: list[Section]) -> Case:
    """Order rules by the set of markets they apply in: those common to most markets first, then by code."""
    sets: dict[int, tuple[int, ...]] = {}
    for index, section in enumerate(sections):
        for pk in section.rule_ids:
            sets[pk] = (*sets.get(pk, ()), index)
    groups: dict[tuple[int, ...], list[int]] = {}
    for pk, indices in sets.items():
        groups.setdefault(indices, []).append(pk)
    ordered = sorted(groups, key=lambda indices: (-len(indices), indices))
    whens = [When(rule_id__in=groups[indices], then=Value(n)) for n, indices in enumerate(ordered)]
    return Case(*whens, default=Value(len(ordered)), output_field=IntegerField())


def merged(rows: list[dict]) -> dict:
    """One requirement's rows in several markets as one row: a value that differs is given per market."""
    row = dict(rows[0])
    row["applies_in"] = ", ".join(one["applies_in"] for one in rows)
    for key in MARKET_KEYS[1:]:
        if any(one[key] != row[key] for one in rows):
            row[key] = "; ".join(f"{one['applies_in']}: {one[key] or 'not recorded'}" for one in rows)
    return row


RULE_MARK, KEY_MARK = "0rule0", "0key0"  # slugs no rule or requirement has: replaced in the template


def permalink_template(site: str) -> str:
    """The requirement page's address with markers for rule and key: reversed once, not per row."""
    return site + reverse("regulations:requirement-detail", args=[RULE_MARK, KEY_MARK])


def permalink(template: str, requirement: Requirement) -> str:
    """The requirement's stable, citable address on the site."""
    return template.replace(RULE_MARK, requirement.rule.slug, 1).replace(KEY_MARK, requirement.key, 1)


def topics_by_rule(rule_ids) -> dict[int, list[Topic]]:
    """Each rule's topics in topic order: pairs read as tuples and the few topics once (thousands of rules)."""
    topics = Topic.objects.only("slug", "name", "order").in_bulk()
    pairs = Topic.rules.through.objects.filter(rule_id__in=set(rule_ids)).order_by("topic__order", "topic_id")
    found: dict[int, list[Topic]] = {}
    for rule_id, topic_id in pairs.values_list("rule_id", "topic_id"):
        found.setdefault(rule_id, []).append(topics[topic_id])
    return found


def effective_date(requirement: Requirement, verdict: Verdict | None) -> dt.date | None:
    """Without milestones: the requirement's own deadline, or the day the rule binds there."""
    return requirement.deadline or binds_from(requirement.rule, verdict)


def binds_from(rule: Rule, verdict: Verdict | None) -> dt.date | None:
    """The day a rule binds in a market: its own date of application, or later the day a binding path opens."""
    dates = [rule.applies_from]
    dates += [reason.effective_from for reason in verdict.grounds if reason.binding] if verdict else []
    return max([d for d in dates if d], default=None)


def rule_phase_in(rule: Rule, verdict: Verdict | None, milestones, markets: set[int], vehicle: str) -> PhaseIn:
    """How a whole rule phases in for ``vehicle`` in a market: its rule-level milestones there, and the day it
    starts binding the vehicle (without milestones: the day the rule binds in the market, ``binds_from``)."""
    phase = phase_in(milestones, None, markets, vehicle)
    return phase if phase.milestones else PhaseIn([], binds_from(rule, verdict))


def bites(start: dt.date | None, on: dt.date) -> str:
    """Whether the requirement binds the vehicle on the day: rows that do not yet bite say so."""
    if start is None:
        return "date not recorded"
    return "yes" if start <= on else "not yet"


def make_row(
    context: RowContext,
    jurisdiction: Jurisdiction | None,
    requirement: Requirement,
    verdict: Verdict | None,
    phase: PhaseIn,
) -> dict:
    """One checklist row; ``verdict`` is None when rows follow each rule's own jurisdiction."""
    query = context.query
    rule = requirement.rule
    topics = list(requirement.topics.all()) or context.topics.get(rule.pk, [])
    start = phase.start if phase.milestones else effective_date(requirement, verdict)
    own_force = Force.BINDING if rule.binding_by_itself else Force.ADVISORY
    row = {
        "applies_in": (jurisdiction or rule.jurisdiction).code,
        "force": force_key(verdict.force if verdict else own_force),
        "reason": "; ".join(r.path for r in verdict.grounds) if verdict else f"made by {rule.jurisdiction.name}",
        "rule": rule.short_name or rule.title,
        "citation": rule.citation,
        "rule_title": rule.title,
        "reference": requirement.reference,
        "reference_status": REFERENCE_CHECKED if requirement.reference_checked else REFERENCE_TO_CONFIRM,
        "kind": requirement.get_kind_display(),
        "obligation": requirement.obligation,
        "topics": ", ".join(topic.name for topic in topics),
        "applies_from": start,
        "bites": bites(start, query.on),
        "milestones": phase.described,
        "evidence": requirement.evidence,
        "permalink": permalink(context.link, requirement),
        "source_url": requirement.source_url or "",
    }
    if query.company:
        status = getattr(requirement, "status", None)
        labels = []
        if getattr(requirement, "is_sample", False):
            labels.append(SAMPLE_LABEL)
        if getattr(requirement, "visibility", None) == Visibility.INTERNAL:
            labels.append(INTERNAL_LABEL)
        if getattr(requirement, "carried", False):
            labels.append(f"carried over from {requirement.via_rule} {requirement.via_reference}")
        row |= {
            "status": AssessmentStatus(status).label if status else AssessmentStatus.UNKNOWN.label,
            "company_evidence": getattr(requirement, "company_evidence", "") or "",
            "assessed_on": getattr(requirement, "assessed_on", None),
            "assessment_label": ", ".join(labels) if status else "not assessed",
        }
    if query.include_internal:
        unchecked = "" if requirement.reference_checked else "Clause reference not yet checked. "
        row["internal_note"] = (unchecked + requirement.internal_note).strip()
    identity = {
        "rule_slug": rule.slug,
        "requirement_key": requirement.key,
        "requirement_id": requirement.pk,
        "topic_slugs": [t.slug for t in topics],
    }
    return {"status": "", **row, "owner": "", "notes": "", **identity}
