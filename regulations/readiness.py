"""How ready firms are: shares of the requirements that apply in a market, by status.

Every figure is a database aggregate over the effective statuses (a firm's own
assessments, or statuses carried over through requirement mappings; see
``EffectiveStatus``): one query for the requirement totals and one for the
statuses, whatever the number of firms or requirements. Requirements with no
status count as unknown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from .applicability import Applicability, applicabilities
from .models import AssessmentStatus, EffectiveStatus, PublicEffectiveStatus, Requirement, Rule, Topic
from .models.rules import with_subtopics

if TYPE_CHECKING:
    from .coverage import DomainCoverage, PlaceCoverage

# Gaps first: the order a compliance team works through them.
STATUS_ORDER = [
    AssessmentStatus.GAP,
    AssessmentStatus.PARTLY_MET,
    AssessmentStatus.UNKNOWN,
    AssessmentStatus.MET,
    AssessmentStatus.NOT_APPLICABLE,
]


@dataclass
class Readiness:
    """Counts of a firm's requirements by status, in one market (and topic)."""

    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    carried: int = 0
    samples: int = 0
    internal: int = 0
    coverage: PlaceCoverage | DomainCoverage | None = None  # of the market (or the topic's domain), set by pages

    @property
    def not_covered(self) -> bool:
        """Nothing counted because the law there was not researched: "not covered yet", not "nothing applies"."""
        return not self.total and self.coverage is not None and self.coverage.uncovered

    def count(self, status: str) -> int:
        if status == AssessmentStatus.UNKNOWN:
            known = sum(n for s, n in self.counts.items() if s != AssessmentStatus.UNKNOWN)
            return self.total - known
        return self.counts.get(status, 0)

    def share(self, status: str) -> float:
        return self.count(status) / self.total if self.total else 0.0

    @property
    def met_share(self) -> float:
        return self.share(AssessmentStatus.MET)

    @property
    def assessed(self) -> int:
        """Requirements with any status of the firm's, its own or carried over."""
        return sum(self.counts.values())

    @property
    def gaps(self) -> int:
        return self.count(AssessmentStatus.GAP)

    @property
    def unknown(self) -> int:
        return self.count(AssessmentStatus.UNKNOWN)

    @property
    def bars(self) -> list[tuple[str, str, int, float]]:
        """(status, label, count, share) in working order, for tables and bars."""
        return [(s.value, s.label, self.count(s), self.share(s)) for s in STATUS_ORDER]


def effective_statuses(staff: bool):
    """Staff see statuses from internal assessments too; everyone else from public ones only."""
    return (EffectiveStatus if staff else PublicEffectiveStatus).objects


def status_rows(staff: bool) -> str:
    """The path from a rule to the effective statuses of its requirements that ``staff`` may see."""
    return "requirements__effectivestatus_rows" if staff else "requirements__publiceffectivestatus_rows"


@dataclass
class Scopes:
    """The rules whose requirements count in each column (a market, or a topic in one market), as SQL.

    Each column is a condition on rules (the market's ``reach.condition(binding_only=True)``,
    perhaps with a topic); ``any`` is a condition that every counted rule meets, which an
    index can answer. Aggregates filter per column in the database, so no list of rule ids
    is ever read out and sent back.
    """

    on: dt.date
    columns: dict[object, Q]
    any: Q = field(default_factory=Q)

    def rules(self):
        """Published rules in force or coming on ``on`` that may count in some column."""
        return Rule.objects.published().live_on(self.on).filter(self.any).order_by()

    def named(self, prefix: str) -> dict[str, tuple[object, Q]]:
        return {f"{prefix}{n}": (key, condition) for n, (key, condition) in enumerate(self.columns.items())}


def scopes_by_jurisdiction(jurisdictions, on: dt.date, reaches: dict[int, Applicability] | None = None) -> Scopes:
    """The rules whose requirements count in each market: published, binding there, in force or coming.

    ``reaches`` (what reaches each market on ``on``, by pk) spares working it out again for a
    page that asks several questions of the same markets; those it lacks are worked out.
    """
    known = reaches or {}
    missing = [j for j in jurisdictions if j.pk not in known]
    found = applicabilities(missing, on) if missing else {}
    reaches = {j.pk: known.get(j.pk) or found[j.pk] for j in jurisdictions}
    columns = {pk: reach.condition(binding_only=True) for pk, reach in reaches.items()}
    return Scopes(on, columns, Applicability.any_condition(reaches.values(), binding_only=True))


def requirement_totals(scopes: Scopes) -> dict[object, int]:
    """Requirements per column: each rule's count (kept by the database) summed over the rules of the column."""
    named = scopes.named("s")
    if not named:
        return {}
    sums = scopes.rules().aggregate(
        **{name: Sum("requirement_count", filter=condition) for name, (_, condition) in named.items()}
    )
    return {key: sums[name] or 0 for name, (key, _) in named.items()}


