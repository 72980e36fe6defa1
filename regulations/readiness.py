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

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.db.models.functions import TruncMonth

from .applicability import applicabilities
from .models import AssessmentStatus, EffectiveStatus, PublicEffectiveStatus, Requirement, Rule, Topic

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


def scopes_by_jurisdiction(jurisdictions, on: dt.date) -> dict[int, list[int]]:
    """The rules whose requirements count in each market: published, binding there, in force or coming.

    Read in one query (a flag per market) and kept as id lists, so the aggregates that
    use them stay flat SQL rather than nesting the applicability conditions again.
    """
    reaches = applicabilities(jurisdictions, on)
    if not reaches:
        return {}
    flags = {f"in_{pk}": flag(reach.condition(binding_only=True)) for pk, reach in reaches.items()}
    any_market = Q()
    for reach in reaches.values():
        any_market |= reach.condition(binding_only=True)
    scopes: dict[int, list[int]] = {pk: [] for pk in reaches}
    for row in Rule.objects.published().live_on(on).filter(any_market).annotate(**flags).values("pk", *flags):
        for pk in reaches:
            if row[f"in_{pk}"]:
                scopes[pk].append(row["pk"])
    return scopes


def flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def tally(companies, scopes: dict, *, staff: bool) -> dict[tuple[int, object], Readiness]:
    """Readiness of each company in each scope (a name -> rule subquery): two aggregate queries."""
    totals = Requirement.objects.aggregate(
        **{f"s{n}": Count("pk", filter=Q(rule__in=rules)) for n, rules in enumerate(scopes.values())}
    )
    keys = list(scopes)
    result = {(c.pk, key): Readiness(total=totals[f"s{n}"]) for c in companies for n, key in enumerate(keys)}
    if not scopes:
        return result
    annotations = {}
    for n, rules in enumerate(scopes.values()):
        in_scope = Q(requirement__rule__in=rules)
        annotations |= {
            f"n{n}": Count("pk", filter=in_scope),
            f"c{n}": Count("pk", filter=in_scope & Q(carried=True)),
            f"x{n}": Count("pk", filter=in_scope & Q(is_sample=True)),
            f"i{n}": Count("pk", filter=in_scope & Q(visibility="internal")),
        }
    rows = (
        effective_statuses(staff)
        .filter(company__in=[company.pk for company in companies])
        .values("company_id", "status")
        .order_by()
        .annotate(**annotations)
    )
    for row in rows:
        for n, key in enumerate(keys):
            readiness = result[(row["company_id"], key)]
            readiness.counts[row["status"]] = readiness.counts.get(row["status"], 0) + row[f"n{n}"]
            readiness.carried += row[f"c{n}"]
            readiness.samples += row[f"x{n}"]
            readiness.internal += row[f"i{n}"]
    return result


def readiness_by_market(companies, jurisdictions, on: dt.date, *, staff: bool) -> dict[tuple[int, int], Readiness]:
    """Keyed by (company pk, jurisdiction pk)."""
    return tally(companies, scopes_by_jurisdiction(jurisdictions, on), staff=staff)


def with_coverage(figures: dict[tuple, Readiness], coverage: dict) -> None:
    """Give each figure, keyed (company, column), the coverage of its column (a market, or a topic's domain)."""
    for (_, column), figure in figures.items():
        figure.coverage = coverage[column]


def readiness_by_topic(companies, jurisdiction, topics, on: dt.date, *, staff: bool) -> dict[tuple, Readiness]:
    """Readiness in one market for each topic (a parent topic takes in its sub-topics); keyed by (company, topic)."""
    rules = scopes_by_jurisdiction([jurisdiction], on)[jurisdiction.pk]
    flags = {f"t{topic.pk}": flag(Q(pk__in=Rule.objects.in_topics([topic]).values("pk"))) for topic in topics}
    scopes: dict[int, list[int]] = {topic.pk: [] for topic in topics}
    for row in Rule.objects.filter(pk__in=rules).annotate(**flags).values("pk", *flags):
        for topic in topics:
            if row[f"t{topic.pk}"]:
                scopes[topic.pk].append(row["pk"])
    return tally(companies, scopes, staff=staff)


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


def trends(companies, markets: dict[int, list], on: dt.date, *, staff: bool) -> dict[int, Trend]:
    """Met share over time, from assessment dates: cumulative met counts by month over the total that applies.

    ``markets`` maps each company pk to its market jurisdictions. Three queries in all.
    """
    jurisdictions = {j.pk: j for js in markets.values() for j in js}
    scopes = scopes_by_jurisdiction(list(jurisdictions.values()), on)
    totals = Requirement.objects.aggregate(**{f"j{pk}": Count("pk", filter=Q(rule__in=r)) for pk, r in scopes.items()})
    met = {
        f"j{pk}": Count("pk", filter=Q(requirement__rule__in=rules, status=AssessmentStatus.MET))
        for pk, rules in scopes.items()
    }
    rows = (
        effective_statuses(staff)
        .filter(company__in=[c.pk for c in companies], assessed_on__isnull=False, assessed_on__lte=on)
        .annotate(month=TruncMonth("assessed_on"))
        .values("company_id", "month")
        .order_by("month")
        .annotate(**met)
        if scopes
        else []
    )
    monthly: dict[int, dict[dt.date, int]] = {}
    for row in rows:
        company_markets = markets.get(row["company_id"], [])
        gained = sum(row[f"j{j.pk}"] for j in company_markets)
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        monthly.setdefault(row["company_id"], {})[month] = gained
    result = {}
    for company in companies:
        total = sum(totals.get(f"j{j.pk}", 0) for j in markets.get(company.pk, []))
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


def requirements_behind(company, jurisdiction, on: dt.date, status: str, *, staff: bool, topic: Topic | None = None):
    """The requirements behind one figure: those of a market (and topic) in ``status``, with their effective row."""
    rules = Rule.objects.filter(pk__in=scopes_by_jurisdiction([jurisdiction], on)[jurisdiction.pk])
    if topic:
        rules = rules.in_topics([topic])
    requirements = Requirement.objects.filter(rule__in=rules.values("pk")).select_related("rule__jurisdiction")
    statuses = effective_statuses(staff).filter(company=company)
    if status == AssessmentStatus.UNKNOWN:
        requirements = requirements.exclude(pk__in=statuses.exclude(status=status).values("requirement_id"))
    else:
        requirements = requirements.filter(pk__in=statuses.filter(status=status).values("requirement_id"))
    rows = statuses.filter(requirement__in=requirements).select_related("via_requirement__rule")
    found = {row.requirement_id: row for row in rows}
    ordered = requirements.order_by("rule__jurisdiction__code", "rule__title", "order")
    return [(requirement, found.get(requirement.pk)) for requirement in ordered]
