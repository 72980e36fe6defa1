"""What changed (page and Atom feed), the deadline calendar, the sitemap and review hygiene."""

import datetime as dt
import io
import re
from urllib.parse import parse_qsl, urlsplit

import feedparser
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from regulations import models as m
from regulations import sitemaps
from regulations.services import record_new_requirements, record_rule_changes, rule_transition

from .factories import RequirementFactory, RuleFactory, SourceFactory

LOC = re.compile(r"<loc>([^<]+)</loc>")

pytestmark = pytest.mark.django_db


TODAY = dt.date(2026, 11, 29)


def page_events(client, **params) -> list:
    return list(client.get(reverse("regulations:changes"), params).context["page"])


def find(events, slug: str, kind: str):
    return [event for event in events if event.rule.slug == slug and event.kind == kind]


def test_loading_the_reference_content_is_not_news(client):
    """A fresh install records no change events: loading content is not a change in the law."""
    assert not m.ChangeEvent.objects.exists()
    call_command("load_reference", sync=True, verbosity=0)
    assert not m.ChangeEvent.objects.exists()
    page = client.get(reverse("regulations:changes")).content.decode()
    assert "added to the knowledge base" not in page
    assert not [event for event in page_events(client) if event.is_correction]


def test_the_change_log_shows_legal_events_dated_by_the_law(client):
    events = page_events(client, jurisdiction="eu", topic="personal-data")
    assert [e.day for e in find(events, "eu-gdpr", "applies")] == [dt.date(2018, 5, 25)]
    assert [e.day for e in find(events, "eu-gdpr", "adopted")] == [dt.date(2016, 4, 27)]
    assert all(event.day <= timezone.localdate() for event in events)
    assert [e.day for e in events] == sorted((e.day for e in events), reverse=True)  # newest first
    page = client.get(reverse("regulations:changes"), {"jurisdiction": "eu", "topic": "personal-data"}).content.decode()
    assert "Starts to apply" in page and "25 May 2018" in page


def test_upcoming_legal_events_show_as_upcoming(client):
    response = client.get(reverse("regulations:changes"), {"jurisdiction": "eu"})
    upcoming = list(response.context["upcoming"])
    cra = find(upcoming, "eu-cra-2024-2847", "applies")
    assert [e.day for e in cra] == [dt.date(2027, 12, 11)]
    assert all(event.day > timezone.localdate() for event in upcoming)
    assert [e.day for e in upcoming] == sorted(e.day for e in upcoming)  # soonest first
    assert not find(list(response.context["page"]), "eu-cra-2024-2847", "applies")
    assert "Coming up" in response.content.decode()


def test_a_repeal_is_dated_by_its_end_date_and_names_the_repealing_rule(client):
    repeal = find(page_events(client, jurisdiction="vn"), "vn-decree-13-2023", "repealed")
    assert [(e.day, e.other.slug) for e in repeal] == [(dt.date(2026, 1, 1), "vn-pdpl-91-2025")]
    assert "repealed by Viet Nam PDP Law" in repeal[0].summary


def test_an_amendment_is_dated_by_the_amending_rule(client):
    amended = find(page_events(client, jurisdiction="cn"), "cn-outbound-assessment", "amended")
    assert [(e.day, e.other.slug) for e in amended] == [(dt.date(2024, 3, 22), "cn-cross-border-flows-2024")]


@pytest.fixture
def corrections(reviewer):
    """A rule published by a reviewer, then its dates corrected, a requirement added and a repeal recorded."""
    germany = m.Jurisdiction.objects.get(code="DE")
    rule = RuleFactory(
        jurisdiction=germany, state=m.CurationState.IN_REVIEW, topics=[m.Topic.objects.get(slug="cybersecurity")]
    )
    SourceFactory(rule=rule)
    rule_transition(rule=rule, to_state=m.CurationState.PUBLISHED, user=reviewer)
    rule.refresh_from_db()
    before = {"applies_from": rule.applies_from, "applies_until": None, "adopted_on": rule.adopted_on}
    rule.applies_from, rule.applies_until = dt.date(2021, 6, 1), dt.date(2031, 1, 1)
    rule.save()
    record_rule_changes(before=before, rule=rule, user=reviewer)
    record_new_requirements(requirements=[RequirementFactory(rule=rule, reference="Art. 12")], user=reviewer)
    return rule


