"""The front page: search, counts, jurisdictions, upcoming deadlines, recent legal events."""

from django.shortcuts import render
from django.utils import timezone

from regulations.events import recent_legal_events
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
        "recent": recent_legal_events(published, today, limit=8),
        "today": today,
    }
    return render(request, "regulations/home.html", context)
