"""Answers are curated like rules (issue 16): draft, review, publication by reviewers, history, no lost updates."""

import pytest
from django.urls import reverse

from regulations import models as m

from .factories import RequirementFactory, RuleFactory
from .test_workflow import as_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:regulations_answer_changelist")


@pytest.fixture
def requirement():
    return RequirementFactory(rule=RuleFactory(jurisdiction=m.Jurisdiction.objects.get(code="DE")))


def answer_form(requirement, **overrides):
    return {
        "question": m.Question.objects.get(slug="dcas-accepted").pk,
        "jurisdiction": requirement.rule.jurisdiction_id,
        "value": "yes",
        "explanation": "Approvals under UN R171 are accepted.",
        "rests_on": [requirement.pk],
        "internal_note": "",
        "seen_revision": "",
    } | overrides


def act(client, action, *answers):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [a.pk for a in answers]}, follow=True)


def test_a_curator_drafts_and_submits_and_a_reviewer_publishes(curator, reviewer, requirement):
    as_curator = as_user(curator)
    response = as_curator.post(reverse("admin:regulations_answer_add"), answer_form(requirement))
    assert response.status_code == 302, response.content.decode()[:2000]
    answer = m.Answer.objects.get(explanation="Approvals under UN R171 are accepted.")
    assert answer.state == m.CurationState.DRAFT and list(answer.rests_on.all()) == [requirement]

    act(as_curator, "submit_for_review", answer)
    answer.refresh_from_db()
    assert answer.state == m.CurationState.IN_REVIEW
    refused = act(as_curator, "publish", answer)
    answer.refresh_from_db()
    assert answer.state == m.CurationState.IN_REVIEW and refused.status_code in (200, 403)

    act(as_user(reviewer), "publish", answer)
    answer.refresh_from_db()
    assert answer.state == m.CurationState.PUBLISHED
    reasons = list(answer.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-2:] == ["Draft → In review", "In review → Published"]
    history = as_user(reviewer).get(reverse("admin:regulations_answer_history", args=[answer.pk]))
    assert history.status_code == 200 and "In review → Published" in history.content.decode()


def test_an_answer_resting_on_an_unpublished_rule_is_not_published(reviewer, requirement):
    requirement.rule.state = m.CurationState.IN_REVIEW
    requirement.rule.save()
    answer = m.Answer.objects.create(
        question=m.Question.objects.get(slug="dcas-accepted"),
        jurisdiction=requirement.rule.jurisdiction,
        value="yes",
        explanation="Accepted.",
        state=m.CurationState.IN_REVIEW,
    )
    answer.rests_on.set([requirement])
    page = act(as_user(reviewer), "publish", answer).content.decode()
    answer.refresh_from_db()
    assert answer.state == m.CurationState.IN_REVIEW
    assert "not published yet" in page


def test_an_answer_cites_only_its_own_jurisdictions_requirements(curator, requirement):
    france = m.Jurisdiction.objects.get(code="FR")
    response = as_user(curator).post(
        reverse("admin:regulations_answer_add"), answer_form(requirement, jurisdiction=france.pk)
    )
    assert response.status_code == 200
    assert "Not a requirement of France" in response.content.decode()
    assert not m.Answer.objects.filter(explanation="Approvals under UN R171 are accepted.").exists()


def test_a_published_answer_changes_only_in_a_reviewers_hands(curator, reviewer):
    answer = m.Answer.objects.published().filter(jurisdiction__code="DE").first()
    url = reverse("admin:regulations_answer_change", args=[answer.pk])
    form = as_user(curator).get(url).content.decode()
    assert 'name="explanation"' not in form  # read only for a curator
    assert 'name="explanation"' in as_user(reviewer).get(url).content.decode()


def test_a_stale_edit_is_refused_and_says_who_changed_what(reviewer, requirement):
    answer = m.Answer.objects.create(
        question=m.Question.objects.get(slug="dcas-accepted"),
        jurisdiction=requirement.rule.jurisdiction,
        value="yes",
        explanation="First words.",
    )
    answer.rests_on.set([requirement])
    url = reverse("admin:regulations_answer_change", args=[answer.pk])
    client = as_user(reviewer)
    seen = answer.revision
    first = client.post(url, answer_form(requirement, explanation="Second words.", seen_revision=seen))
    assert first.status_code == 302
    stale = client.post(url, answer_form(requirement, explanation="Lost words?", seen_revision=seen))
    assert stale.status_code == 200 and "Not saved" in stale.content.decode()
    answer.refresh_from_db()
    assert answer.explanation == "Second words."


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_real_transactions_a_move_locks_and_a_second_save_loses_nothing(reviewer, make_role_user):
    """Outside a test transaction, as in production: the workflow's row lock and the stale-form check."""
    other = make_role_user("Curator")
    other.groups.set(reviewer.groups.all())  # a second reviewer
    requirement = RequirementFactory(rule=RuleFactory(jurisdiction=m.Jurisdiction.objects.get(code="DE")))
    answer = m.Answer.objects.create(
        question=m.Question.objects.get(slug="dcas-accepted"),
        jurisdiction=requirement.rule.jurisdiction,
        value="yes",
        explanation="First words.",
        state=m.CurationState.IN_REVIEW,
    )
    answer.rests_on.set([requirement])
    url = reverse("admin:regulations_answer_change", args=[answer.pk])
    seen = answer.revision

    act(as_user(reviewer), "publish", answer)
    answer.refresh_from_db()
    assert answer.state == m.CurationState.PUBLISHED and answer.revision == seen + 1
    stale = as_user(other).post(
        url, answer_form(requirement, explanation="Opened before the move.", seen_revision=seen)
    )
    assert stale.status_code == 200 and "Not saved" in stale.content.decode()
    answer.refresh_from_db()
    assert answer.explanation == "First words." and answer.state == m.CurationState.PUBLISHED
