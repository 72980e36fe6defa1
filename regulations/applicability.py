"""Which rules apply in a jurisdiction on a date, with what force, and why.

A rule reaches X on day D along one or more paths, each a ``Reason`` with a force:

- made by X, by an ancestor of X (US for US-CA) or by a union X belonged to on D:
  *binding* when the rule binds by itself (a law, a regulation, a mandatory standard),
  *advisory* otherwise (guidance, a voluntary standard no rule makes binding);
- incorporated in X by a rule of X that implements it (an EEA incorporation, a
  transposition): *binding*; and whatever the incorporated rule makes binding is
  carried along ("made binding by GSR2, incorporated in Norway by ...");
- made binding by a rule that binds in X (UN R155 through the EU General Safety
  Regulation), following chains of such bindings: *binding*;
- through a UNECE treaty X is a party to, and only to that treaty's own instruments:
  the 1958 Agreement, and a UN Regulation X is recorded as applying, are *recognised*;
  a UN Regulation whose application by X is not recorded reaches X with no force at
  all (it is never counted as recognised); the 1998 Agreement and its Global
  Technical Regulations are *advisory* (they bind governments, not vehicles).

A rule's verdict in X is its strongest reason (binding > recognised > advisory >
not recorded); the other reasons are detail. The set of rules is one SQL condition
(``Applicability.condition``, optionally binding rules only); the reasons for a page
of rules cost a fixed number of queries however many rules there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db import models
from django.db.models import Case, F, Q, QuerySet, Value, When

from .content_memo import remembered
from .force import Force, force_key
from .models import (
    TREATY_ROLES,
    CurationState,
    Jurisdiction,
    JurisdictionKind,
    Membership,
    MembershipRole,
    RegulationApplication,
    RelationKind,
    Rule,
    RuleRelation,
    TreatyInstrument,
)
from .reasons import TREATY_NAMES, Reason, Step, StepKind, Verdict, strongest_first

MAX_BINDING_DEPTH = 3


@dataclass
class Applicability:
    """What reaches ``jurisdiction`` on ``on``: its own, its ancestors' and its unions' rules, and its treaties'."""

    jurisdiction: Jurisdiction
    on: dt.date
    reaching: dict[int, Step] = field(default_factory=dict)  # maker pk -> own, parent or union step
    treaties: dict[int, dict[str, Step]] = field(default_factory=dict)  # treaty body pk -> {role: party step}
    chain: list[int] = field(default_factory=list)  # the jurisdiction and its ancestors
    shared: dict = field(default_factory=dict, repr=False)  # read-once data shared by one day's objects
    worked: dict = field(default_factory=dict, repr=False)  # answers worked out once, shared by copies (``about``)

    def about(self, jurisdiction: Jurisdiction) -> Applicability:
        """The same answer told about the caller's own object for the place (a kept answer holds another's)."""
        return replace(self, jurisdiction=jurisdiction)

    # ---- the set, as one SQL condition

    @property
    def bound(self) -> set[int]:
        """Rules made binding here, through chains of bindings, or incorporated here by a rule that binds here.

        Worked out from the day's live bindings and incorporations (one shared query; they
        are tens, not thousands) and handed to SQL as a list, which keeps the condition flat.
        """
        if "bound" not in self.worked:
            bindings = [relation for found in self.relations.bindings.values() for relation in found]
            incorporated = set(self.incorporations)
            sources = {r.from_rule_id for r in bindings if self.is_source(r.from_rule)} | incorporated
            bound: set[int] = set()
            for _ in range(MAX_BINDING_DEPTH):
                new = {r.to_rule_id for r in bindings if r.from_rule_id in sources} - bound
                bound |= new
                sources = new
            self.worked["bound"] = bound | incorporated
        return self.worked["bound"]

    def condition(self, *, binding_only: bool = False) -> Q:
        """One SQL condition selecting every rule that reaches here (or only those that bind here)."""
        own = Q(jurisdiction_id__in=list(self.reaching))
        condition = (own & Q(binding_by_itself=True) if binding_only else own) | Q(pk__in=sorted(self.bound))
        if not binding_only:
            for body, roles in self.treaties.items():
                instruments = [kind for kind, role in TREATY_ROLES.items() if role in roles]
                condition |= Q(jurisdiction_id=body, treaty_instrument__in=instruments)
        return condition

    @staticmethod
    def any_condition(reaches, *, binding_only: bool = False) -> Q:
        """The rules that reach any of ``reaches``: their conditions' union, flat, so an index can answer it.

        Equal to OR-ing each ``condition()``; the OR of tens of those, each nesting its own
        ``AND``, makes PostgreSQL read every rule instead.
        """
        reaches = list(reaches)
        makers = sorted({pk for reach in reaches for pk in reach.reaching})
        own = Q(jurisdiction_id__in=makers)
        condition = (own & Q(binding_by_itself=True) if binding_only else own) | Q(
            pk__in=sorted({pk for reach in reaches for pk in reach.bound})
        )
        if not binding_only:
            for reach in reaches:
                for body, roles in reach.treaties.items():
                    instruments = [kind for kind, role in TREATY_ROLES.items() if role in roles]
                    condition |= Q(jurisdiction_id=body, treaty_instrument__in=instruments)
        return condition

    def rules(self, queryset: QuerySet | None = None, *, binding_only: bool = False) -> QuerySet:
        queryset = Rule.objects.published() if queryset is None else queryset
        return queryset.filter(self.condition(binding_only=binding_only))

    def force_condition(self, forces) -> Q:
        """Rules whose verdict here is one of ``forces`` (None: not recorded), as one SQL condition.

        Each force's own paths, less the stronger forces': the same answer as ``verdicts``
        (the tests hold them to it), so a page can count and the rule list filter by force.
        """
        condition, stronger = Q(pk__in=[]), Q(pk__in=[])
        for force, paths in self.paths_by_force().items():
            if force in forces:
                condition |= paths & ~stronger
            stronger |= paths
        return condition

    def force_expression(self) -> Case:
        """Each rule's force here as one SQL expression, by its key (``force_key``): to count rules by force."""
        whens = [When(paths, then=Value(force_key(force))) for force, paths in self.paths_by_force().items()]
        return Case(*whens, default=Value(force_key(None)), output_field=models.CharField())

    def paths_by_force(self) -> dict[Force | None, Q]:
        """What reaches here with each force, strongest first, before a stronger force takes a rule."""
        applied = sorted(self.applications)
        paths = {
            Force.BINDING: self.condition(binding_only=True),
            Force.RECOGNISED: Q(pk__in=[]),
            Force.ADVISORY: Q(jurisdiction_id__in=list(self.reaching), binding_by_itself=False),
            None: Q(pk__in=[]),
        }
        for body, roles in self.treaties.items():
            if MembershipRole.PARTY_1958 in roles:
                regulation = Q(jurisdiction_id=body, treaty_instrument=TreatyInstrument.UN_REGULATION)
                agreement = Q(jurisdiction_id=body, treaty_instrument=TreatyInstrument.AGREEMENT_1958)
                paths[Force.RECOGNISED] |= agreement | (regulation & Q(pk__in=applied))
                paths[None] |= regulation & ~Q(pk__in=applied)
            if MembershipRole.PARTY_1998 in roles:
                instruments = [TreatyInstrument.AGREEMENT_1998, TreatyInstrument.UN_GTR]
                paths[Force.ADVISORY] |= Q(jurisdiction_id=body, treaty_instrument__in=instruments)
        return paths

    # ---- the reasons, in Python

    def reasons(self, rules) -> dict[int, list[Reason]]:
        """The reasons of each of ``rules``, strongest first.

        ``rules`` are objects with ``pk``, ``jurisdiction_id``, ``binding_by_itself`` and
        ``treaty_instrument``.
        """
        rules = list(rules)
        result: dict[int, list[Reason]] = {rule.pk: [] for rule in rules}
        for rule in rules:
            step = self.reaching.get(rule.jurisdiction_id)
            if step:
                force = Force.BINDING if rule.binding_by_itself else Force.ADVISORY
                result[rule.pk].append(Reason(self.jurisdiction, (step,), force))
            if treaty := self.treaty_reason(rule):
                result[rule.pk].append(treaty)
        for rule in rules:
            for step in self.incorporations.get(rule.pk, []):
                result[rule.pk].append(Reason(self.jurisdiction, (step,)))
        for target, steps in self.binding_paths(list(result)):
            result[target].append(Reason(self.jurisdiction, steps))
        return {pk: strongest_first(found) for pk, found in result.items()}

    def verdicts(self, rules) -> dict[int, Verdict]:
        return {pk: Verdict(self.jurisdiction, tuple(found)) for pk, found in self.reasons(rules).items()}

    def treaty_reason(self, rule) -> Reason | None:
        """How a treaty instrument reaches a party to its own treaty, if this jurisdiction is one."""
        role = TREATY_ROLES.get(rule.treaty_instrument)
        party = self.treaties.get(rule.jurisdiction_id, {}).get(role)
        if party is None:
            return None
        if rule.treaty_instrument == TreatyInstrument.UN_REGULATION:
            application = self.applications.get(rule.pk)
            if application is None:
                return Reason(self.jurisdiction, (Step(StepKind.UNRECORDED, since=party.since, treaty=role),), None)
            step = Step(StepKind.APPLIES, since=application.since, treaty=role)
            return Reason(self.jurisdiction, (step,), Force.RECOGNISED)
        if role == MembershipRole.PARTY_1958:
            return Reason(self.jurisdiction, (party,), Force.RECOGNISED)
        return Reason(self.jurisdiction, (party,), Force.ADVISORY)

    @property
    def applications(self) -> dict[int, RegulationApplication]:
        """The UN Regulations this jurisdiction (or its country) applies on ``on``, read once, when needed."""
        if "applications" not in self.worked:
            found = RegulationApplication.objects.active_on(self.on).filter(party_id__in=self.chain)
            self.worked["applications"] = {application.regulation_id: application for application in found}
        return self.worked["applications"]

    @property
    def relations(self) -> LiveRelations:
        if "relations" not in self.shared:
            self.shared["relations"] = live_relations(self.on)
        return self.shared["relations"]

    def is_source(self, rule: Rule) -> bool:
        """Whether ``rule`` binds here by itself (and so can make another rule binding here)."""
        return rule.jurisdiction_id in self.reaching and rule.binding_by_itself

    @property
    def incorporations(self) -> dict[int, list[Step]]:
        """Rules of elsewhere incorporated here, keyed by rule pk, with the incorporating step."""
        if "incorporations" not in self.worked:
            found: dict[int, list[Step]] = {}
            for relation in self.relations.implements:
                if self.is_source(relation.from_rule) and relation.target_jurisdiction_id not in self.reaching:
                    found.setdefault(relation.to_rule_id, []).append(relation_step(relation, StepKind.INCORPORATED))
            self.worked["incorporations"] = found
        return self.worked["incorporations"]

    def binding_paths(self, rule_ids: list[int]):
        """Yield (rule id, steps) for each chain of bindings from a rule that binds here.

        Walks the live bindings (one query, shared) back from each rule: the frontier
        holds partial paths (target, steps so far, rule that still needs a binder).
        """
        frontier = [(pk, (), pk) for pk in rule_ids]
        for _ in range(MAX_BINDING_DEPTH):
            next_frontier = []
            for target, steps, needs in frontier:
                for relation in self.relations.bindings.get(needs, []):
                    binder = relation.from_rule
                    if binder.pk == target or any(step.rule == binder for step in steps):
                        continue
                    path = (*steps, relation_step(relation, StepKind.BINDING))
                    starts = [self.reaching[binder.jurisdiction_id]] if self.is_source(binder) else []
                    starts += self.incorporations.get(binder.pk, [])
                    for start in starts:
                        yield target, (*path, start)
                    if not starts:
                        next_frontier.append((target, path, binder.pk))
            frontier = next_frontier


