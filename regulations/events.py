"""What changed in the law, dated by the law: the change log, its feed and the home page read this.

Legal events are not stored: they are read from the published rules' own dates and
relations, so they can never disagree with the rules, and loading content makes no
news. Each *source* below is one query yielding rows of the same shape (day, kind,
rule, other rule, correction); the log is their SQL UNION ordered by the law's date, so
a page of events costs a count, the page, and two queries to fetch the rules and
corrections it names, however many rules there are.

- adopted (or proposed, for a bill) on ``adopted_on``; starts to apply on
  ``applies_from``; ceases to apply on ``applies_until``, "repealed" when a published
  rule repeals it;
- amended, dated when the amendment applies (the relation's own date, else the
  amending rule's date of application, else its adoption);
- corrections to our content: the ``ChangeEvent`` rows reviewers' edits record (dates
  corrected, a requirement added, a repeal recorded, a rule added), dated when made.

Milestones (phase-in dates) can join as one more source function in ``SOURCES``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import BigIntegerField, Case, Exists, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.urls import reverse

from .models import ChangeEvent, CurationState, Instrument, RelationKind, Rule, RuleRelation

COLUMNS = ["ev_day", "ev_kind", "ev_rule", "ev_other", "ev_change"]
NO_ID = Cast(Value(None), output_field=BigIntegerField())  # typed: PostgreSQL cannot match a bare NULL in a UNION


class EventKind(models.TextChoices):
    ADOPTED = "adopted", "Adopted"
    PROPOSED = "proposed", "Proposed"
    APPLIES = "applies", "Starts to apply"
    ENDS = "ends", "Ceases to apply"
    REPEALED = "repealed", "Repealed"
    AMENDED = "amended", "Amended"
    CORRECTION = "correction", "Correction to our content"


def text(value: str) -> Value:
    return Value(value, output_field=models.CharField())


def adoptions(rules: QuerySet) -> QuerySet:
    kind = Case(When(instrument=Instrument.BILL, then=text(EventKind.PROPOSED)), default=text(EventKind.ADOPTED))
    return rules.filter(adopted_on__isnull=False).annotate(
        ev_day=F("adopted_on"), ev_kind=kind, ev_rule=F("pk"), ev_other=NO_ID, ev_change=NO_ID
    )


def applications(rules: QuerySet) -> QuerySet:
    """A bill's proposed date of application is no legal event: only a made rule starts to apply."""
    return (
        rules.exclude(instrument=Instrument.BILL)
        .filter(applies_from__isnull=False)
        .annotate(ev_day=F("applies_from"), ev_kind=text(EventKind.APPLIES), ev_rule=F("pk"))
        .annotate(ev_other=NO_ID, ev_change=NO_ID)
    )


def endings(rules: QuerySet) -> QuerySet:
    repealer = RuleRelation.objects.filter(
        kind=RelationKind.REPEALS, to_rule=OuterRef("pk"), from_rule__state=CurationState.PUBLISHED
    ).order_by("from_rule__applies_from", "from_rule_id")
    kind = Case(When(ev_other__isnull=False, then=text(EventKind.REPEALED)), default=text(EventKind.ENDS))
    return (
        rules.filter(applies_until__isnull=False)
        .annotate(ev_day=F("applies_until"), ev_other=Subquery(repealer.values("from_rule_id")[:1]))
        .annotate(ev_kind=kind, ev_rule=F("pk"), ev_change=NO_ID)
    )


def amendments(rules: QuerySet) -> QuerySet:
    """A correlated EXISTS, not ``to_rule__in``: with an IN list SQLite probed every pair of published
    rules (163 s at 50,000 rules); this way it reads the few relations."""
    day = Coalesce("applies_from", "from_rule__applies_from", "from_rule__adopted_on")
    amended = Exists(rules.filter(pk=OuterRef("to_rule_id")))
    return (
        RuleRelation.objects.filter(amended, kind=RelationKind.AMENDS, from_rule__state=CurationState.PUBLISHED)
        .annotate(ev_day=day, ev_kind=text(EventKind.AMENDED), ev_rule=F("to_rule_id"))
        .annotate(ev_other=F("from_rule_id"), ev_change=NO_ID)
        .filter(ev_day__isnull=False)
    )


