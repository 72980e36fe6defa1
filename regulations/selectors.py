"""Reads that combine several models for a page: deadlines, counts, topic groups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import (
    Coverage,
    CurationState,
    Jurisdiction,
    Milestone,
    Requirement,
    Rule,
    RuleTransition,
    Source,
    Topic,
)

HORIZON_MONTHS = 24


def months_after(date: dt.date, months: int) -> dt.date:
    year, month = divmod(date.month - 1 + months, 12)
    year, month = date.year + year, month + 1
    for day in (date.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(date)


@dataclass
class Deadline:
    """What falls due on one day under one rule: its start, phased requirements, milestones."""

    date: dt.date
    rule: Rule
    starts: bool = False
    requirements: list[Requirement] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)

    @property
    def label(self) -> str:
        parts = ["Starts to apply"] if self.starts else []
        parts += [milestone_text(milestone) for milestone in self.milestones]
        if len(self.requirements) == 1:
            requirement = self.requirements[0]
            parts.append(f"{requirement.reference or 'Requirement'}: {requirement.obligation}")
        elif self.requirements:
            references = ", ".join(r.reference or r.key for r in self.requirements)
            parts.append(f"{len(self.requirements)} requirements due ({references})")
        return "; ".join(parts)


def milestone_text(milestone: Milestone) -> str:
    """``All new vehicles in European Union (Art. 6(1)(d))``: a milestone in a list of dates."""
    where = f" in {milestone.jurisdiction.name}" if milestone.jurisdiction_id else ""
    what = f" ({milestone.requirement.reference or milestone.requirement.key})" if milestone.requirement_id else ""
    return f"{milestone.get_kind_display()}{where}{what}"


def upcoming_milestones(rules: QuerySet, start: dt.date, end: dt.date, markets: set[int] | None) -> QuerySet:
    """Milestones of ``rules`` after ``start`` up to ``end``; with ``markets``, only those holding there."""
    milestones = Milestone.objects.filter(rule__in=rules.values("pk"), date__gt=start, date__lte=end)
    if markets is not None:
        milestones = milestones.filter(Q(jurisdiction__isnull=True) | Q(jurisdiction__in=markets))
    return milestones.select_related("rule__jurisdiction", "jurisdiction", "requirement")


def upcoming_deadlines(
    rules: QuerySet,
    start: dt.date,
    limit: int | None = None,
    months: int = HORIZON_MONTHS,
    markets: set[int] | None = None,
) -> list[Deadline]:
    """Dates of application, requirement deadlines and milestones after ``start``, within the horizon.

    One entry per rule and day, so a rule phasing in ten duties on one date reads as one line;
    a requirement whose milestone falls on its deadline shows once, as the milestone. Three
    queries. ``markets`` (jurisdiction pks) keeps only milestones that hold there.
    """
    end = months_after(start, months)
    entries: dict[tuple[dt.date, int], Deadline] = {}
    for rule in rules.filter(applies_from__gt=start, applies_from__lte=end).select_related("jurisdiction"):
        entries[(rule.applies_from, rule.pk)] = Deadline(rule.applies_from, rule, starts=True)
    phased = Requirement.objects.filter(
        rule__in=rules.values("pk"), deadline__gt=start, deadline__lte=end
    ).select_related("rule__jurisdiction")
    dated = set()
    for milestone in upcoming_milestones(rules, start, end, markets):
        entry = entries.setdefault((milestone.date, milestone.rule_id), Deadline(milestone.date, milestone.rule))
        entry.milestones.append(milestone)
        dated.add((milestone.date, milestone.requirement_id))
    for requirement in phased:
        if (requirement.deadline, requirement.pk) in dated:
            continue
        key = (requirement.deadline, requirement.rule_id)
        entry = entries.setdefault(key, Deadline(requirement.deadline, requirement.rule))
        entry.requirements.append(requirement)
    deadlines = sorted(entries.values(), key=lambda d: (d.date, d.rule.jurisdiction.code, d.rule.title))
    return deadlines[:limit] if limit else deadlines


def topic_roots() -> dict[int, Topic]:
    """Each topic's top-level ancestor, keyed by topic pk (one query)."""
    topics = {topic.pk: topic for topic in Topic.objects.all()}
    return {pk: topics[topic.parent_id] if topic.parent_id else topic for pk, topic in topics.items()}


def group_by_domain(rules) -> list[tuple[Topic | None, list[Rule]]]:
    """Rules grouped under the top-level topics of their topics (a rule may sit in two domains)."""
    roots = topic_roots()
    order = sorted({root.pk: root for root in roots.values()}.values(), key=lambda t: (t.order, t.name))
    groups: dict[Topic | None, list[Rule]] = {root: [] for root in order}
    groups[None] = []
    for rule in rules:
        domains = {roots[topic.pk] for topic in rule.topics.all()} or {None}
        for domain in domains:
            groups[domain].append(rule)
    return [(domain, members) for domain, members in groups.items() if members]


