"""Where one rule applies, place by place (the rule page), and how many rules apply in each place.

Both give the same answers as ``applicability`` (the tests hold them to it), seen from
the other side: ``coverage`` starts from a rule and lists the places it reaches with one
verdict per place; ``applicable_counts`` counts per place without listing rules.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from .applicability import MAX_BINDING_DEPTH, LiveRelations, applicabilities, carried_from, live_relations
from .force import STRENGTH, Force, ForceWords
from .models import (
    TREATY_ROLES,
    Jurisdiction,
    JurisdictionKind,
    Membership,
    MembershipRole,
    RegulationApplication,
    Rule,
    TreatyInstrument,
)
from .reasons import TREATY_NAMES


@dataclass
class Coverage(ForceWords):
    """A group of places where a rule holds for one reason, with that reason's force."""

    explanation: str
    jurisdictions: list[Jurisdiction]
    force: Force | None = Force.BINDING
    effective_from: dt.date | None = None
    also: list[Jurisdiction] = field(default_factory=list)  # places with a stronger verdict, kept as detail


@dataclass
class Binder:
    """A rule that makes ``rule`` binding (perhaps through a chain), with the date it does so from."""

    rule: Rule
    effective_from: dt.date | None


def binders_of(rule: Rule, relations: LiveRelations) -> list[Binder]:
    """Published rules that make ``rule`` binding, following chains."""
    found: list[Binder] = []
    frontier = [rule.pk]
    for _ in range(MAX_BINDING_DEPTH):
        next_frontier = []
        for needs in frontier:
            for relation in relations.bindings.get(needs, []):
                binder = relation.from_rule
                if binder.pk != rule.pk and binder not in [b.rule for b in found]:
                    found.append(Binder(binder, carried_from(relation)))
                    next_frontier.append(binder.pk)
        frontier = next_frontier
    return found


class CoverageBuilder:
    """The groups of ``coverage``, built from a few reads shared by all of them."""

    def __init__(self, rule: Rule, on: dt.date):
        self.rule, self.on = rule, on
        self.relations = live_relations(on)
        self.binders = binders_of(rule, self.relations)
        carriers = [rule, *(binder.rule for binder in self.binders)]
        implementers = {carrier.pk: self.relations.implementers_of(carrier.pk) for carrier in carriers}
        makers = [carrier.jurisdiction for carrier in carriers]
        makers += [r.from_rule.jurisdiction for relations in implementers.values() for r in relations]
        bodies = [j.pk for j in makers if j.kind in (JurisdictionKind.UNION, JurisdictionKind.TREATY_BODY)]
        self.memberships: dict[int, list[Membership]] = {}
        if bodies:
            found = Membership.objects.active_on(on).filter(body__in=bodies).select_related("member")
            for membership in found.order_by("member__name"):
                self.memberships.setdefault(membership.body_id, []).append(membership)
        self.incorporations = {
            carrier.pk: [
                relation
                for relation in implementers[carrier.pk]
                if relation.from_rule.binding_by_itself and not self.reaches(carrier, relation.from_rule.jurisdiction)
            ]
            for carrier in carriers
        }

    def reaches(self, carrier: Rule, place: Jurisdiction) -> bool:
        """Whether ``carrier`` already reaches ``place`` by its maker (so an incorporation there adds nothing)."""
        maker = carrier.jurisdiction
        members = self.members_of(maker, MembershipRole.MEMBER) if maker.kind == JurisdictionKind.UNION else []
        return place.pk == maker.pk or place.parent_id == maker.pk or place in members

    def members_of(self, body: Jurisdiction, role: str) -> list[Jurisdiction]:
        return [m.member for m in self.memberships.get(body.pk, []) if m.role == role]

    def places(self, explanation: str, jurisdiction: Jurisdiction, force, effective=None) -> list[Coverage]:
        """The jurisdiction itself and, for a union, its member states."""
        groups = [Coverage(explanation, [jurisdiction], force, effective)]
        if jurisdiction.kind == JurisdictionKind.UNION:
            members = self.members_of(jurisdiction, MembershipRole.MEMBER)
            groups.append(Coverage(f"{explanation}, via {jurisdiction.code} membership", members, force, effective))
        return groups

    def incorporated(self, carrier: Rule, prefix: str, effective: dt.date | None) -> list[Coverage]:
        groups = []
        for relation in self.incorporations.get(carrier.pk, []):
            dates = [d for d in (effective, carried_from(relation)) if d]
            place = relation.from_rule.jurisdiction
            text = f"{prefix}incorporated in {place.name} by {relation.from_rule}"
            groups += self.places(text, place, Force.BINDING, max(dates, default=None))
        return groups

    def groups(self) -> list[Coverage]:
        rule = self.rule
        own = Force.BINDING if rule.binding_by_itself else Force.ADVISORY
        groups = []
        if rule.jurisdiction.kind != JurisdictionKind.TREATY_BODY:
            groups += self.places(f"made by {rule.jurisdiction.name}", rule.jurisdiction, own)
        groups += self.incorporated(rule, "", None)
        for binder in self.binders:
            made_binding = f"made binding by {binder.rule}"
            groups += self.places(made_binding, binder.rule.jurisdiction, Force.BINDING, binder.effective_from)
            groups += self.incorporated(binder.rule, f"{made_binding}, ", binder.effective_from)
        role = TREATY_ROLES.get(rule.treaty_instrument)
        if role and rule.jurisdiction.kind == JurisdictionKind.TREATY_BODY:
            groups += self.treaty_groups(role)
        return groups

    def treaty_groups(self, role: str) -> list[Coverage]:
        rule, treaty = self.rule, TREATY_NAMES[role]
        parties = self.members_of(rule.jurisdiction, role)
        if rule.treaty_instrument == TreatyInstrument.AGREEMENT_1958:
            return [Coverage(f"parties to the {treaty}", parties, Force.RECOGNISED)]
        if rule.treaty_instrument != TreatyInstrument.UN_REGULATION:
            explanation = f"parties to the {treaty}, which binds governments, not vehicles"
            return [Coverage(explanation, parties, Force.ADVISORY)]
        applying = {
            application.party_id
            for application in RegulationApplication.objects.active_on(self.on).filter(regulation=rule)
        }
        return [
            Coverage(
                f"applied under the {treaty}",
                [party for party in parties if party.pk in applying],
                Force.RECOGNISED,
            ),
            Coverage(
                f"parties to the {treaty}; whether they apply this regulation is not recorded",
                [party for party in parties if party.pk not in applying],
                None,
            ),
        ]


