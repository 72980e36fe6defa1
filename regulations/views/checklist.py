"""The checklist builder: a preview grouped by jurisdiction and rule, and every export format."""

from __future__ import annotations

from itertools import islice

from django.shortcuts import render
from django.utils import timezone

from regulations.applicability import Force
from regulations.checklist_index import topic_index
from regulations.checklists import ChecklistQuery, Layout, build_checklist
from regulations.exports import WRITERS
from regulations.forms import ChecklistForm
from regulations.models import Company, Jurisdiction, Topic, VehicleSituation
from regulations.views.exports import invalid, refuse_with, site_of, written

PREVIEW_LIMIT = 3000


def checklist_query(cleaned: dict, user) -> ChecklistQuery:
    return ChecklistQuery(
        applies_in=sorted(cleaned.get("applies_in") or [], key=lambda j: j.code),
        topics=list(cleaned.get("topic") or []),
        level=cleaned.get("level"),
        on=cleaned.get("on") or timezone.localdate(),
        vehicle=cleaned.get("vehicle") or VehicleSituation.NEW_TYPE,
        company=cleaned.get("company"),
        include_internal=user.is_staff,
        forces=[Force(force) for force in cleaned.get("force") or [Force.BINDING]],
        layout=cleaned.get("layout") or Layout.REQUIREMENT,
    )


def checklist(request):
    form = ChecklistForm(request.GET or None)
    context = {
        "form": form,
        "markets": Jurisdiction.objects.filter(rules__state="published").distinct().order_by("name"),
        "all_places": Jurisdiction.objects.places().only("code", "name"),
        "topics": Topic.objects.select_related("parent"),
        "companies": Company.objects.order_by("name"),
        "vehicles": VehicleSituation.choices,
    }
    if not form.is_bound:
        return render(request, "regulations/checklist/builder.html", context)
    if not form.is_valid():
        return invalid(request, form, "regulations/checklist/builder.html", context)
    result = build_checklist(checklist_query(form.cleaned_data, request.user), site=site_of(request))
    writer = WRITERS.get(form.cleaned_data.get("format") or "html")
    if writer:
        return written(writer, result, refuse_with(request, form, "regulations/checklist/builder.html", context))
    rows = list(islice(result.rows, PREVIEW_LIMIT + 1))
    groups = result.grouped(rows[:PREVIEW_LIMIT])
    context |= {
        "checklist": result,
        "groups": groups,
        "topic_index": topic_index(groups, context["topics"]),
        "truncated": len(rows) > PREVIEW_LIMIT,
        "row_count": min(len(rows), PREVIEW_LIMIT),
        "rule_count": len({(r["applies_in"], r["rule_title"]) for r in rows}),
        "query_string": request.GET.urlencode(),
    }
    return render(request, "regulations/checklist/builder.html", context)