def corrections(rules: QuerySet) -> QuerySet:
    return (
        ChangeEvent.objects.public()
        .filter(rule__in=rules.values("pk"))
        .annotate(ev_day=TruncDate("at"), ev_kind=text(EventKind.CORRECTION), ev_rule=F("rule_id"))
        .annotate(ev_other=NO_ID, ev_change=F("pk"))
    )


LEGAL_SOURCES = [adoptions, applications, endings, amendments]
SOURCES = [*LEGAL_SOURCES, corrections]


def event_rows(
    rules: QuerySet,
    *,
    after: dt.date | None = None,
    until: dt.date | None = None,
    upcoming: bool = False,
    sources=SOURCES,
) -> QuerySet:
    """Event rows (dicts) of the published ``rules``, in (``after``, ``until``], newest first (soonest if upcoming)."""
    rules = rules.filter(state=CurationState.PUBLISHED).order_by()
    parts = []
    for source in sources:
        part = source(rules).order_by()
        if after:
            part = part.filter(ev_day__gt=after)
        if until:
            part = part.filter(ev_day__lte=until)
        parts.append(part.values(*COLUMNS))
    union = parts[0].union(*parts[1:], all=True)
    day = "ev_day" if upcoming else "-ev_day"
    return union.order_by(day, "ev_rule", "ev_kind", "ev_other", "ev_change")


@dataclass
class LegalEvent:
    """A change in the law (or a correction to our content) about one rule, on one day."""

    kind: str
    day: dt.date
    rule: Rule
    other: Rule | None = None
    change: ChangeEvent | None = None

    @property
    def is_correction(self) -> bool:
        return self.kind == EventKind.CORRECTION

    @property
    def label(self) -> str:
        return EventKind(self.kind).label

    @property
    def detail(self) -> str:
        """What kind of correction, for a correction; empty otherwise."""
        return self.change.get_kind_display() if self.change else ""

    @property
    def summary(self) -> str:
        if self.change:
            return self.change.summary
        rule = f"{self.rule} ({self.rule.citation})" if self.rule.citation else str(self.rule)
        return {
            EventKind.ADOPTED: f"{rule} adopted.",
            EventKind.PROPOSED: f"{rule} proposed.",
            EventKind.APPLIES: f"{rule} starts to apply.",
            EventKind.ENDS: f"{rule} ceases to apply.",
            EventKind.REPEALED: f"{rule} repealed by {self.other}.",
            EventKind.AMENDED: f"{rule} amended by {self.other}.",
        }[EventKind(self.kind)]

    @property
    def anchor(self) -> str:
        """Stable while the law's date stands: a corrected date is a new event (and a correction explains it)."""
        if self.change:
            return f"change-{self.change.pk}"
        other = f"-{self.other.slug}" if self.kind == EventKind.AMENDED and self.other else ""
        return f"{self.kind}-{self.day.isoformat()}{other}"

    @property
    def guid(self) -> str:
        return f"{reverse('regulations:rule-detail', args=[self.rule.slug])}#{self.anchor}"

    @property
    def when(self) -> dt.datetime:
        """When it happened: a correction when it was made, a legal event at the start of its day (UTC)."""
        if self.change:
            return self.change.at
        return dt.datetime.combine(self.day, dt.time.min, tzinfo=dt.UTC)


def legal_events(rows) -> list[LegalEvent]:
    """Turn event rows into events with their rules and corrections (two queries)."""
    rows = list(rows)
    rule_ids = {row["ev_rule"] for row in rows} | {row["ev_other"] for row in rows if row["ev_other"]}
    rules = Rule.objects.select_related("jurisdiction").defer("search_vector").in_bulk(rule_ids)
    change_ids = [row["ev_change"] for row in rows if row["ev_change"]]
    changes = ChangeEvent.objects.in_bulk(change_ids) if change_ids else {}
    return [
        LegalEvent(
            kind=row["ev_kind"],
            day=row["ev_day"],
            rule=rules[row["ev_rule"]],
            other=rules.get(row["ev_other"]),
            change=changes.get(row["ev_change"]),
        )
        for row in rows
    ]


def recent_legal_events(rules: QuerySet, today: dt.date, limit: int) -> list[LegalEvent]:
    """The latest changes in the law up to ``today`` (no corrections): the home page's list."""
    return legal_events(event_rows(rules, until=today, sources=LEGAL_SOURCES)[:limit])