def coverage(rule: Rule, on: dt.date) -> list[Coverage]:
    """Where ``rule`` applies on ``on`` and why, strongest first, with one verdict per place.

    A place listed under a stronger force (UN R155 binds in Germany) is taken out of the
    weaker groups (Germany also applies it under the 1958 Agreement) and kept there as
    detail (``also``), so no place gets two verdicts.
    """
    groups = sorted(CoverageBuilder(rule, on).groups(), key=lambda group: -STRENGTH[group.force])
    verdicts: dict[int, Force | None] = {}
    for group in groups:
        for place in group.jurisdictions:
            verdicts.setdefault(place.pk, group.force)
    for group in groups:
        stronger = [place for place in group.jurisdictions if verdicts[place.pk] != group.force]
        group.jurisdictions = [place for place in group.jurisdictions if verdicts[place.pk] == group.force]
        group.also = stronger
    return [group for group in groups if group.jurisdictions or group.also]


def applicable_counts(jurisdictions, on: dt.date, rules: QuerySet) -> dict[int, int]:
    """How many of ``rules`` reach each of ``jurisdictions`` on ``on``, in four queries.

    The same answer as ``Applicability.condition`` (the tests hold them to it), but
    counted from per-maker totals and the few bound rules, so it stays cheap however
    many rules and jurisdictions there are.
    """
    reaches = applicabilities(jurisdictions, on)
    per_group = Counter()
    for row in rules.order_by().values("jurisdiction_id", "treaty_instrument").annotate(n=Count("pk")):
        per_group[(row["jurisdiction_id"], row["treaty_instrument"])] += row["n"]
    bound = {pk for reach in reaches.values() for pk in reach.bound}
    found = rules.filter(pk__in=bound).values_list("pk", "jurisdiction_id", "treaty_instrument")
    groups = {pk: (maker, instrument) for pk, maker, instrument in found}
    counts = {}
    for pk, reach in reaches.items():

        def covered(group, reach=reach) -> bool:
            maker, instrument = group
            return maker in reach.reaching or TREATY_ROLES.get(instrument) in reach.treaties.get(maker, {})

        extra = {rule for rule in reach.bound if rule in groups and not covered(groups[rule])}
        counts[pk] = sum(n for group, n in per_group.items() if covered(group)) + len(extra)
    return counts
