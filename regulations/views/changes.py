"""What changed in the law: the change log page, its Atom feed, and the deadline calendar.

The log and the feed show legal events dated by the law (``regulations.events``) and
the corrections reviewers made to our content, labelled as such; upcoming legal events
show apart, soonest first.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from icalendar import Calendar, Event

from regulations.events import event_rows, legal_events
from regulations.filters import ChangeFilter, DeadlineFilter
from regulations.models import Rule
from regulations.selectors import Deadline, milestone_text, upcoming_deadlines

PAGE_SIZE = 50
FEED_SIZE = 50
UPCOMING_SIZE = 20
CALENDAR_MONTHS = 60


def change_filter(request) -> ChangeFilter:
    return ChangeFilter(request.GET, queryset=Rule.objects.published())


def changes(request):
    filterset = change_filter(request)
    context = {"filter": filterset, "form": filterset.form, "page": None}
    if not filterset.is_valid():
        return render(request, "regulations/changes/list.html", context, status=400)
    today = timezone.localdate()
    page = Paginator(event_rows(filterset.qs, until=today), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = legal_events(page.object_list)
    upcoming = event_rows(filterset.qs, after=today, upcoming=True)[:UPCOMING_SIZE]
    context |= {
        "page": page,
        "upcoming": legal_events(upcoming) if page.number == 1 else [],
        "feed_query": request.GET.urlencode(),
        "today": today,
    }
    return render(request, "regulations/changes/list.html", context)


class ChangeFeed(Feed):
    """The change log as Atom, filterable like the page (jurisdiction, topic); nothing dated after today."""

    feed_type = Atom1Feed
    title = "Smart-vehicle compliance KB: what changed in the law"
    subtitle = (
        "Rules adopted, starting to apply, amended, repealed or ceasing to apply, dated by the law; "
        "and corrections to our content, dated when made."
    )
    author_name = "Smart-vehicle compliance KB"

    def get_object(self, request):
        return change_filter(request)

    def link(self, filterset):
        return reverse("regulations:changes")

    def items(self, filterset):
        return legal_events(event_rows(filterset.qs, until=timezone.localdate())[:FEED_SIZE])

    def item_title(self, item):
        return f"{item.label}: {item.rule}"

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return reverse("regulations:rule-detail", args=[item.rule.slug])

    def item_guid(self, item):
        return item.guid

    def item_pubdate(self, item):
        return item.when

    def item_updateddate(self, item):
        return item.when

    def item_categories(self, item):
        return [item.rule.jurisdiction.code, item.label]


def bad_request(filterset) -> HttpResponseBadRequest:
    """A plain-text 400 naming each bad parameter: what feed readers and calendar clients can show."""
    errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items())
    return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")


def change_feed(request):
    filterset = change_filter(request)
    if not filterset.is_valid():
        return bad_request(filterset)
    return ChangeFeed()(request)


def calendar_event(uid: str, stamp, day, rule: Rule, label: str, url: str) -> Event:
    event = Event()
    event.add("uid", f"{uid}@smart-vehicle-kb")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("summary", f"{rule} ({rule.jurisdiction.code}): {label}"[:250])
    event.add("description", f"{rule.title}\n{rule.citation}\n{label}")
    event.add("url", url)
    return event


def deadline_calendar(request):
    """Upcoming dates of application, requirement deadlines and milestones as iCalendar, to subscribe to.

    One event per milestone, whose UID names the rule and the milestone's key, so a
    corrected date moves the event in subscribers' calendars instead of adding one.
    """
    today = timezone.localdate()
    filterset = DeadlineFilter(request.GET, queryset=Rule.objects.published(), today=today)
    if not filterset.is_valid():
        return bad_request(filterset)
    calendar = Calendar()
    calendar.add("prodid", "-//Smart-vehicle compliance KB//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Smart-vehicle rules: upcoming dates")
    stamp = timezone.now()
    for deadline in upcoming_deadlines(filterset.qs, today, months=CALENDAR_MONTHS, markets=filterset.markets):
        rule = deadline.rule
        url = request.build_absolute_uri(reverse("regulations:rule-detail", args=[rule.slug]))
        if deadline.starts or deadline.requirements:  # the day's start and deadlines, its milestones apart
            rest = Deadline(deadline.date, rule, deadline.starts, deadline.requirements)
            keys = "-".join(r.key for r in deadline.requirements) or "applies"
            uid = f"{rule.slug}-{keys}-{deadline.date.isoformat()}"
            calendar.add_component(calendar_event(uid, stamp, deadline.date, rule, rest.label, url))
        for milestone in deadline.milestones:
            uid = f"{rule.slug}-milestone-{milestone.key}"  # no date in it: a corrected date moves the event
            label = milestone_text(milestone) + (f". {milestone.note}" if milestone.note else "")
            calendar.add_component(calendar_event(uid, stamp, milestone.date, rule, label, url))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response
