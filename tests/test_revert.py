"""Reverting to an old version goes through the same doors as an ordinary save.

Permission checks (only reviewers change what is published; view-only users change
nothing), the workflow (a revert never moves a rule between draft, review and
published: only a transition does), the lost-update check and the change log.
"""

import datetime as dt
import threading

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection, transaction
from django.urls import reverse

from regulations import models as m
from regulations.services import rule_transition

from .admin_forms import change_form, logged_in, revert_form, revert_url, save
from .factories import (
    AssessmentFactory,
    MilestoneFactory,
    RequirementFactory,
    RequirementMappingFactory,
    RuleFactory,
    RuleRelationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def oldest(obj):
    return obj.history.order_by("history_date", "history_id").first()


def edited_rule(reviewer, **fields):
    """A published rule a reviewer has edited once, so it has an older version to go back to."""
    rule = RuleFactory(title="Old title", **fields)
    client = logged_in(reviewer)
    assert save(client, rule, change_form(client, rule) | {"title": "New title"}).status_code == 302
    rule.refresh_from_db()
    return rule


def test_a_view_only_user_cannot_revert(reviewer, analyst):
    rule = edited_rule(reviewer)
    client = logged_in(analyst)
    version = oldest(rule)
    page = client.get(revert_url(rule, version))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # no revert button
    data = {"title": "Old title", "summary": rule.summary, "seen_revision": rule.revision}
    assert client.post(revert_url(rule, version), data).status_code == 403
    rule.refresh_from_db()
    assert rule.title == "New title"


def test_a_curator_cannot_revert_a_published_rule(reviewer, curator):
    rule = edited_rule(reviewer)
    version = oldest(rule)
    data = revert_form(logged_in(reviewer), rule, version)  # what the form holds, posted by a curator
    assert logged_in(curator).post(revert_url(rule, version), data).status_code == 403
    rule.refresh_from_db()
    assert (rule.title, rule.state) == ("New title", m.CurationState.PUBLISHED)


def test_reverting_a_published_rule_to_its_draft_keeps_it_published(reviewer):
    rule = RuleFactory(title="Draft title", state=m.CurationState.DRAFT)
    SourceFactory(rule=rule)
    rule_transition(rule=rule, to_state=m.CurationState.IN_REVIEW, user=reviewer)
    rule_transition(rule=rule, to_state=m.CurationState.PUBLISHED, user=reviewer)
    rule.refresh_from_db()
    before = rule.revision
    client = logged_in(reviewer)
    draft = oldest(rule)
    assert draft.state == m.CurationState.DRAFT

    response = client.post(revert_url(rule, draft), revert_form(client, rule, draft))

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.state == m.CurationState.PUBLISHED
    assert rule.revision == before + 1
    assert rule.transitions.count() == 2  # no workflow step was made or undone


def test_reverting_an_unpublished_rule_to_its_published_version_keeps_it_a_draft(reviewer, curator):
    rule = RuleFactory(title="Published title")
    rule_transition(rule=rule, to_state=m.CurationState.DRAFT, user=reviewer)  # a reviewer unpublished it
    client = logged_in(curator)
    published = oldest(rule)
    assert published.state == m.CurationState.PUBLISHED

    response = client.post(revert_url(rule, published), revert_form(client, rule, published))

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.state == m.CurationState.DRAFT
    assert not m.ChangeEvent.objects.filter(rule=rule).exists()


def test_unreviewed_requirement_text_cannot_be_published_by_reverting(reviewer, curator):
    """The observed attack: revert to a draft version, edit, revert back to the published one."""
    rule = RuleFactory(state=m.CurationState.DRAFT)
    SourceFactory(rule=rule)
    requirement = RequirementFactory(rule=rule, obligation="Reviewed duty.")
    rule_transition(rule=rule, to_state=m.CurationState.IN_REVIEW, user=reviewer)
    rule_transition(rule=rule, to_state=m.CurationState.PUBLISHED, user=reviewer)
    client = logged_in(curator)
    draft = oldest(rule)

    assert client.post(revert_url(rule, draft), revert_form(logged_in(reviewer), rule, draft)).status_code == 403
    version = oldest(requirement)
    data = revert_form(logged_in(reviewer), requirement, version) | {"obligation": "Unreviewed duty."}
    assert client.post(revert_url(requirement, version), data).status_code == 403

    rule.refresh_from_db()
    requirement.refresh_from_db()
    assert (rule.state, requirement.obligation) == (m.CurationState.PUBLISHED, "Reviewed duty.")


def test_a_revert_is_recorded_like_any_save(reviewer):
    rule = RuleFactory(applies_from=dt.date(2024, 7, 1))
    client = logged_in(reviewer)
    assert save(client, rule, change_form(client, rule) | {"applies_from": "2025-01-01"}).status_code == 302
    rule.refresh_from_db()
    before = rule.revision
    version = oldest(rule)

    response = client.post(revert_url(rule, version), revert_form(client, rule, version))

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.applies_from == dt.date(2024, 7, 1)
    assert rule.revision == before + 1
    latest = rule.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == reviewer
    assert latest.history_change_reason.startswith("Reverted to the version of ")
    event = m.ChangeEvent.objects.filter(rule=rule, kind=m.ChangeKind.DATES_AMENDED).latest("at")
    assert "1 January 2025 → 1 July 2024" in event.summary
    assert LogEntry.objects.filter(object_id=str(rule.pk), user=reviewer).count() == 2


def test_a_stale_revert_is_refused_and_overwrites_nothing(reviewer, make_role_user):
    rule = edited_rule(reviewer)
    other = make_role_user("Curator")
    other.groups.set(reviewer.groups.all())
    version = oldest(rule)
    client = logged_in(reviewer)
    opened = revert_form(client, rule, version)
    other_client = logged_in(other)
    assert save(other_client, rule, change_form(other_client, rule) | {"summary": "Meanwhile."}).status_code == 302

    response = client.post(revert_url(rule, version), opened)

    assert response.status_code == 200
    assert "Not saved:" in response.content.decode()
    rule.refresh_from_db()
    assert (rule.title, rule.summary) == ("New title", "Meanwhile.")


def make_requirement(rule):
    return RequirementFactory(rule=rule)


def make_source(rule):
    return SourceFactory(rule=rule)


def make_relation(rule):
    return RuleRelationFactory(from_rule=rule)


def make_milestone(rule):
    return MilestoneFactory(rule=rule)


def make_mapping(rule):
    return RequirementMappingFactory(from_requirement=RequirementFactory(rule=rule))


def make_assessment(rule):
    return AssessmentFactory(requirement=RequirementFactory(rule=rule))


@pytest.mark.parametrize(
    ("make", "role"),
    [
        (make_requirement, "Curator"),  # a published rule's parts change only in a reviewer's hands
        (make_source, "Curator"),
        (make_relation, "Curator"),
        (make_milestone, "Curator"),
        (make_requirement, "Analyst"),  # view-only
        (make_source, "Analyst"),
        (make_relation, "Analyst"),
        (make_milestone, "Analyst"),
        (make_mapping, "Analyst"),
        (make_assessment, "Curator"),  # curators only read assessments
    ],
)
def test_every_model_with_history_checks_the_change_permission_on_revert(make, role, reviewer, make_role_user):
    obj = make(RuleFactory())
    version = oldest(obj)
    data = revert_form(logged_in(reviewer), obj, version)
    before = type(obj).objects.filter(pk=obj.pk).values().get()
    user = make_role_user(role)

    assert logged_in(user).post(revert_url(obj, version), data).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).values().get() == before