def covered_jurisdictions() -> QuerySet:
    """Jurisdictions that make published rules, with how many.

    Counted per jurisdiction from the rules' (state, maker) index, rather than by joining
    and grouping every published rule.
    """
    own = Rule.objects.published().filter(jurisdiction=OuterRef("pk")).order_by().values("jurisdiction")
    return (
        Jurisdiction.objects.annotate(own_rules=Subquery(own.annotate(n=Count("pk")).values("n")))
        .filter(own_rules__gt=0)
        .select_related("parent")
        .order_by("region", "name")
    )


def researched_jurisdictions() -> QuerySet:
    """Jurisdictions that make published rules or whose law was researched (even if nothing was found)."""
    return (
        Jurisdiction.objects.filter(
            Q(pk__in=Rule.objects.published().values("jurisdiction_id"))
            | Q(pk__in=Coverage.objects.values("jurisdiction_id"))
        )
        .annotate(own_rules=Count("rules", filter=Q(rules__state=CurationState.PUBLISHED)))
        .select_related("parent")
        .order_by("region", "name")
    )


QUEUE_LIMIT = 50


@dataclass
class WorkList:
    """A curator's list: the first ``len(items)`` of ``count``, so a page can say how many it leaves out."""

    items: list
    count: int

    @classmethod
    def of(cls, queryset: QuerySet, limit: int) -> WorkList:
        """Two queries whatever the size: the first ``limit`` rows and the full count."""
        return cls(list(queryset[:limit]), queryset.count())


def rules_in_review() -> QuerySet:
    """Rules in review, oldest first, each able to say what it lacks to be published.

    Oldest by when the rule last entered review (its latest transition to review); a rule loaded
    in review has no transition, so for it the time it was last changed stands in. Each carries
    ``official_source_count`` (a subquery, so ``publication_problems`` needs no query per rule).
    """
    entered = RuleTransition.objects.filter(rule=OuterRef("pk"), to_state=CurationState.IN_REVIEW)
    official = Source.objects.filter(rule=OuterRef("pk"), official=True).order_by().values("rule")
    return (
        Rule.objects.filter(state=CurationState.IN_REVIEW)
        .select_related("jurisdiction")
        .annotate(
            in_review_since=Coalesce(Subquery(entered.order_by("-at").values("at")[:1]), F("updated_at")),
            official_source_count=Coalesce(Subquery(official.annotate(n=Count("pk")).values("n")), 0),
        )
        .order_by("in_review_since", "slug")
        .only("slug", "title", "short_name", "citation", "applies_from", "instrument", "jurisdiction__code")
    )


def rules_due_for_review(today: dt.date) -> QuerySet:
    """Published rules not checked against the official source for six months, never-checked first."""
    return (
        Rule.objects.due_for_review(today)
        .select_related("jurisdiction")
        .order_by(F("last_reviewed_on").asc(nulls_first=True), "slug")
        .only("slug", "title", "short_name", "last_reviewed_on", "last_reviewed_by", "jurisdiction__code")
    )


def rules_with_open_questions() -> QuerySet:
    """Rules with an open question: in review or a draft, or with internal notes (which say what is open)."""
    return (
        Rule.objects.filter(~Q(state=CurationState.PUBLISHED) | ~Q(internal_notes=""))
        .select_related("jurisdiction")
        .only("slug", "title", "short_name", "state", "internal_notes", "updated_at", "jurisdiction__code")
    )


def unconfirmed_references() -> QuerySet:
    """Requirements of published rules whose clause reference is still to confirm, in code order."""
    unconfirmed = Requirement.objects.filter(reference_checked=False, rule__state=CurationState.PUBLISHED)
    return (
        unconfirmed.select_related("rule__jurisdiction")
        .order_by("rule__jurisdiction__code", "rule__slug", "order")
        .only(
            "key",
            "reference",
            "internal_note",
            "rule__slug",
            "rule__short_name",
            "rule__title",
            "rule__jurisdiction__code",
        )
    )


def curation_queue(today: dt.date) -> dict:
    """The curators' work list, each part counted in full and listed up to ``QUEUE_LIMIT``, oldest first.

    - rules whose facts were not checked against the official source for six months (published);
    - rules with an open question: in review or a draft, or with internal notes;
    - requirements of published rules whose clause reference is still to confirm.
    """
    stale = WorkList.of(rules_due_for_review(today), QUEUE_LIMIT)
    open_rules = WorkList.of(rules_with_open_questions().order_by("state", "jurisdiction__code", "slug"), QUEUE_LIMIT)
    unconfirmed = WorkList.of(unconfirmed_references(), QUEUE_LIMIT)
    return {
        "stale": stale.items,
        "stale_count": stale.count,
        "open_rules": open_rules.items,
        "open_count": open_rules.count,
        "unconfirmed": unconfirmed.items,
        "unconfirmed_count": unconfirmed.count,
        "limit": QUEUE_LIMIT,
    }
