"""When each rule's facts were last checked, and by whom; the curators' queue (issue 12, item 4)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from regulations import models as m
from regulations.content.bundle import read_content
from regulations.content.entries import ContentError
from regulations.content.rules import DEFAULT_REVIEWER
from regulations.selectors import QUEUE_LIMIT
from regulations.services import TransitionRefused, rule_transition

from .admin_forms import logged_in
from .factories import JurisdictionFactory, RequirementFactory, RuleFactory, SourceFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:regulations_rule_curation")


def test_loaded_rules_record_when_and_by_whom_their_facts_were_checked():
    gdpr = m.Rule.objects.get(slug="eu-gdpr")
    assert gdpr.last_reviewed_on and gdpr.last_reviewed_by == DEFAULT_REVIEWER


def test_a_rule_may_carry_its_own_check(content_copy):
    with content_copy.edit("rules/eu.yaml") as data:
        data["rules"][0] |= {"checked_on": dt.date(2026, 11, 28), "checked_by": "A. Curator"}
    rules = read_content(content_copy.folder).rules
    own = next(rule for rule in rules if rule.slug == data["rules"][0]["slug"])
    other = next(rule for rule in rules if rule.origin == "eu.yaml" and rule is not own)
    assert (own.reviewed_on, own.reviewed_by) == (dt.date(2026, 11, 28), "A. Curator")
    assert (other.reviewed_on, other.reviewed_by) == (data["reviewed_on"], DEFAULT_REVIEWER)


def test_the_rule_page_says_when_and_by_whom_its_facts_were_checked(client):
    rule = RuleFactory(last_reviewed_on=dt.date(2026, 11, 20), last_reviewed_by="Li Wei")
    page = client.get(reverse("regulations:rule-detail", args=[rule.slug])).content.decode()
    assert "Facts checked against the official source" in page and "20 November 2026, by Li Wei" in page


def test_six_months_without_a_check_is_due(content_admin_client):
    today = timezone.localdate()
    stale = RuleFactory(last_reviewed_on=today - dt.timedelta(days=200))
    fresh = RuleFactory(last_reviewed_on=today - dt.timedelta(days=150))
    due = set(m.Rule.objects.due_for_review(today))
    assert stale in due and fresh not in due


def test_the_queue_lists_stale_checks_open_questions_and_unconfirmed_references(content_admin_client):
    today = timezone.localdate()
    stale = RuleFactory(last_reviewed_on=today - dt.timedelta(days=400), last_reviewed_by="Li Wei")
    aaland = JurisdictionFactory(code="AA", name="Aaland")  # listed first, by code
    open_rule = RuleFactory(
        state=m.CurationState.DRAFT, jurisdiction=aaland, internal_notes="QUEUE-OPEN: no date of application yet"
    )
    first = RuleFactory(jurisdiction=aaland)
    unconfirmed = RequirementFactory(rule=first, reference_checked=False, internal_note="QUEUE-CLAUSE: read Art. 9")
    response = content_admin_client.get(QUEUE)
    page = response.content.decode()
    assert response.status_code == 200
    assert stale in response.context["stale"] and "Li Wei" in page
    assert open_rule in response.context["open_rules"] and "QUEUE-OPEN" in page
    assert unconfirmed in response.context["unconfirmed"] and "QUEUE-CLAUSE" in page
    expected = m.Requirement.objects.filter(reference_checked=False, rule__state="published").count()
    assert response.context["unconfirmed_count"] == expected > QUEUE_LIMIT
    assert len(response.context["unconfirmed"]) == QUEUE_LIMIT  # bounded, with a link to the whole list
    assert "reference_checked__exact=0" in page


def test_the_queue_is_for_staff_only(client):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_rule_list_links_the_queue(content_admin_client):
    page = content_admin_client.get(reverse("admin:regulations_rule_changelist")).content.decode()
    assert QUEUE in page


def test_a_reviewer_records_a_check_signed_with_their_name(reviewer):
    reviewer.first_name, reviewer.last_name = "Ana", "Reviewer"
    reviewer.save()
    rule = m.Rule.objects.get(slug="eu-gdpr")
    response = logged_in(reviewer).post(
        reverse("admin:regulations_rule_changelist"), {"action": "mark_checked", "_selected_action": [rule.pk]}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.last_reviewed_on, rule.last_reviewed_by) == (timezone.localdate(), "Ana Reviewer")
    assert rule.history.first().history_change_reason == "Facts checked against the official source"


def test_a_curator_records_checks_of_drafts_only(curator):
    draft = RuleFactory(state=m.CurationState.DRAFT, last_reviewed_on=None)
    published = m.Rule.objects.get(slug="eu-gdpr")
    before = published.last_reviewed_on
    logged_in(curator).post(
        reverse("admin:regulations_rule_changelist"),
        {"action": "mark_checked", "_selected_action": [draft.pk, published.pk]},
    )
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.last_reviewed_on == timezone.localdate()
    assert published.last_reviewed_on == before


def test_publishing_signs_the_check(reviewer):
    draft = RuleFactory(state=m.CurationState.IN_REVIEW, last_reviewed_on=None)
    SourceFactory(rule=draft, official=True)
    rule_transition(rule=draft, to_state=m.CurationState.PUBLISHED, user=reviewer)
    draft.refresh_from_db()
    assert draft.last_reviewed_on == timezone.localdate() and draft.last_reviewed_by == reviewer.get_username()


def test_only_a_rule_with_an_official_source_is_published(reviewer):
    secondary_only = RuleFactory(state=m.CurationState.IN_REVIEW)
    SourceFactory(rule=secondary_only, official=False)
    with pytest.raises(TransitionRefused) as refused:
        rule_transition(rule=secondary_only, to_state=m.CurationState.PUBLISHED, user=reviewer)
    assert "it has no official source" in str(refused.value.problems)
    SourceFactory(rule=secondary_only, official=True)
    rule_transition(rule=secondary_only, to_state=m.CurationState.PUBLISHED, user=reviewer)


def test_every_published_rule_has_an_official_source():
    without = m.Rule.objects.published().exclude(sources__official=True)
    assert not without.exists(), list(without.values_list("slug", flat=True))


def test_the_content_check_refuses_a_published_rule_without_an_official_source(content_copy):
    with content_copy.edit("rules/eu.yaml") as data:
        gdpr = next(rule for rule in data["rules"] if rule["slug"] == "eu-gdpr")
        for source in gdpr["sources"]:
            source["official"] = False
    with pytest.raises(ContentError) as error:
        read_content(content_copy.folder)
    assert "a published rule needs an official source (official: true)" in str(error.value)