def test_reviewed_corrections_are_labelled_as_such_and_dated_when_made(client, corrections):
    events = [e for e in page_events(client, jurisdiction="de") if e.rule.pk == corrections.pk]
    made = [e for e in events if e.is_correction]
    assert {e.change.kind for e in made} == {"published", "dates_amended", "repealed", "requirement_added"}
    assert {e.day for e in made} == {timezone.localdate()}
    legal = {(e.kind, e.day) for e in events if not e.is_correction}
    assert legal == {("adopted", corrections.adopted_on), ("applies", dt.date(2021, 6, 1))}
    page = client.get(reverse("regulations:changes"), {"jurisdiction": "de"}).content.decode()
    assert "Correction to our content" in page and "New requirement in" in page


def test_changes_filter_by_jurisdiction_and_topic(client, corrections):
    japan = page_events(client, jurisdiction="jp")
    assert japan and all(event.rule.jurisdiction.code == "JP" for event in japan)
    cyber = page_events(client, topic="cybersecurity", jurisdiction="de")
    assert corrections.pk in {event.rule.pk for event in cyber}
    trade = page_events(client, topic="trade-remedies")
    assert corrections.pk not in {event.rule.pk for event in trade}


def test_the_change_log_is_paginated(client):
    first = client.get(reverse("regulations:changes")).context["page"]
    second = client.get(reverse("regulations:changes"), {"page": 2}).context["page"]
    assert len(first) == 50 and second.number == 2
    assert {e.guid for e in first}.isdisjoint({e.guid for e in second})


def test_the_atom_feed_validates_with_stable_ids_dated_by_the_law(client, corrections):
    response = client.get(reverse("regulations:changes-feed"), {"jurisdiction": "de"})
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title and feed.feed.id and feed.feed.updated
    assert feed.feed.author  # entries inherit the feed's author, as Atom allows
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    correction = next(e for e in feed.entries if e.id.endswith(f"#change-{corrections.change_events.first().pk}"))
    assert correction.title.startswith("Correction to our content")
    starts = next(e for e in feed.entries if e.id.endswith(f"/rules/{corrections.slug}/#applies-2021-06-01"))
    assert starts.updated.startswith("2021-06-01")
    assert all(e.updated[:10] <= timezone.localdate().isoformat() for e in feed.entries)
    again = feedparser.parse(client.get(reverse("regulations:changes-feed"), {"jurisdiction": "de"}).content)
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]
    eu_data = {"jurisdiction": "eu", "topic": "personal-data"}
    eu = feedparser.parse(client.get(reverse("regulations:changes-feed"), eu_data).content)
    assert "Starts to apply: GDPR" in {e.title for e in eu.entries}


def test_the_home_page_shows_recent_legal_events_dated_by_the_law(client):
    response = client.get(reverse("regulations:home"))
    recent = list(response.context["recent"])
    assert len(recent) == 8
    assert all(not event.is_correction and event.day <= timezone.localdate() for event in recent)
    assert [e.day for e in recent] == sorted((e.day for e in recent), reverse=True)
    page = response.content.decode()
    assert "Recent legal events" in page
    assert f"changed {timezone.localdate():%-d %b %Y}" not in page


def test_bad_feed_and_calendar_filters_are_400(client):
    assert client.get(reverse("regulations:changes-feed"), {"jurisdiction": "xx"}).status_code == 400
    assert client.get(reverse("regulations:deadlines-ics"), {"applies_in": "zz"}).status_code == 400
    assert client.get(reverse("regulations:deadlines-ics"), {"topic": "astrology"}).status_code == 400
    assert client.get(reverse("regulations:changes"), {"topic": "astrology"}).status_code == 400


