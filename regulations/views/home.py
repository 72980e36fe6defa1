"""The front page: search, counts, jurisdictions, upcoming deadlines, recent legal events."""

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone

from regulations.events import recent_legal_events
from regulations.models import Company, Rule
from regulations.selectors import covered_jurisdictions, upcoming_deadlines

INTERNATIONAL = "Unions and treaties"


def by_region(jurisdictions) -> list[tuple[str, list]]:
    """Jurisdictions under their continent; unions and treaty bodies, which have none, last."""
    regions: dict[str, list] = {}
    for jurisdiction in jurisdictions:
        regions.setdefault(jurisdiction.region or "", []).append(jurisdiction)
    return sorted(((region or INTERNATIONAL, members) for region, members in regions.items()), key=region_order)


def region_order(group: tuple[str, list]) -> tuple[bool, str]:
    return group[0] == INTERNATIONAL, group[0]


def home(request):
    today = timezone.localdate()
    published = Rule.objects.published()
    jurisdictions = list(covered_jurisdictions())
    context = {
        "counts": {
            "rules": published.count(),
            "requirements": published.aggregate(total=Coalesce(Sum("requirement_count"), 0))["total"],
            "jurisdictions": len(jurisdictions),
            # The made-up firm that carries the illustrative sample is not a firm we track.
            "companies": Company.objects.filter(is_fictional=False).count(),
        },
        "regions": by_region(jurisdictions),
        "deadlines": upcoming_deadlines(published, today, limit=10),
        "recent": recent_legal_events(published, today, limit=8),
        "today": today,
    }
    return render(request, "regulations/home.html", context)
