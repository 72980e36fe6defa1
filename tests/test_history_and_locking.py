"""History (who, what, when; compare any two versions; revert) and no lost updates between two curators."""

import re

import pytest
from django.urls import reverse

from .admin_forms import change_form, logged_in, save
from .factories import RequirementFactory, RuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewers(make_role_user):
    first = make_role_user("Reviewer")
    second = type(first).objects.create_user("second", "second@example.org", "a-long-test-password", is_staff=True)
    second.groups.set(first.groups.all())
    return first, second


def test_the_second_of_two_concurrent_saves_is_refused_and_nothing_is_lost(reviewers):
    alice, bob = reviewers
    rule = RuleFactory(title="Original title", summary="Original summary.")
    RequirementFactory(rule=rule)
    alice_client, bob_client = logged_in(alice), logged_in(bob)
    alice_form, bob_form = change_form(alice_client, rule), change_form(bob_client, rule)

    assert save(alice_client, rule, alice_form | {"title": "Alice's title"}).status_code == 302
    response = save(bob_client, rule, bob_form | {"summary": "Bob's summary."})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Not saved:" in page and f"{alice.username} changed it" in page
    assert "Original title → Alice&#x27;s title" in page or "Original title → Alice's title" in page
    assert "Bob&#x27;s summary." in page or "Bob's summary." in page  # his input stays on screen
    rule.refresh_from_db()
    assert (rule.title, rule.summary) == ("Alice's title", "Original summary.")


def test_a_fresh_form_after_reload_saves(reviewers):
    alice, bob = reviewers
    rule = RuleFactory(title="Original title")
    alice_client, bob_client = logged_in(alice), logged_in(bob)
    save(alice_client, rule, change_form(alice_client, rule) | {"title": "Alice's title"})
    assert save(bob_client, rule, change_form(bob_client, rule) | {"summary": "Bob again."}).status_code == 302
    rule.refresh_from_db()
    assert (rule.title, rule.summary) == ("Alice's title", "Bob again.")


def test_a_stale_requirement_edit_is_refused_too(reviewers):
    alice, bob = reviewers
    rule = RuleFactory()
    requirement = RequirementFactory(rule=rule, obligation="Original duty.")
    alice_client, bob_client = logged_in(alice), logged_in(bob)
    bob_form = change_form(bob_client, rule)
    url = reverse("admin:regulations_requirement_change", args=[requirement.pk])
    alice_data = {
        "rule": rule.pk,
        "key": requirement.key,
        "reference": requirement.reference,
        "kind": "obligation",
        "obligation": "Alice's duty.",
        "order": 0,
        "reference_checked": "on",
        "seen_revision": requirement.revision,
    }
    assert alice_client.post(url, alice_data).status_code == 302
    response = save(bob_client, rule, bob_form | {"requirements-0-obligation": "Bob's duty."})
    assert response.status_code == 200 and "Not saved:" in response.content.decode()
    requirement.refresh_from_db()
    assert requirement.obligation == "Alice's duty."


def test_history_shows_who_changed_what_and_when(reviewers):
    alice, _ = reviewers
    rule = RuleFactory(title="Before")
    client = logged_in(alice)
    save(client, rule, change_form(client, rule) | {"title": "After"})
    page = client.get(reverse("admin:regulations_rule_history", args=[rule.pk])).content.decode()
    assert alice.username in page
    assert "Before" in page and "After" in page


def test_any_two_versions_compare_field_by_field(reviewers):
    alice, _ = reviewers
    rule = RuleFactory(title="First", summary="One.")
    client = logged_in(alice)
    save(client, rule, change_form(client, rule) | {"title": "Second"})
    save(client, rule, change_form(client, rule) | {"summary": "Three."})
    versions = list(rule.history.order_by("history_date").values_list("history_id", flat=True))
    response = client.get(
        reverse("admin:regulations_rule_history_compare", args=[rule.pk]),
        {"older": versions[0], "newer": versions[-1]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"Title</th><td>First</td><td>Second</td>", page)
    assert re.search(r"Summary</th><td>One.</td><td>Three.</td>", page)


def test_a_past_version_can_be_restored(reviewers):
    alice, _ = reviewers
    rule = RuleFactory(title="Good title")
    client = logged_in(alice)
    save(client, rule, change_form(client, rule) | {"title": "Mistake"})
    good = rule.history.filter(title="Good title").order_by("history_date").last()
    url = reverse("admin:regulations_rule_simple_history", args=[rule.pk, good.history_id])
    page = client.get(url).content.decode()
    assert "Good title" in page
    rule.refresh_from_db()
    data = change_form(client, rule)  # the current revision, so the revert is not stale
    restored = {**data, "title": "Good title"}
    response = client.post(url, restored)
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert rule.title == "Good title"
    assert rule.history.first().history_user == alice
