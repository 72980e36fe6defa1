"""The front page: search, counts, jurisdictions, upcoming deadlines, recent changes."""

from django.shortcuts import render
from django.utils import timezone

from regulations.models import Company, Requirement, Rule
from regulations.selectors import covered_jurisdictions, upcoming_deadlines


def home(request):
    today = timezone.localdate()
    published = Rule.objects.published()
    jurisdictions = list(covered_jurisdictions())
    context = {
        "counts": {
            "rules": published.count(),
            "requirements": Requirement.objects.filter(rule__in=published).count(),
            "jurisdictions": len(jurisdictions),
            "companies": Company.objects.count(),
        },
        "jurisdictions": jurisdictions,
        "deadlines": upcoming_deadlines(published, today, limit=10),
        "recent": published.select_related("jurisdiction").order_by("-updated_at")[:8],
        "today": today,
    }
    return render(request, "regulations/home.html", context)
