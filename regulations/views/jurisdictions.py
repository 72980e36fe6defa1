"""Jurisdiction directory, country profiles and side-by-side comparison."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from regulations import comparison
from regulations.checklists import build_checklist, data_version
from regulations.comparison import compare_query
from regulations.exports import WRITERS, TooLargeForPdf
from regulations.exports import pdf as pdf_export
from regulations.forms import CompareForm, ProfileForm
from regulations.listings import researched_places
from regulations.models import Jurisdiction, Question, VehicleSituation
from regulations.printing import pdf_response, render_pdf
from regulations.profiles import profile
from regulations.provisions.layout import COVERAGE_LEGEND, coverage_map, market_answers, matrix_rows
from regulations.views.exports import invalid, refuse_with, site_of, written

# A profile's page lists this many rules a group (a domain's binding rules, the recognised, ...),
# each group with its full count and a link to the rule list of all of them; the PDF lists all.
GROUP_RULES = 12


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
        "coverage_map": coverage_map(covered),
        "coverage_legend": COVERAGE_LEGEND,
    }
    return render(request, "regulations/jurisdictions/list.html", context)


def jurisdiction_detail(request, code: str):
    """A market profile on a day; ``format=pdf`` downloads the same profile as an A4 PDF."""
    jurisdiction = get_object_or_404(Jurisdiction.objects.select_related("parent"), code=code.upper())
    form = ProfileForm(request.GET)
    if not form.is_valid():
        context = {"jurisdiction": jurisdiction, "form": form}
        return render(request, "regulations/jurisdictions/detail.html", context, status=400)
    on = form.cleaned_data["on"] or timezone.localdate()
    context = {"form": form, **profile(jurisdiction, on, limit=GROUP_RULES)}
    context["answers"] = market_answers(jurisdiction, on)
    if form.cleaned_data["format"] == "pdf":
        return profile_pdf(request, context)
    return render(request, "regulations/jurisdictions/detail.html", context)


def profile_pdf(request, page: dict):
    """The profile as a PDF, every rule listed; or a 400 on the page when there are too many to lay out."""
    if page["rule_count"] > pdf_export.MAX_PDF_RULES:
        page["form"].add_error("format", TooLargeForPdf.profile_message())
        return render(request, "regulations/jurisdictions/detail.html", page, status=400)
    context = profile(page["jurisdiction"], page["on"]) | {
        "generated_at": timezone.now(),
        "data_version": data_version(),
        "answers": page["answers"],
    }
    data = render_pdf("regulations/pdf/profile.html", context, site_of(request))
    on = context["on"].isoformat()
    return pdf_response(data, f"profile-{context['jurisdiction'].code.lower()}-{on}.pdf")


def compare(request):
    """Markets side by side, topic by topic: the requirements in each, their force and dates; exports too."""
    form = CompareForm(request.GET)
    valid = form.is_valid()
    selected = form.ticked_codes()
    makers = Jurisdiction.objects.makers().values("pk")
    candidates = list(Jurisdiction.objects.filter(Q(pk__in=makers) | Q(code__in=selected)).order_by("name"))
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
        questions = list(Question.objects.select_related("topic__parent"))
        context |= {"markets": chosen, "rows": matrix_rows(chosen, questions, on)}
    return render(request, "regulations/jurisdictions/compare.html", context)