@dataclass
class LiveRelations:
    """The bindings and incorporations in effect on a day, read whole (they are tens, not thousands)."""

    bindings: dict[int, list[RuleRelation]]  # keyed by the rule made binding
    implements: list[RuleRelation]

    def implementers_of(self, rule_pk: int) -> list[RuleRelation]:
        return [relation for relation in self.implements if relation.to_rule_id == rule_pk]


def live_relations(on: dt.date) -> LiveRelations:
    """Every binding and incorporation whose carrier is published and unrepealed on ``on`` (one query)."""
    relations = (
        RuleRelation.objects.filter(
            kind__in=[RelationKind.MAKES_BINDING, RelationKind.IMPLEMENTS], from_rule__state=CurationState.PUBLISHED
        )
        .exclude(from_rule__applies_until__lte=on)
        .select_related("from_rule__jurisdiction")
        .defer("from_rule__summary", "from_rule__internal_notes", "from_rule__search_vector")
        .annotate(target_jurisdiction_id=F("to_rule__jurisdiction_id"))
        .order_by("from_rule__jurisdiction__code", "from_rule__title")
    )
    found = LiveRelations(bindings={}, implements=[])
    for relation in relations:
        if relation.kind == RelationKind.MAKES_BINDING:
            found.bindings.setdefault(relation.to_rule_id, []).append(relation)
        else:
            found.implements.append(relation)
    return found