@pytest.mark.parametrize(
    ("make", "role"),
    [
        (make_requirement, "Reviewer"),
        (make_source, "Reviewer"),
        (make_relation, "Reviewer"),
        (make_milestone, "Reviewer"),
        (make_mapping, "Reviewer"),
        (make_assessment, "Analyst"),
    ],
)
def test_whoever_may_change_a_model_with_history_may_revert_it(make, role, make_role_user):
    obj = make(RuleFactory())
    version = oldest(obj)
    client = logged_in(make_role_user(role))
    response = client.post(revert_url(obj, version), revert_form(client, obj, version))
    assert response.status_code == 302
    if hasattr(obj, "revision"):
        before = obj.revision
        obj.refresh_from_db()
        assert obj.revision == before + 1
    assert obj.history.count() == 2


@pytest.mark.parametrize(
    "path",
    [
        "/admin/regulations/rule/abc/history/",
        "/admin/regulations/rule/abc/history/1/",
        "/admin/regulations/rule/{pk}/history/abc/",
        "/admin/regulations/rule/{pk}/history/999999999/",
        "/admin/regulations/rule/abc/history/compare/?older=1&newer=2",
        "/admin/regulations/rule/{pk}/history/compare/?older=abc&newer=1",
        "/admin/regulations/rule/{pk}/history/compare/",
        "/admin/regulations/requirement/x%00y/history/",
    ],
)
def test_malformed_ids_in_history_pages_are_404(path, reviewer):
    rule = RuleFactory()
    assert logged_in(reviewer).get(path.format(pk=rule.pk)).status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_revert_saves_with_real_transactions(reviewer):
    """Outside a test transaction, as in production: the row lock needs the revert's own transaction."""
    rule = edited_rule(reviewer)
    version = oldest(rule)
    client = logged_in(reviewer)
    edited = revert_form(client, rule, version) | {"summary": "Edited while reverting."}
    response = client.post(revert_url(rule, version), edited)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.title, rule.summary) == ("Old title", "Edited while reverting.")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_saves_with_real_transactions_do_not_lose_an_update(reviewer, make_role_user):
    other = make_role_user("Curator")
    other.groups.set(reviewer.groups.all())
    rule = RuleFactory(title="Original title", summary="Original summary.")
    first, second = logged_in(reviewer), logged_in(other)
    first_form, second_form = change_form(first, rule), change_form(second, rule)
    assert save(first, rule, first_form | {"title": "First title"}).status_code == 302
    response = save(second, rule, second_form | {"summary": "Second summary."})
    assert response.status_code == 200 and "Not saved:" in response.content.decode()
    rule.refresh_from_db()
    assert (rule.title, rule.summary) == ("First title", "Original summary.")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite serialises writers")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_waits_for_a_concurrent_one_then_is_refused(reviewer):
    """One save holds the rule's row lock; a revert arriving meanwhile waits for it, then sees it is stale."""
    rule = edited_rule(reviewer)
    version = oldest(rule)
    client = logged_in(reviewer)
    opened = revert_form(client, rule, version)
    locked, release = threading.Event(), threading.Event()

    def concurrent_save():
        try:
            with transaction.atomic():
                held = m.Rule.objects.select_for_update().get(pk=rule.pk)
                held.summary, held.revision = "Saved meanwhile.", held.revision + 1
                held.save(update_fields=["summary", "revision"])
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=concurrent_save)
    worker.start()
    assert locked.wait(10)
    responses = []

    def revert():
        try:
            responses.append(client.post(revert_url(rule, version), opened))
        finally:
            connection.close()

    reverting = threading.Thread(target=revert)
    reverting.start()
    reverting.join(0.5)
    assert reverting.is_alive(), "the revert did not wait for the row lock"
    release.set()
    worker.join(10)
    reverting.join(10)

    assert responses[0].status_code == 200 and "Not saved:" in responses[0].content.decode()
    rule.refresh_from_db()
    assert (rule.title, rule.summary) == ("New title", "Saved meanwhile.")


def test_the_history_page_links_each_version_to_its_revert_form(reviewer):
    rule = edited_rule(reviewer)
    page = logged_in(reviewer).get(reverse("admin:regulations_rule_history", args=[rule.pk])).content.decode()
    assert revert_url(rule, oldest(rule)) in page


def test_a_revert_brings_back_the_topics_of_the_version(reviewer):
    first, second = m.Topic.objects.order_by("pk")[:2]
    rule = RuleFactory(topics=[first])
    rule.history.all().delete()
    m.Rule.objects.get(pk=rule.pk).save()  # a version that records the topics as they are now
    client = logged_in(reviewer)
    data = change_form(client, rule) | {"topics": [str(second.pk)]}
    assert save(client, rule, data).status_code == 302
    version = oldest(rule)

    assert client.post(revert_url(rule, version), revert_form(client, rule, version)).status_code == 302
    assert list(rule.topics.all()) == [first]
