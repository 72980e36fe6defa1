"""What changed (page and Atom feed), the deadline calendar, the sitemap and review hygiene."""

import datetime as dt
import io

import feedparser
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from regulations import models as m
from regulations.services import record_new_requirements, record_rule_changes, rule_transition

from .factories import RequirementFactory, RuleFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(reviewer):
    """A rule published, then amended, given a new requirement and a repeal date."""
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


def test_changes_lists_published_changes_newest_first(client, events):
    response = client.get(reverse("regulations:changes"), {"jurisdiction": "de"})
    kinds = [(c.kind, c.rule_id) for c in response.context["page"] if c.rule_id == events.pk]
    assert [kind for kind, _ in kinds] == ["requirement_added", "dates_amended", "repealed", "published"] or [
        kind for kind, _ in kinds
    ] == ["requirement_added", "repealed", "dates_amended", "published"]
    page = response.content.decode()
    assert "New requirement in" in page and "date of application" in page and "Repeal" in page


def test_changes_filter_by_jurisdiction_and_topic(client, events):
    assert events.change_events.exists()
    japan = client.get(reverse("regulations:changes"), {"jurisdiction": "jp"}).context["page"]
    assert all(change.rule.jurisdiction.code == "JP" for change in japan)
    cyber = client.get(reverse("regulations:changes"), {"topic": "cybersecurity"}).context["page"]
    assert events.pk in {change.rule_id for change in cyber}
    personal = client.get(reverse("regulations:changes"), {"topic": "trade-remedies"}).context["page"]
    assert events.pk not in {change.rule_id for change in personal}


def test_the_atom_feed_validates(client, events):
    response = client.get(reverse("regulations:changes-feed"), {"jurisdiction": "de"})
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title and feed.feed.id and feed.feed.updated
    entry = next(e for e in feed.entries if events.slug in e.link)
    assert entry.id.endswith(f"#change-{events.change_events.first().pk}") or "#change-" in entry.id
    assert entry.title and entry.updated and entry.summary
    assert feed.feed.author  # entries inherit the feed's author, as Atom allows
    assert len({e.id for e in feed.entries}) == len(feed.entries)


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


def test_the_sitemap_lists_published_pages_only(client):
    draft = RuleFactory(state=m.CurationState.DRAFT)
    RequirementFactory(rule=draft)
    page = client.get("/sitemap.xml").content.decode()
    assert "/rules/eu-gdpr/" in page and "/jurisdictions/de/" in page and "/companies/byd/" in page
    assert "/rules/eu-gdpr/requirements/art-27/" in page
    assert f"/rules/{draft.slug}/" not in page  # neither the rule nor its requirements


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
