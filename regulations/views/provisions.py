"""/provisions/: the standard questions answered market by market, with downloads, and one question on the map."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone

from regulations.exports.tables import table_response
from regulations.forms import ProvisionMapForm, ProvisionsForm
from regulations.models import Jurisdiction, JurisdictionKind, Question
from regulations.provisions.groups import group_members
from regulations.provisions.layout import matrix_rows, question_map
from regulations.provisions.table import provision_table
from regulations.selectors import researched_jurisdictions

from .exports import invalid, site_of

DEFAULT_MARKETS = ["CN", "DE", "GB", "US", "JP", "KR", "BR", "AU"]


def chosen_markets(form: ProvisionsForm, on) -> list[Jurisdiction]:
    if form.cleaned_data["j"]:
        return form.cleaned_data["j"]
    if form.cleaned_data["group"]:
        return list(group_members(form.cleaned_data["group"], on))
    found = {j.code: j for j in Jurisdiction.objects.select_related("parent").filter(code__in=DEFAULT_MARKETS)}
    return [found[code] for code in DEFAULT_MARKETS if code in found]


def market_choices(selected: list[str]) -> tuple[list[Jurisdiction], QuerySet]:
    """The places whose law was researched, those ticked first in the order chosen, and every other place."""
    places = (JurisdictionKind.COUNTRY, JurisdictionKind.SUBDIVISION)
    researched = [j for j in researched_jurisdictions().order_by("name") if j.kind in places]
    ticked = sorted((j for j in researched if j.code in selected), key=lambda j: selected.index(j.code))
    others = Jurisdiction.objects.places().exclude(pk__in=[j.pk for j in researched]).only("code", "name")
    return ticked + [j for j in researched if j.code not in selected], others.order_by("name")


def provisions(request):
    form = ProvisionsForm(request.GET)
    selected = form.ticked_codes()
    candidates, others = market_choices(selected)
    context = {"form": form, "selected": selected, "candidates": candidates, "others": others}
    if not form.is_valid():
        return invalid(request, form, "regulations/provisions/matrix.html", context)
    on = form.cleaned_data["on"] or timezone.localdate()
    markets = chosen_markets(form, on)
    questions = Question.objects.select_related("topic__parent")
    if form.cleaned_data["domain"]:
        questions = questions.filter(group=form.cleaned_data["domain"])
    rows = matrix_rows(markets, list(questions), on)
    if form.cleaned_data["format"]:
        query = {key: request.GET.getlist(key) for key in request.GET if key != "format"}
        return table_response(provision_table(rows, site_of(request), on, query), form.cleaned_data["format"])
    context |= {"on": on, "markets": markets, "rows": rows}
    return render(request, "regulations/provisions/matrix.html", context)


def provision_map(request):
    form = ProvisionMapForm(request.GET)
    context = {"form": form, "questions": Question.objects.order_by("order")}
    if not form.is_valid():
        return invalid(request, form, "regulations/provisions/map.html", context)
    on = form.cleaned_data["on"] or timezone.localdate()
    question = form.cleaned_data["q"] or context["questions"].first()
    if question is not None:
        context |= {"on": on, "question": question, "map": question_map(question, on)}
    return render(request, "regulations/provisions/map.html", context)