def test_the_deadline_calendar_is_icalendar_filtered_by_market_and_topic(client):
    soon = timezone.localdate() + dt.timedelta(days=90)
    rule = RuleFactory(
        jurisdiction=m.Jurisdiction.objects.get(code="FR"),
        applies_from=soon,
        topics=[m.Topic.objects.get(slug="cybersecurity")],
    )
    RequirementFactory(rule=rule, deadline=soon + dt.timedelta(days=30), reference="Art. 3")
    response = client.get(reverse("regulations:deadlines-ics"), {"applies_in": "fr", "topic": "data-security"})
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = [c for c in calendar.walk("VEVENT") if rule.slug in str(c.get("uid"))]
    assert {e.decoded("dtstart") for e in events} == {soon, soon + dt.timedelta(days=30)}
    assert all(e.get("url").endswith(f"/rules/{rule.slug}/") for e in events)
    elsewhere = Calendar.from_ical(client.get(reverse("regulations:deadlines-ics"), {"applies_in": "jp"}).content)
    assert not [c for c in elsewhere.walk("VEVENT") if rule.slug in str(c.get("uid"))]
    other_topic = client.get(reverse("regulations:deadlines-ics"), {"applies_in": "fr", "topic": "trade-remedies"})
    assert rule.slug not in other_topic.content.decode()


def sitemap_addresses(client) -> list[str]:
    """Every address of every page of every section the sitemap index lists."""
    addresses = []
    for section in LOC.findall(client.get("/sitemap.xml").content.decode()):
        address = urlsplit(section)
        page = client.get(address.path, dict(parse_qsl(address.query)))
        assert page.status_code == 200, section
        addresses += LOC.findall(page.content.decode())
    return addresses


def test_the_sitemap_lists_published_pages_only(client):
    draft = RuleFactory(state=m.CurationState.DRAFT)
    RequirementFactory(rule=draft)
    page = "\n".join(sitemap_addresses(client))
    assert "/rules/eu-gdpr/" in page and "/jurisdictions/de/" in page and "/companies/byd/" in page
    assert "/rules/eu-gdpr/requirements/art-27/" in page
    assert f"/rules/{draft.slug}/" not in page  # neither the rule nor its requirements


def test_the_sitemap_is_an_index_of_bounded_pages(client, monkeypatch):
    monkeypatch.setattr(sitemaps.PagedSitemap, "limit", 50)
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-requirements.xml?p=2" in index and "/sitemap-rules.xml?p=2" in index
    assert client.get("/sitemap-rules.xml").content.decode().count("<loc>") == 50
    pages = LOC.findall(client.get("/sitemap.xml").content.decode())
    requirement_pages = [page for page in pages if "/sitemap-requirements.xml" in page]
    for page in requirement_pages:  # by ranges of ids: at most 50, fewer where drafts' requirements were left out
        address = urlsplit(page)
        assert client.get(address.path, dict(parse_qsl(address.query))).content.decode().count("<loc>") <= 50
    addresses = sitemap_addresses(client)
    assert len(addresses) == len(set(addresses))
    published = m.Requirement.objects.filter(rule__state=m.CurationState.PUBLISHED).count()
    assert sum("/requirements/" in address for address in addresses) == published
    assert client.get("/sitemap-rules.xml", {"p": 999}).status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_stale_reviews_are_listed_in_the_admin_and_by_command(content_admin_client):
    stale = RuleFactory(last_reviewed_on=timezone.localdate() - dt.timedelta(days=400))
    fresh = RuleFactory(last_reviewed_on=timezone.localdate() - dt.timedelta(days=30))
    response = content_admin_client.get(reverse("admin:regulations_rule_changelist"), {"review": "overdue"})
    listed = {rule.pk for rule in response.context["cl"].result_list}
    assert stale.pk in listed and fresh.pk not in listed
    out = io.StringIO()
    call_command("rules_due_for_review", stdout=out)
    text = out.getvalue()
    assert stale.slug in text and fresh.slug not in text
    assert text.splitlines()[0].startswith(f"{m.Rule.objects.due_for_review(timezone.localdate()).count()} published")
