"""The checklist builder: a preview grouped by jurisdiction and rule, and every export format."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from regulations.checklist_index import topic_index
from regulations.checklists import ChecklistQuery, Layout, build_checklist
from regulations.exports import WRITERS
from regulations.force import Force
from regulations.forms import ChecklistForm
from regulations.models import Company, Jurisdiction, Topic, VehicleSituation
from regulations.views.exports import invalid, refuse_with, site_of, written

# The preview shows the first rows, enough to check a query and read a few rules (about 1 KB of
# HTML a row); the downloads hold every row. Its heading gives the full count, from the database.
PREVIEW_ROWS = 250


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
        "markets": Jurisdiction.objects.makers().order_by("name"),
        "all_places": Jurisdiction.objects.places().only("code", "name"),
        "topics": Topic.objects.select_related("parent"),
        "companies": Company.objects.order_by("name"),
        "vehicles": VehicleSituation.choices,
    }
    if not form.is_bound:
        return render(request, "regulations/checklist/builder.html", context)
    if not form.is_valid():
        return invalid(request, form, "regulations/checklist/builder.html", context)
    query = checklist_query(form.cleaned_data, request.user)
    writer = WRITERS.get(form.cleaned_data.get("format") or "html")
    if writer:
        result = build_checklist(query, site=site_of(request))
        return written(writer, result, refuse_with(request, form, "regulations/checklist/builder.html", context))
    result = build_checklist(query, site=site_of(request), limit=PREVIEW_ROWS + 1)
    rows = list(result.rows)
    shown = rows[:PREVIEW_ROWS]
    groups = result.grouped(shown)
    context |= {
        "checklist": result,
        "groups": groups,
        "topic_index": topic_index(groups, context["topics"]),
        "totals": result.totals(),
        "shown": len(shown),
        "shown_rules": sum(len(market.rules) for market in groups),
        "cut_in_rule": len(rows) > PREVIEW_ROWS and same_rule(rows[-2], rows[-1]),
        "query_string": request.GET.urlencode(),
    }
    return render(request, "regulations/checklist/builder.html", context)


def same_rule(row: dict, other: dict) -> bool:
    """Whether two rows sit under the same rule in the same market: the preview stopped inside that rule."""
    return (row["applies_in"], row["rule_title"]) == (other["applies_in"], other["rule_title"])
