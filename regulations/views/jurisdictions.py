"""Jurisdiction directory, country profiles and side-by-side comparison."""

from __future__ import annotations

from collections import Counter

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from regulations import comparison
from regulations.applicability import Force, applicability
from regulations.checklists import build_checklist, data_version
from regulations.comparison import compare_query
from regulations.coverage import coverage_of
from regulations.exports import WRITERS, TooLargeForPdf
from regulations.exports import pdf as pdf_export
from regulations.forms import CompareForm, ProfileForm
from regulations.listings import researched_places
from regulations.models import CurationState, Jurisdiction, Rule, VehicleSituation, legal_status_expression
from regulations.printing import pdf_response, render_pdf
from regulations.selectors import group_by_domain, upcoming_deadlines
from regulations.views.exports import invalid, refuse_with, site_of, written


def jurisdiction_list(request):
    today = timezone.localdate()
    covered = researched_places(today)
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
    """A market profile on a day; ``format=pdf`` downloads the same profile as an A4 PDF."""
    jurisdiction = get_object_or_404(Jurisdiction.objects.select_related("parent"), code=code.upper())
    form = ProfileForm(request.GET)
    if not form.is_valid():
        context = {"jurisdiction": jurisdiction, "form": form}
        return render(request, "regulations/jurisdictions/detail.html", context, status=400)
    context = {"form": form, **profile(jurisdiction, form.cleaned_data["on"] or timezone.localdate())}
    if form.cleaned_data["format"] == "pdf":
        return profile_pdf(request, context)
    return render(request, "regulations/jurisdictions/detail.html", context)


def profile_pdf(request, context: dict):
    """The profile as a PDF, or a 400 on the page when it lists too many rules to lay out in a request."""
    if context["rule_count"] > pdf_export.MAX_PDF_RULES:
        context["form"].add_error("format", TooLargeForPdf.profile_message())
        return render(request, "regulations/jurisdictions/detail.html", context, status=400)
    context |= {"generated_at": timezone.now(), "data_version": data_version()}
    data = render_pdf("regulations/pdf/profile.html", context, site_of(request))
    on = context["on"].isoformat()
    return pdf_response(data, f"profile-{context['jurisdiction'].code.lower()}-{on}.pdf")


def profile(jurisdiction: Jurisdiction, on) -> dict:
    """Everything a profile shows, the page and its PDF alike: what reaches the place on the day, and why."""
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
    return {
        "jurisdiction": jurisdiction,
        "on": on,
        "coverage": coverage,
        "domain_coverage": domain_counts(coverage, binding_groups),
        "binding_groups": [(domain, by_reason(members)) for domain, members in binding_groups],
        "recognised": [rule for rule in rules if rule.verdict.force == Force.RECOGNISED],
        "advisory": [rule for rule in rules if rule.verdict.force == Force.ADVISORY],
        "unrecorded": [rule for rule in rules if rule.verdict.force is None],
        "memberships": jurisdiction.memberships.select_related("body").order_by("body__name", "since"),
        "members": jurisdiction.members.select_related("member").order_by("role", "member__name"),
        "deadlines": upcoming_deadlines(reach.rules(), on, markets=set(reach.reaching)),
        "rule_count": len(rules),
        "force_counts": Counter(rule.verdict.key for rule in rules),
    }


def domain_counts(coverage, groups) -> list[tuple]:
    """Each mission domain's coverage with how many mandatory rules it lists here."""
    counts = {domain.pk: len(rules) for domain, rules in groups if domain}
    return [(domain, counts.get(domain.domain.pk, 0)) for domain in coverage.domains]


def compare(request):
    """Markets side by side, topic by topic: the requirements in each, their force and dates; exports too."""
    form = CompareForm(request.GET)
    valid = form.is_valid()
    selected = form.ticked_codes()
    candidates = list(
        Jurisdiction.objects.filter(Q(rules__state=CurationState.PUBLISHED) | Q(code__in=selected))
        .distinct()
        .order_by("name")
    )
    ticked = sorted((j for j in candidates if j.code in selected), key=lambda j: selected.index(j.code))
    others = Jurisdiction.objects.places().exclude(pk__in=[j.pk for j in candidates]).only("code", "name")
    context = {
        "form": form,
        "selected": selected,
        "candidates": ticked + [j for j in candidates if j.code not in selected],
        "others": others,
        "vehicles": VehicleSituation.choices,
    }
    if not valid:
        return invalid(request, form, "regulations/jurisdictions/compare.html", context)
    chosen, on = form.cleaned_data["j"], form.cleaned_data["on"] or timezone.localdate()
    vehicle = form.cleaned_data["vehicle"] or VehicleSituation.NEW_TYPE
    context.update(chosen=chosen, on=on)
    writer = WRITERS.get(form.cleaned_data["format"] or "html")
    if writer:
        result = build_checklist(compare_query(chosen, on, vehicle), site=site_of(request))
        return written(writer, result, refuse_with(request, form, "regulations/jurisdictions/compare.html", context))
    if chosen:
        context |= {"comparison": comparison.compare(chosen, on, vehicle), "cell_rules": comparison.CELL_RULES}
    return render(request, "regulations/jurisdictions/compare.html", context)


def by_reason(rules) -> list[tuple[list, list]]:
    """Rules under the reasons they bind for, each set of reasons said once (not 40 times under EU law)."""
    groups: dict[tuple[str, ...], tuple[list, list]] = {}
    for rule in rules:
        key = tuple(str(reason) for reason in rule.verdict.grounds)
        groups.setdefault(key, (list(rule.verdict.grounds), []))[1].append(rule)
    return list(groups.values())
