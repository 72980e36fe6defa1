"""Firms: the directory, a firm's readiness by market and topic, and the requirements behind each figure."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from regulations.applicability import applicabilities
from regulations.coverage import coverage_of
from regulations.forms import CompanyPageForm
from regulations.models import AssessmentStatus, Company, MarketStatus, Topic
from regulations.readiness import readiness_by_market, readiness_by_topic, requirements_behind, trends, with_coverage

MARKET_ORDER = {status: n for n, status in enumerate(MarketStatus.values)}
# The requirements listed behind a figure; the figure itself gives the full number.
DRILLDOWN_LIMIT = 200


def ordered_markets(company: Company) -> list:
    """A firm's markets, where it sells first."""
    return sorted(company.market_entries.all(), key=lambda m: (MARKET_ORDER[m.status], m.jurisdiction.name))


def company_list(request):
    today = timezone.localdate()
    companies = list(Company.objects.for_list().order_by("is_fictional", "name"))
    jurisdictions = {m.jurisdiction.pk: m.jurisdiction for c in companies for m in c.market_entries.all()}
    readiness = readiness_by_market(companies, list(jurisdictions.values()), today, staff=request.user.is_staff)
    with_coverage(readiness, coverage_of(jurisdictions.values(), today))
    for company in companies:
        company.markets_with_readiness = [
            (m, readiness[(company.pk, m.jurisdiction.pk)]) for m in ordered_markets(company)
        ]
    return render(request, "regulations/companies/list.html", {"companies": companies, "today": today})


def checklist_links(company: Company, markets) -> dict[str, str]:
    """Query strings of the firm's checklist across its markets, by format."""
    params = [("applies_in", m.jurisdiction.code.lower()) for m in markets] + [("company", company.slug)]
    return {fmt: "?" + urlencode([*params, ("format", fmt)]) for fmt in ("html", "xlsx", "csv")}


def drilldown_total(company, chosen, status, topic, by_market, by_topic) -> int | None:
    """How many requirements the drilled figure counts (None for a market the firm does not sell in)."""
    figure = by_topic.get((company.pk, topic.pk)) if topic else by_market.get((company.pk, getattr(chosen, "pk", None)))
    return figure.count(status) if figure and status else None


def company_detail(request, slug: str):
    company = get_object_or_404(Company.objects.for_list(), slug=slug.lower())
    form = CompanyPageForm(request.GET)
    context = {"company": company, "form": form, "records": company.records.select_related("jurisdiction", "rule")}
    if not form.is_valid():
        return render(request, "regulations/companies/detail.html", context, status=400)
    on = form.cleaned_data["on"] or timezone.localdate()
    staff = request.user.is_staff
    markets = ordered_markets(company)
    places = [m.jurisdiction for m in markets]
    reaches = applicabilities(places, on)  # worked out once for the market, topic and trend figures
    by_market = readiness_by_market([company], places, on, staff=staff, reaches=reaches)
    with_coverage(by_market, coverage_of(places, on, reaches))
    chosen = form.cleaned_data["j"] or (places[0] if places else None)
    topics = list(Topic.objects.select_related("parent"))
    by_topic = readiness_by_topic([company], chosen, topics, on, staff=staff, reaches=reaches) if chosen else {}
    topic_rows = sorted(
        ((topic, by_topic[(company.pk, topic.pk)]) for topic in topics if by_topic.get((company.pk, topic.pk))),
        key=lambda row: (-row[1].count(AssessmentStatus.GAP), -row[1].count(AssessmentStatus.UNKNOWN), row[0].order),
    )
    status = form.cleaned_data["status"]
    context |= {
        "on": on,
        "markets": [(m, by_market[(company.pk, m.jurisdiction.pk)]) for m in markets],
        "chosen": chosen,
        "topic_rows": [(t, r) for t, r in topic_rows if r.total],
        "trend": trends([company], {company.pk: places}, on, staff=staff, reaches=reaches)[company.pk],
        "checklist": checklist_links(company, markets),
        "drilldown": requirements_behind(
            company, chosen, on, status, staff=staff, topic=form.cleaned_data["topic"], limit=DRILLDOWN_LIMIT
        )
        if status and chosen
        else None,
        "drilldown_total": drilldown_total(company, chosen, status, form.cleaned_data["topic"], by_market, by_topic),
        "status_label": AssessmentStatus(status).label if status else "",
    }
    return render(request, "regulations/companies/detail.html", context)
