"""Which rules apply in a jurisdiction on a date, and why.

A rule applies in X on day D when it was made by X, by an ancestor of X (US for
US-CA), or by a union X (or an ancestor) belonged to on D (EU for DE), or when a
rule that applies there makes it binding (UN R155 through the EU General Safety
Regulation). A UN Regulation is only *recognised* in the other parties to the
1958 Agreement: being a party does not make it mandatory, so that path is kept
apart and never called mandatory.

The set of rules is one SQL condition (``Applicability.condition``); the reasons
for a page of rules cost a fixed number of queries however many rules there are.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.formats import date_format

from .models import (
    CurationState,
    Jurisdiction,
    JurisdictionKind,
    Membership,
    MembershipRole,
    RelationKind,
    Rule,
    RuleRelation,
)

MAX_BINDING_DEPTH = 3
LONG_DATE = "j F Y"


class StepKind(enum.Enum):
    OWN = "own"
    PARENT = "parent"
    UNION = "union"
    BINDING = "binding"
    RECOGNISED = "recognised"


@dataclass(frozen=True)
class Step:
    kind: StepKind
    via: Jurisdiction | None = None
    since: dt.date | None = None
    rule: Rule | None = None
    effective_from: dt.date | None = None

    def describe(self, jurisdiction: Jurisdiction) -> str:
        if self.kind is StepKind.OWN:
            return f"made by {jurisdiction.name}"
        if self.kind is StepKind.PARENT:
            return f"made by {self.via.name}, of which {jurisdiction.name} is part"
        if self.kind is StepKind.UNION:
            return f"via {self.via.code} membership{since_text(self.since)}"
        if self.kind is StepKind.RECOGNISED:
            return (
                f"recognised, not mandatory: {jurisdiction.name} is a party to the 1958 Agreement"
                f"{since_text(self.since)}"
            )
        start = f" from {date_format(self.effective_from, LONG_DATE)}" if self.effective_from else ""
        return f"made binding by {self.rule}{start}"


def since_text(date: dt.date | None) -> str:
    return f" since {date_format(date, LONG_DATE)}" if date else " (start date not recorded)"


@dataclass(frozen=True)
class Reason:
    """A path from the jurisdiction to the rule: the last step is how the path starts in X."""

    jurisdiction: Jurisdiction
    steps: tuple[Step, ...]

    @property
    def mandatory(self) -> bool:
        return all(step.kind is not StepKind.RECOGNISED for step in self.steps)

    @property
    def effective_from(self) -> dt.date | None:
        dates = [step.effective_from for step in self.steps if step.effective_from]
        return max(dates, default=None)

    def __str__(self) -> str:
        return f"Applies in {self.jurisdiction.name}: {self.path}"

    @property
    def path(self) -> str:
        """The steps as one phrase: "made binding by A from <date>, which applies via EU membership ..."."""
        text = self.steps[0].describe(self.jurisdiction)
        for step in self.steps[1:]:
            if step.kind is StepKind.BINDING:
                text += f", which is itself {step.describe(self.jurisdiction)}"
            elif step.kind is StepKind.OWN:
                text += f", a rule of {self.jurisdiction.name}"
            elif step.kind is StepKind.PARENT:
                text += f", a rule of {step.via.name}, of which {self.jurisdiction.name} is part"
            else:
                text += f", which applies {step.describe(self.jurisdiction)}"
        return text


@dataclass
class Applicability:
    """What reaches ``jurisdiction`` on ``on``: its own, its ancestors' and its unions' rules."""

    jurisdiction: Jurisdiction
    on: dt.date
    reaching: dict[int, Step] = field(default_factory=dict)
    recognising: dict[int, Step] = field(default_factory=dict)
    shared: dict = field(default_factory=dict, repr=False)  # read-once data shared by one day's objects

    def binding_sources(self) -> QuerySet:
        """Published rules that reach here and can make another rule binding on ``on``."""
        return (
            Rule.objects.filter(jurisdiction_id__in=self.reaching, state=CurationState.PUBLISHED)
            .exclude(applies_until__lte=self.on)
            .values("pk")
        )

    def binding_targets(self) -> list[QuerySet]:
        """Rules made binding here, one subquery per link of a chain of bindings."""
        levels, sources = [], self.binding_sources()
        for _ in range(MAX_BINDING_DEPTH):
            targets = RuleRelation.objects.filter(kind=RelationKind.MAKES_BINDING, from_rule__in=sources)
            levels.append(targets.values("to_rule"))
            sources = (
                Rule.objects.filter(pk__in=targets.values("to_rule"), state=CurationState.PUBLISHED)
                .exclude(applies_until__lte=self.on)
                .values("pk")
            )
        return levels

    def condition(self, *, recognised: bool = True) -> Q:
        """One SQL condition selecting every rule that applies here (optionally only mandatory ones)."""
        condition = Q(jurisdiction_id__in=list(self.reaching))
        for level in self.binding_targets():
            condition |= Q(pk__in=level)
        if recognised and self.recognising:
            condition |= Q(jurisdiction_id__in=list(self.recognising))
        return condition

    def rules(self, queryset: QuerySet | None = None, *, recognised: bool = True) -> QuerySet:
        queryset = Rule.objects.published() if queryset is None else queryset
        return queryset.filter(self.condition(recognised=recognised))

    def reasons(self, rules) -> dict[int, list[Reason]]:
        """The reason paths of each of ``rules`` (objects with ``pk`` and ``jurisdiction_id``)."""
        result: dict[int, list[Reason]] = {rule.pk: [] for rule in rules}
        for rule in rules:
            for table in (self.reaching, self.recognising):
                if rule.jurisdiction_id in table:
                    result[rule.pk].append(Reason(self.jurisdiction, (table[rule.jurisdiction_id],)))
        for target, steps in self.binding_paths(list(result)):
            result[target].append(Reason(self.jurisdiction, steps))
        return result

    @property
    def bindings(self) -> dict[int, list[RuleRelation]]:
        if "bindings" not in self.shared:
            self.shared["bindings"] = live_bindings(self.on)
        return self.shared["bindings"]

    def binding_paths(self, rule_ids: list[int]):
        """Yield (rule id, steps) for each chain of bindings from a rule that reaches here.

        Walks the live bindings (one query, shared) back from each rule: the frontier
        holds partial paths (target, steps so far, rule that still needs a binder).
        """
        frontier = [(pk, (), pk) for pk in rule_ids]
        for _ in range(MAX_BINDING_DEPTH):
            next_frontier = []
            for target, steps, needs in frontier:
                for relation in self.bindings.get(needs, []):
                    binder = relation.from_rule
                    if binder.pk == target or any(step.rule == binder for step in steps):
                        continue
                    path = (*steps, binding_step(relation))
                    if binder.jurisdiction_id in self.reaching:
                        yield target, (*path, self.reaching[binder.jurisdiction_id])
                    else:
                        next_frontier.append((target, path, binder.pk))
            frontier = next_frontier


def live_bindings(on: dt.date) -> dict[int, list[RuleRelation]]:
    """Every binding in effect on ``on``, keyed by the bound rule (one query).

    A binder counts while it is published and not repealed; bindings are few (tens,
    not thousands), so they are read whole and walked in Python.
    """
    relations = (
        RuleRelation.objects.filter(kind=RelationKind.MAKES_BINDING, from_rule__state=CurationState.PUBLISHED)
        .exclude(from_rule__applies_until__lte=on)
        .select_related("from_rule__jurisdiction")
        .order_by("from_rule__jurisdiction__code", "from_rule__title")
    )
    by_target: dict[int, list[RuleRelation]] = {}
    for relation in relations:
        by_target.setdefault(relation.to_rule_id, []).append(relation)
    return by_target


def binding_step(relation: RuleRelation) -> Step:
    binder = relation.from_rule
    dates = [d for d in (binder.applies_from, relation.applies_from) if d]
    return Step(StepKind.BINDING, rule=binder, effective_from=max(dates, default=None))


def applicabilities(jurisdictions, on: dt.date) -> dict[int, Applicability]:
    """What reaches each of ``jurisdictions`` on ``on``, keyed by jurisdiction pk.

    One query for all their memberships (and their ancestors'); pass jurisdictions
    fetched with ``select_related("parent")`` to spare one query per subdivision.
    """
    result, chains, shared = {}, {}, {}
    for jurisdiction in jurisdictions:
        reach = result[jurisdiction.pk] = Applicability(jurisdiction, on, shared=shared)
        chain = chains[jurisdiction.pk] = [jurisdiction]
        while chain[-1].parent_id and len(chain) < MAX_BINDING_DEPTH:
            chain.append(chain[-1].parent)
        reach.reaching[jurisdiction.pk] = Step(StepKind.OWN)
        for ancestor in chain[1:]:
            reach.reaching[ancestor.pk] = Step(StepKind.PARENT, via=ancestor)
    members = {j.pk for chain in chains.values() for j in chain}
    memberships = Membership.objects.active_on(on).filter(member__in=members).select_related("body")
    for membership in memberships:
        body, since = membership.body, membership.since
        for pk, chain in chains.items():
            if membership.member_id not in {j.pk for j in chain}:
                continue
            if membership.role == MembershipRole.MEMBER and body.kind == JurisdictionKind.UNION:
                result[pk].reaching.setdefault(body.pk, Step(StepKind.UNION, via=body, since=since))
            elif membership.role == MembershipRole.PARTY_1958:
                result[pk].recognising.setdefault(body.pk, Step(StepKind.RECOGNISED, via=body, since=since))
    return result


def applicability(jurisdiction: Jurisdiction, on: dt.date) -> Applicability:
    """What reaches ``jurisdiction`` on ``on`` (one query for its memberships)."""
    return applicabilities([jurisdiction], on)[jurisdiction.pk]


@dataclass
class Coverage:
    """A group of jurisdictions where a rule applies for one reason."""

    explanation: str
    jurisdictions: list[Jurisdiction]
    mandatory: bool = True
    effective_from: dt.date | None = None


def binders_of(rule: Rule, on: dt.date) -> list[tuple[Rule, dt.date | None]]:
    """Published rules that make ``rule`` binding on ``on``, following chains (one query)."""
    bindings, found, frontier = live_bindings(on), [], [rule.pk]
    for _ in range(MAX_BINDING_DEPTH):
        next_frontier = []
        for needs in frontier:
            for relation in bindings.get(needs, []):
                binder = relation.from_rule
                if binder.pk != rule.pk and binder not in [b for b, _ in found]:
                    found.append((binder, binding_step(relation).effective_from))
                    next_frontier.append(binder.pk)
        frontier = next_frontier
    return found


def coverage(rule: Rule, on: dt.date) -> list[Coverage]:
    """Where ``rule`` applies on ``on`` and why, grouped by reason; mandatory groups first."""
    binders = binders_of(rule, on)
    makers = [rule.jurisdiction, *(binder.jurisdiction for binder, _ in binders)]
    memberships: dict[int, list[Membership]] = {}
    bodies = [j.pk for j in makers if j.kind in (JurisdictionKind.UNION, JurisdictionKind.TREATY_BODY)]
    if bodies:
        for membership in (
            Membership.objects.active_on(on).filter(body__in=bodies).select_related("member").order_by("member__name")
        ):
            memberships.setdefault(membership.body_id, []).append(membership)

    def members_of(body: Jurisdiction, role: str) -> list[Jurisdiction]:
        return [m.member for m in memberships.get(body.pk, []) if m.role == role]

    groups = []
    if rule.jurisdiction.kind != JurisdictionKind.TREATY_BODY:
        groups.append(Coverage(f"made by {rule.jurisdiction.name}", [rule.jurisdiction]))
    if rule.jurisdiction.kind == JurisdictionKind.UNION:
        members = members_of(rule.jurisdiction, MembershipRole.MEMBER)
        groups.append(Coverage(f"in its member states, via {rule.jurisdiction.code} membership", members))
    for binder, effective in binders:
        made_binding = f"made binding by {binder}"
        groups.append(Coverage(made_binding, [binder.jurisdiction], effective_from=effective))
        if binder.jurisdiction.kind == JurisdictionKind.UNION:
            members = members_of(binder.jurisdiction, MembershipRole.MEMBER)
            groups.append(
                Coverage(f"{made_binding}, via {binder.jurisdiction.code} membership", members, True, effective)
            )
    if rule.jurisdiction.kind == JurisdictionKind.TREATY_BODY:
        parties = members_of(rule.jurisdiction, MembershipRole.PARTY_1958)
        groups.append(Coverage("recognised, not mandatory: parties to the 1958 Agreement", parties, False))
    return [group for group in groups if group.jurisdictions]


def applicable_counts(jurisdictions, on: dt.date, rules: QuerySet) -> dict[int, int]:
    """How many of ``rules`` apply in each of ``jurisdictions`` on ``on``, in four queries.

    The same answer as ``Applicability.condition`` (the tests hold them to it), but
    counted from per-maker totals and the few binding relations, so it stays cheap
    however many rules and jurisdictions there are.
    """
    reaches = applicabilities(jurisdictions, on)
    per_maker = dict(
        rules.order_by().values("jurisdiction_id").annotate(n=Count("pk")).values_list("jurisdiction_id", "n")
    )
    edges = [
        (relation.from_rule.jurisdiction_id, relation.from_rule_id, relation.to_rule_id)
        for relations in live_bindings(on).values()
        for relation in relations
    ]
    bound_makers = dict(rules.filter(pk__in={target for _, _, target in edges}).values_list("pk", "jurisdiction_id"))
    counts = {}
    for pk, reach in reaches.items():
        covered = set(reach.reaching) | set(reach.recognising)
        bound, sources = set(), {binder for maker, binder, _ in edges if maker in reach.reaching}
        for _ in range(MAX_BINDING_DEPTH):
            new = {target for _, binder, target in edges if binder in sources} - bound
            bound |= new
            sources = new
        extra = {t for t in bound if t in bound_makers and bound_makers[t] not in covered}
        counts[pk] = sum(per_maker.get(maker, 0) for maker in covered) + len(extra)
    return counts
