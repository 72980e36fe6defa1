"""The rule list (filters, facets, ranked search) and the rule page."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from regulations.checklists import ChecklistQuery, build_checklist
from regulations.content_memo import remembered
from regulations.coverage import coverage_of
from regulations.exports import WRITERS
from regulations.facets import rule_facets
from regulations.filters import RuleFilter
from regulations.models import CurationState, Jurisdiction, Requirement, Rule, legal_status_expression
from regulations.places import coverage
from regulations.search import nearest_names
from regulations.views.exports import site_of, written

PAGE_SIZE = 25
# Parameters that never narrow the list: the search itself, the page, the export format, the day.
UNFILTERING = {"q", "page", "format", "on", "sort"}


def paginate(queryset, number: str):
    """The requested page, or an error message for a page that is not there."""
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        return paginator.page(number or 1), ""
    except PageNotAnInteger:
        return None, "Give the page as a whole number, such as 2."
    except EmptyPage:
        return None, f"There is no page {number}; the last page is {paginator.num_pages}."


def place_options() -> str:
    """The options of the "another country" select: the same on every request, so rendered once per content version."""
    places = Jurisdiction.objects.places().only("code", "name")
    return render_to_string("regulations/rules/_place_options.html", {"places": places})


def render_browser(request, template: str, context: dict, status: int):
    """The full page, or only the filter-and-results block for an htmx swap."""
    if request.htmx and not request.htmx.history_restore_request:
        template = "regulations/rules/_browser.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def list_query(filterset: RuleFilter, user) -> ChecklistQuery:
    """The checklist of the rules on screen: the list's markets, topics, level and day."""
    cleaned = filterset.form.cleaned_data
    return ChecklistQuery(
        applies_in=sorted(cleaned.get("applies_in") or [], key=lambda j: j.code),
        topics=list(cleaned.get("topic") or []),
        level=int(cleaned["level"]) if cleaned.get("level") else None,
        on=filterset.day,
        include_internal=user.is_staff,
    )


def coverage_gaps(filterset: RuleFilter) -> list:
    """The chosen markets whose law was not (wholly) researched for the topics asked about."""
    reaches = {reach.jurisdiction.pk: reach for reach in filterset.applicability}
    if not reaches:
        return []
    topics = filterset.form.cleaned_data.get("topic") or []
    places = [reach.jurisdiction for reach in reaches.values()]
    found = coverage_of(places, filterset.day, reaches)
    return [place for place in (found[p.pk].only(topics) for p in places) if not place.covered]


def rule_list(request):
    filterset = RuleFilter(request.GET, queryset=Rule.objects.published().for_list(), request=request)
    valid = filterset.is_valid()
    context = {
        "filter": filterset,
        "form": filterset.form,
        "facets": rule_facets(filterset),
        "on": filterset.day,
        "place_options": remembered(("place options",), place_options),
        "page": None,
        "page_error": "",
        "narrowing_count": len(narrowing(request)),
    }
    export = request.GET.get("format")
    if export and export not in WRITERS:
        context["page_error"] = f"Unsupported format {export}: choose one of {', '.join(WRITERS)}."
        valid = False
    if not valid:
        return render_browser(request, "regulations/rules/list.html", context, status=400)
    if export:
        result = build_checklist(list_query(filterset, request.user), rules=filterset.qs, site=site_of(request))
        return written(WRITERS[export], result, lambda error: refused(request, context, error))
    rules = filterset.qs.annotate(legal_status=legal_status_expression(filterset.day))
    page, context["page_error"] = paginate(rules, request.GET.get("page", ""))
    if page is None:
        return render_browser(request, "regulations/rules/list.html", context, status=400)
    page.object_list = filterset.with_verdicts(page.object_list)
    context |= {"page": page, "coverage_gaps": coverage_gaps(filterset)}
    if not page.paginator.count:
        context |= nothing_found(request, filterset)
    return render_browser(request, "regulations/rules/list.html", context, status=200)


def refused(request, context: dict, message: str):
    """The list with the reason an export was declined (a PDF too long to lay out), as a 400."""
    return render_browser(request, "regulations/rules/list.html", context | {"page_error": message}, status=400)


def narrowing(request) -> list[str]:
    """The values chosen in the filters that narrow the list (not the search, page or day)."""
    return [value for key, values in request.GET.lists() if key not in UNFILTERING for value in values if value]


def nothing_found(request, filterset: RuleFilter) -> dict:
    """What an empty list says: what was searched, the nearest rule names, and how to widen it."""
    searched = filterset.form.cleaned_data.get("q") or ""
    return {
        "searched": searched,
        "suggestions": nearest_names(Rule.objects.published(), searched),
        "narrowing": narrowing(request),
    }


def rule_detail(request, slug: str):
    today = timezone.localdate()
    rule = get_object_or_404(
        Rule.objects.published().for_detail().annotate(legal_status=legal_status_expression(today)),
        slug=slug.lower(),
    )
    milestones = list(rule.milestones.all())
    requirements = list(rule.requirements.all())
    for requirement in requirements:
        requirement.own_milestones = [ms for ms in milestones if ms.requirement_id == requirement.pk]
        for milestone in requirement.own_milestones:
            milestone.of_requirement = requirement
    context = {
        "rule": rule,
        "coverage": coverage(rule, today),
        "today": today,
        "requirements": requirements,
        "milestones": milestones,
    }
    return render(request, "regulations/rules/detail.html", context)


def public_successor(requirement: Requirement) -> Requirement | None:
    """What replaces the requirement, where its rule is published (a draft's requirement is never named)."""
    successor = requirement.superseded_by
    return successor if successor and successor.rule.state == CurationState.PUBLISHED else None


def requirement_detail(request, slug: str, key: str):
    """One requirement at a stable, citable address: its obligation, evidence, deadline and rule."""
    today = timezone.localdate()
    requirement = get_object_or_404(
        Requirement.objects.filter(rule__state=CurationState.PUBLISHED)
        .select_related("rule__jurisdiction", "rule__authority", "superseded_by__rule")
        .defer("internal_note", "rule__search_vector", "rule__internal_notes"),
        rule__slug=slug.lower(),
        key=key.lower(),
    )
    rule = requirement.rule
    own_topics = list(requirement.topics.all())
    permalink = reverse("regulations:requirement-detail", args=[rule.slug, requirement.key])
    context = {
        "requirement": requirement,
        "canonical": request.build_absolute_uri(permalink),
        "rule": rule,
        "sources": rule.sources.all(),
        "own_topics": own_topics,
        "topics": own_topics or list(rule.topics.all()),
        "successor": public_successor(requirement),
        "supersedes": Requirement.objects.filter(superseded_by=requirement, rule__state=CurationState.PUBLISHED)
        .select_related("rule")
        .only("key", "reference", "superseded_on", "rule__slug", "rule__short_name", "rule__title"),
        "legal_status": Rule.objects.filter(pk=rule.pk)
        .with_legal_status(today)
        .values_list("legal_status", flat=True)[0],
        "today": today,
    }
    return render(request, "regulations/rules/requirement.html", context)
