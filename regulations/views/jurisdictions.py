"""Jurisdiction directory, country profiles and side-by-side comparison."""

from __future__ import annotations

from collections import Counter

from django.db.models import BooleanField, Case, Q, Value, When
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from regulations.applicability import Force, applicabilities, applicability
from regulations.coverage import coverage_of
from regulations.forms import CompareForm, OnDateForm
from regulations.models import CurationState, Jurisdiction, Rule, Topic, legal_status_expression
from regulations.places import applicable_counts
from regulations.selectors import group_by_domain, researched_jurisdictions, upcoming_deadlines


def jurisdiction_list(request):
    today = timezone.localdate()
    covered = list(researched_jurisdictions())
    counts = applicable_counts(covered, today, Rule.objects.published())
    coverage = coverage_of(covered, today)
    for jurisdiction in covered:
        jurisdiction.applicable = counts[jurisdiction.pk]
        jurisdiction.coverage = coverage[jurisdiction.pk]
    regions: dict[str, list[Jurisdiction]] = {}
    for jurisdiction in covered:
        regions.setdefault(jurisdiction.region or "International", []).append(jurisdiction)
    context = {
        "regions": sorted(regions.items()),
        "bodies": Jurisdiction.objects.bodies(),
        "others": Jurisdiction.objects.places().exclude(pk__in=[j.pk for j in covered]).only("code", "name"),
        "today": today,
    }
    return render(request, "regulations/jurisdictions/list.html", context)


def jurisdiction_detail(request, code: str):
    jurisdiction = get_object_or_404(Jurisdiction.objects.select_related("parent"), code=code.upper())
    form = OnDateForm(request.GET)
    if not form.is_valid():
        context = {"jurisdiction": jurisdiction, "form": form}
        return render(request, "regulations/jurisdictions/detail.html", context, status=400)
    on = form.cleaned_data["on"] or timezone.localdate()
    reach = applicability(jurisdiction, on)
    rules = list(
        reach.rules(Rule.objects.published().for_list())
        .annotate(legal_status=legal_status_expression(on))
        .order_by("jurisdiction__code", "title")
    )
    verdicts = reach.verdicts(rules)
    for rule in rules:
        rule.verdict = verdicts[rule.pk]
    binding_groups = group_by_domain([rule for rule in rules if rule.verdict.force == Force.BINDING])
    coverage = coverage_of([jurisdiction], on, {jurisdiction.pk: reach})[jurisdiction.pk]
    context = {
        "jurisdiction": jurisdiction,
        "form": form,
        "on": on,
        "coverage": coverage,
        "domain_coverage": domain_counts(coverage, binding_groups),
        "binding_groups": binding_groups,
        "recognised": [rule for rule in rules if rule.verdict.force == Force.RECOGNISED],
        "advisory": [rule for rule in rules if rule.verdict.force == Force.ADVISORY],
        "unrecorded": [rule for rule in rules if rule.verdict.force is None],
        "memberships": jurisdiction.memberships.select_related("body").order_by("body__name", "since"),
        "members": jurisdiction.members.select_related("member").order_by("role", "member__name"),
        "deadlines": upcoming_deadlines(reach.rules(), on, markets=set(reach.reaching)),
        "rule_count": len(rules),
        "force_counts": Counter(rule.verdict.key for rule in rules),
    }
    return render(request, "regulations/jurisdictions/detail.html", context)


def domain_counts(coverage, groups) -> list[tuple]:
    """Each mission domain's coverage with how many mandatory rules it lists here."""
    counts = {domain.pk: len(rules) for domain, rules in groups if domain}
    return [(domain, counts.get(domain.domain.pk, 0)) for domain in coverage.domains]


def compare(request):
    form = CompareForm(request.GET)
    valid = form.is_valid()
    selected = form.ticked_codes()
    candidates = list(
        Jurisdiction.objects.filter(Q(rules__state=CurationState.PUBLISHED) | Q(code__in=selected))
        .distinct()
        .order_by("name")
    )
    others = Jurisdiction.objects.places().exclude(pk__in=[j.pk for j in candidates]).only("code", "name")
    context = {"form": form, "selected": selected, "candidates": candidates, "others": others}
    if not valid:
        return render(request, "regulations/jurisdictions/compare.html", context, status=400)
    chosen, on = form.cleaned_data["j"], form.cleaned_data["on"] or timezone.localdate()
    context.update(chosen=chosen, on=on)
    if not chosen:
        return render(request, "regulations/jurisdictions/compare.html", context)
    reaches = applicabilities(chosen, on)
    annotations = {f"applies_{j.pk}": flag(reaches[j.pk].condition()) for j in chosen}
    any_applies = None
    for jurisdiction in chosen:
        condition = reaches[jurisdiction.pk].condition()
        any_applies = condition if any_applies is None else any_applies | condition
    rules = list(
        Rule.objects.published()
        .for_list()
        .filter(any_applies)
        .annotate(legal_status=legal_status_expression(on), **annotations)
        .order_by("jurisdiction__code", "title")
    )
    verdicts = {j.pk: reaches[j.pk].verdicts(rules) for j in chosen}
    coverage = coverage_of(chosen, on, reaches)
    context["columns"] = [(jurisdiction, coverage[jurisdiction.pk]) for jurisdiction in chosen]
    context["rows"] = comparison_rows(rules, chosen, verdicts, coverage)
    return render(request, "regulations/jurisdictions/compare.html", context)


def flag(condition):
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


class Cell(list):
    """(rule, verdict) pairs of one topic in one jurisdiction, with the coverage of the topic's domain there."""

    def __init__(self, pairs, coverage):
        super().__init__(pairs)
        self.coverage = coverage


def comparison_rows(rules, chosen, verdicts, coverage):
    """Topics as rows, one cell per jurisdiction listing (rule, verdict) pairs."""
    topics = list(Topic.objects.select_related("parent"))
    rows = []
    for topic in sorted(topics, key=lambda t: ((t.parent or t).order, t.parent_id is not None, t.order)):
        cells = []
        for jurisdiction in chosen:
            pairs = [
                (rule, verdicts[jurisdiction.pk][rule.pk])
                for rule in rules
                if getattr(rule, f"applies_{jurisdiction.pk}") and topic in rule.topics.all()
            ]
            cells.append(Cell(pairs, coverage[jurisdiction.pk].for_topic(topic)))
        rows.append((topic, cells))
    return rows