def tally(companies, scopes: Scopes, *, staff: bool) -> dict[tuple[int, object], Readiness]:
    """Readiness of each company in each column: two aggregate queries, joined from the rules' side."""
    totals = requirement_totals(scopes)
    result = {(c.pk, key): Readiness(total=totals[key]) for c in companies for key in scopes.columns}
    if not scopes.columns:
        return result
    rows = status_rows(staff)
    named = scopes.named("n")
    # Grouped by the row's kind too, so that each column needs one count, not four.
    kinds = {"company": F(f"{rows}__company_id")} | {
        field: F(f"{rows}__{field}") for field in ("status", "carried", "is_sample", "visibility")
    }
    counted = (
        scopes.rules()
        .filter(**{f"{rows}__company__in": [company.pk for company in companies]})
        .values(**kinds)
        .annotate(**{name: Count("pk", filter=condition) for name, (_, condition) in named.items()})
    )
    for row in counted:
        for name, (key, _) in named.items():
            readiness, n = result[(row["company"], key)], row[name]
            readiness.counts[row["status"]] = readiness.counts.get(row["status"], 0) + n
            readiness.carried += n if row["carried"] else 0
            readiness.samples += n if row["is_sample"] else 0
            readiness.internal += n if row["visibility"] == "internal" else 0
    return result


def readiness_by_market(
    companies, jurisdictions, on: dt.date, *, staff: bool, reaches: dict | None = None
) -> dict[tuple[int, int], Readiness]:
    """Keyed by (company pk, jurisdiction pk)."""
    return tally(companies, scopes_by_jurisdiction(jurisdictions, on, reaches), staff=staff)


def with_coverage(figures: dict[tuple, Readiness], coverage: dict) -> None:
    """Give each figure, keyed (company, column), the coverage of its column (a market, or a topic's domain)."""
    for (_, column), figure in figures.items():
        figure.coverage = coverage[column]


def in_topic(topic: Topic) -> Exists:
    """Tagged with ``topic`` or a sub-topic: looked up per counted rule, never read out whole."""
    tags = Rule.topics.through.objects.filter(rule_id=OuterRef("pk"), topic__in=with_subtopics([topic]))
    return Exists(tags)


def readiness_by_topic(
    companies, jurisdiction, topics, on: dt.date, *, staff: bool, reaches: dict | None = None
) -> dict[tuple, Readiness]:
    """Readiness in one market for each topic (a parent topic takes in its sub-topics); keyed by (company, topic)."""
    market = scopes_by_jurisdiction([jurisdiction], on, reaches)
    condition = market.columns[jurisdiction.pk]
    columns = {topic.pk: condition & in_topic(topic) for topic in topics}
    return tally(companies, Scopes(on, columns, market.any & condition), staff=staff)


@dataclass
class Trend:
    """A firm's share of met requirements across its markets at the end of each month."""

    points: list[tuple[dt.date, float]]

    @property
    def latest(self) -> float:
        return self.points[-1][1] if self.points else 0.0


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def trends(
    companies, markets: dict[int, list], on: dt.date, *, staff: bool, reaches: dict | None = None
) -> dict[int, Trend]:
    """Met share over time, from assessment dates: cumulative met counts by month over the total that applies.

    ``markets`` maps each company pk to its market jurisdictions. Four queries in all.
    """
    jurisdictions = {j.pk: j for js in markets.values() for j in js}
    scopes = scopes_by_jurisdiction(list(jurisdictions.values()), on, reaches)
    totals = requirement_totals(scopes)
    rows = status_rows(staff)
    met = {name: Count("pk", filter=condition) for name, (_, condition) in scopes.named("j").items()}
    keys = {key: name for name, (key, _) in scopes.named("j").items()}
    counted = (
        scopes.rules()
        .filter(
            **{
                f"{rows}__company__in": [c.pk for c in companies],
                f"{rows}__status": AssessmentStatus.MET,
                f"{rows}__assessed_on__isnull": False,
                f"{rows}__assessed_on__lte": on,
            }
        )
        .values(company=F(f"{rows}__company_id"), month=TruncMonth(f"{rows}__assessed_on"))
        .annotate(**met)
        .order_by("month")
        if met
        else []
    )
    monthly: dict[int, dict[dt.date, int]] = {}
    for row in counted:
        gained = sum(row[keys[j.pk]] for j in markets.get(row["company"], []))
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        monthly.setdefault(row["company"], {})[month] = gained
    result = {}
    for company in companies:
        total = sum(totals.get(j.pk, 0) for j in markets.get(company.pk, []))
        gains = monthly.get(company.pk, {})
        if not gains or not total:
            result[company.pk] = Trend([])
            continue
        running, points = 0, []
        for month in month_ends(min(gains), on):
            running += gains.get(month, 0)
            points.append((month, running / total))
        result[company.pk] = Trend(points)
    return result


def requirements_behind(
    company, jurisdiction, on: dt.date, status: str, *, staff: bool, topic: Topic | None = None, limit=None
):
    """The requirements behind one figure: those of a market (and topic) in ``status``, with their effective row.

    ``limit`` keeps a page bounded: "unknown" in a large market is thousands of requirements.
    """
    market = scopes_by_jurisdiction([jurisdiction], on)
    rules = market.rules().filter(market.columns[jurisdiction.pk])
    if topic:
        rules = rules.in_topics([topic])
    requirements = Requirement.objects.filter(rule__in=rules.values("pk")).select_related("rule__jurisdiction")
    statuses = effective_statuses(staff).filter(company=company)
    if status == AssessmentStatus.UNKNOWN:
        requirements = requirements.exclude(pk__in=statuses.exclude(status=status).values("requirement_id"))
    else:
        requirements = requirements.filter(pk__in=statuses.filter(status=status).values("requirement_id"))
    ordered = list(requirements.order_by("rule__jurisdiction__code", "rule__title", "order")[:limit])
    rows = statuses.filter(requirement__in=[r.pk for r in ordered]).select_related("via_requirement__rule")
    found = {row.requirement_id: row for row in rows}
    return [(requirement, found.get(requirement.pk)) for requirement in ordered]
