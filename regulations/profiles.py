"""A market profile: what reaches a place on a day, binding rules by domain, then the weaker forces.

Every group is counted in full from one light query (each rule's force and legal status,
worked out by the database) and lists its first rules: up to a limit on the page, all of
them in the PDF. Only the listed rules are read whole, with their reasons; each group
carries the rule-list address that lists exactly the rules it counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode

from .applicability import Applicability, applicability
from .coverage import coverage_of
from .filters import LIVE_STATUSES
from .force import Force, force_key
from .models import Jurisdiction, LegalStatus, Rule, Topic, legal_status_expression
from .selectors import topic_roots, upcoming_deadlines

BINDING = force_key(Force.BINDING)
WEAKER = [force_key(force) for force in (Force.RECOGNISED, Force.ADVISORY, None)]


@dataclass
class RuleGroup:
    """The rules of one force (binding ones: of one domain): all counted, the first ones listed."""

    force: str
    domain: Topic | None = None
    count: int = 0
    ids: list[int] = field(default_factory=list)  # of the rules listed, in the profile's order
    statuses: set[str] = field(default_factory=set)
    rules: list[Rule] = field(default_factory=list)
    reasons: list[tuple[list, list]] = field(default_factory=list)  # binding: the listed rules under their reasons
    link: str = ""  # the rule list of exactly the ``count`` rules

    @property
    def more(self) -> int:
        return self.count - len(self.ids)

    @property
    def every_domain(self) -> bool:
        """Binding rules without a topic: no topic filter picks them, so the link lists every binding rule."""
        return self.force == BINDING and self.domain is None


def profile(jurisdiction: Jurisdiction, on: dt.date, limit: int | None = None) -> dict:
    """Everything a profile shows, the page (``limit`` rules a group) and its PDF (all) alike."""
    reach = applicability(jurisdiction, on)
    groups, force_counts = grouped(reach, on, limit)
    listed = read_listed(reach, on, [pk for group in groups for pk in group.ids])
    for group in groups:
        group.rules = [listed[pk] for pk in group.ids]
        group.reasons = by_reason(group.rules) if group.force == BINDING else []
        group.link = rule_list_link(jurisdiction, on, group)
    binding = [group for group in groups if group.force == BINDING]
    weaker = {group.force: group for group in groups if group.force != BINDING}
    coverage = coverage_of([jurisdiction], on, {jurisdiction.pk: reach})[jurisdiction.pk]
    return {
        "jurisdiction": jurisdiction,
        "on": on,
        "limit": limit,
        "coverage": coverage,
        "domain_coverage": domain_counts(coverage, binding),
        "binding_groups": binding,
        "recognised": weaker.get(WEAKER[0]),
        "advisory": weaker.get(WEAKER[1]),
        "unrecorded": weaker.get(WEAKER[2]),
        "memberships": jurisdiction.memberships.select_related("body").order_by("body__name", "since"),
        "members": jurisdiction.members.select_related("member").order_by("role", "member__name"),
        "deadlines": upcoming_deadlines(reach.rules(), on, markets=set(reach.reaching)),
        "rule_count": sum(force_counts.values()),
        "force_counts": force_counts,
    }


def grouped(reach: Applicability, on: dt.date, limit: int | None) -> tuple[list[RuleGroup], Counter]:
    """The groups in page order and the rules per force, from each rule's force and status (no rule read whole)."""
    rules = reach.rules().annotate(force=reach.force_expression(), status=legal_status_expression(on))
    light = rules.order_by("jurisdiction__code", "title").values_list("pk", "force", "status")
    domains = binding_domains(reach)
    groups = {(BINDING, domain): RuleGroup(BINDING, domain) for domain in domains["order"]}
    groups |= {(force, None): RuleGroup(force) for force in WEAKER}
    force_counts = Counter(dict.fromkeys([BINDING, *WEAKER], 0))
    for pk, force, status in light:
        force_counts[force] += 1
        for domain in domains["of"].get(pk, [None]) if force == BINDING else [None]:
            group = groups.setdefault((force, domain), RuleGroup(force, domain))
            group.count += 1
            group.statuses.add(status)
            if limit is None or len(group.ids) < limit:
                group.ids.append(pk)
    return [group for group in groups.values() if group.count], force_counts


def binding_domains(reach: Applicability) -> dict:
    """The top-level topics of each rule binding here (``of``, by pk) and every domain in the tree's order."""
    roots = topic_roots()
    order = sorted({root.pk: root for root in roots.values()}.values(), key=lambda topic: (topic.order, topic.name))
    binding = reach.rules(binding_only=True).values("pk")
    found: dict[int, list[Topic]] = {}
    for rule_id, topic_id in Topic.rules.through.objects.filter(rule__in=binding).values_list("rule_id", "topic_id"):
        if roots[topic_id] not in found.setdefault(rule_id, []):
            found[rule_id].append(roots[topic_id])
    return {"of": found, "order": [*order, None]}


def read_listed(reach: Applicability, on: dt.date, ids: list[int]) -> dict[int, Rule]:
    """The listed rules whole (maker, topics, status on the day), each with its verdict here."""
    rules = Rule.objects.filter(pk__in=set(ids)).for_list().annotate(legal_status=legal_status_expression(on))
    found = rules.in_bulk()
    for pk, verdict in reach.verdicts(found.values()).items():
        found[pk].verdict = verdict
    return found


def rule_list_link(jurisdiction: Jurisdiction, on: dt.date, group: RuleGroup) -> str:
    """The rule list filtered to the group's rules: the market, the day, the force, the domain.

    The list keeps rules in force or adopted when given a day; a group holding others (a
    repealed rule) ticks the statuses it holds, so the list shows exactly what was counted.
    """
    params = {"applies_in": jurisdiction.code.lower(), "on": on.isoformat(), "force": group.force}
    if group.domain:
        params["topic"] = group.domain.slug
    if not group.statuses <= set(LIVE_STATUSES):
        params["status"] = [status for status in LegalStatus.values if status in group.statuses]
    return f"{reverse('regulations:rule-list')}?{urlencode(params, doseq=True)}"


def domain_counts(coverage, groups: list[RuleGroup]) -> list[tuple]:
    """Each mission domain's coverage with how many binding rules it counts here."""
    counts = {group.domain.pk: group.count for group in groups if group.domain}
    return [(domain, counts.get(domain.domain.pk, 0)) for domain in coverage.domains]


def by_reason(rules) -> list[tuple[list, list]]:
    """Rules under the reasons they bind for, each set of reasons said once (not 40 times under EU law)."""
    groups: dict[tuple[str, ...], tuple[list, list]] = {}
    for rule in rules:
        key = tuple(str(reason) for reason in rule.verdict.grounds)
        groups.setdefault(key, (list(rule.verdict.grounds), []))[1].append(rule)
    return list(groups.values())