def carried_from(relation: RuleRelation) -> dt.date | None:
    """When a binding or incorporation takes effect: the later of its carrier's start and its own date."""
    dates = [d for d in (relation.from_rule.applies_from, relation.applies_from) if d]
    return max(dates, default=None)


def relation_step(relation: RuleRelation, kind: StepKind) -> Step:
    return Step(kind, rule=relation.from_rule, effective_from=carried_from(relation))


def applicabilities(jurisdictions, on: dt.date) -> dict[int, Applicability]:
    """What reaches each of ``jurisdictions`` on ``on``, keyed by jurisdiction pk, in their order.

    One query for all their memberships (and their ancestors'); pass jurisdictions
    fetched with ``select_related("parent")`` to spare one query per subdivision. Kept
    per content version and day (``content_memo``), with what each answer works out later.
    """
    jurisdictions = list(jurisdictions)
    key = ("applicabilities", on, tuple(jurisdiction.pk for jurisdiction in jurisdictions))
    found = remembered(key, lambda: work_out(jurisdictions, on))
    return {jurisdiction.pk: found[jurisdiction.pk].about(jurisdiction) for jurisdiction in jurisdictions}


def work_out(jurisdictions: list[Jurisdiction], on: dt.date) -> dict[int, Applicability]:
    result, shared = {}, {}
    for jurisdiction in jurisdictions:
        chain = [jurisdiction]
        while chain[-1].parent_id and len(chain) < MAX_BINDING_DEPTH:
            chain.append(chain[-1].parent)
        reach = result[jurisdiction.pk] = Applicability(jurisdiction, on, chain=[j.pk for j in chain], shared=shared)
        reach.reaching[jurisdiction.pk] = Step(StepKind.OWN)
        for ancestor in chain[1:]:
            reach.reaching[ancestor.pk] = Step(StepKind.PARENT, via=ancestor)
    members = {pk for reach in result.values() for pk in reach.chain}
    memberships = Membership.objects.active_on(on).filter(member__in=members).select_related("body")
    for membership in memberships:
        body, since = membership.body, membership.since
        for reach in result.values():
            if membership.member_id not in reach.chain:
                continue
            if membership.role == MembershipRole.MEMBER and body.kind == JurisdictionKind.UNION:
                reach.reaching.setdefault(body.pk, Step(StepKind.UNION, via=body, since=since))
            elif membership.role in TREATY_NAMES:
                party = Step(StepKind.PARTY, via=body, since=since, treaty=membership.role)
                reach.treaties.setdefault(body.pk, {}).setdefault(membership.role, party)
    return result


def read_applications(reaches, on: dt.date) -> None:
    """Fill each of ``reaches``' applied UN Regulations (``Applicability.applications``) with one query for all,
    instead of one per place: for pages that ask many places about the same few rules."""
    reaches = [reach for reach in reaches if "applications" not in reach.worked]
    chains = {pk for reach in reaches for pk in reach.chain}
    found: dict[int, list[RegulationApplication]] = {}
    for application in RegulationApplication.objects.active_on(on).filter(party_id__in=chains):
        found.setdefault(application.party_id, []).append(application)
    for reach in reaches:
        mine = [application for pk in reach.chain for application in found.get(pk, [])]
        reach.worked["applications"] = {application.regulation_id: application for application in mine}


def applicability(jurisdiction: Jurisdiction, on: dt.date) -> Applicability:
    """What reaches ``jurisdiction`` on ``on`` (one query for its memberships)."""
    return applicabilities([jurisdiction], on)[jurisdiction.pk]
