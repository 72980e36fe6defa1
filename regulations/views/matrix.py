"""/readiness/: firms against jurisdictions (or topics in one jurisdiction), as an accessible heat map."""

from __future__ import annotations

from collections import Counter

from django.shortcuts import render
from django.utils import timezone

from regulations.coverage import coverage_of
from regulations.forms import ReadinessForm
from regulations.models import Company, Jurisdiction, Topic
from regulations.readiness import readiness_by_market, readiness_by_topic, trends, with_coverage

DEFAULT_COLUMNS = 8
# The legend of the heat map's colour bands (the ``heat`` filter's five bands of the met share).
HEAT_BANDS = [
    ("kb-heat-0", "under 20% met"),
    ("kb-heat-1", "20-39% met"),
    ("kb-heat-2", "40-59% met"),
    ("kb-heat-3", "60-79% met"),
    ("kb-heat-4", "80% met or more"),
    ("kb-heat-none", "no figure: not a market, not assessed, or not covered yet"),
]


def default_columns(companies) -> list[Jurisdiction]:
    """The markets most firms share, most shared first."""
    counts = Counter(m.jurisdiction for company in companies for m in company.market_entries.all())
    return [j for j, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0].name))[:DEFAULT_COLUMNS]]


def readiness_matrix(request):
    form = ReadinessForm(request.GET)
    companies = list(Company.objects.for_list().order_by("is_fictional", "name"))
    context = {"form": form, "companies": companies, "all_places": Jurisdiction.objects.places().only("code", "name")}
    if not form.is_valid():
        return render(request, "regulations/readiness/matrix.html", context, status=400)
    on = form.cleaned_data["on"] or timezone.localdate()
    staff, view = request.user.is_staff, form.cleaned_data["view"] or "jurisdictions"
    markets = {company.pk: [m.jurisdiction for m in company.market_entries.all()] for company in companies}
    if view == "topics":
        jurisdiction = form.cleaned_data["j"][0]
        columns = list(Topic.objects.select_related("parent"))
        cells = readiness_by_topic(companies, jurisdiction, columns, on, staff=staff)
        place = coverage_of([jurisdiction], on)[jurisdiction.pk]
        with_coverage(cells, {topic.pk: place.for_topic(topic) for topic in columns})
        in_market = {(c.pk, t.pk): jurisdiction in markets[c.pk] for c in companies for t in columns}
        context["jurisdiction"] = jurisdiction
    else:
        columns = list(form.cleaned_data["j"]) or default_columns(companies)
        cells = readiness_by_market(companies, columns, on, staff=staff)
        with_coverage(cells, coverage_of(columns, on))
        in_market = {(c.pk, j.pk): j in markets[c.pk] for c in companies for j in columns}
    # A firm with no market in any column would fill a row with "not a market": left out, and said so.
    shown = [company for company in companies if any(in_market[(company.pk, col.pk)] for col in columns)]
    firm_trends = trends(shown, markets, on, staff=staff)
    context |= {
        "on": on,
        "view": view,
        "columns": columns,
        "left_out": len(companies) - len(shown),
        "bands": HEAT_BANDS,
        "rows": [
            (
                company,
                firm_trends[company.pk],
                [(cells[(company.pk, col.pk)], in_market[(company.pk, col.pk)]) for col in columns],
            )
            for company in shown
        ],
    }
    return render(request, "regulations/readiness/matrix.html", context)
