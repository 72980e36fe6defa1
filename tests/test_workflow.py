"""Curation through the admin as each role: draft -> in review -> published (and back), who may do what."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from regulations import models as m

from .factories import AssessmentFactory, RuleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def transition(client, rule, to_state):
    return client.post(reverse("admin:regulations_rule_transition", args=[rule.pk, to_state]), follow=True)


def new_rule_form(**overrides):
    data = {
        "title": "Vehicle Telemetry Act",
        "short_name": "VTA",
        "slug": "vehicle-telemetry-act",
        "citation": "Act 7/2026",
        "jurisdiction": m.Jurisdiction.objects.get(code="DE").pk,
        "instrument": "law",
        "applies_from": "2027-01-01",
        "summary": "A test act.",
        "seen_revision": "",
    }
    for prefix in ("requirements", "sources", "milestones", "outgoing_relations"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    data |= {
        "sources-TOTAL_FORMS": "1",
        "sources-0-url": "https://example.org/vta",
        "sources-0-language": "en",
        "sources-0-order": "0",
    }
    return data | overrides


def test_the_roles_exist_as_groups():
    groups = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert {"Curator", "Reviewer", "Analyst"} <= set(groups)
    assert "publish_rule" in groups["Reviewer"] and "publish_rule" not in groups["Curator"]
    assert "change_assessment" in groups["Analyst"] and "change_rule" not in groups["Analyst"]


def test_a_curator_drafts_and_submits_but_cannot_publish(curator):
    client = as_user(curator)
    response = client.post(reverse("admin:regulations_rule_add"), new_rule_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = m.Rule.objects.get(slug="vehicle-telemetry-act")
    assert rule.state == m.CurationState.DRAFT
    assert rule.history.first().history_user == curator

    transition(client, rule, "in_review")
    rule.refresh_from_db()
    assert rule.state == m.CurationState.IN_REVIEW
    move = rule.transitions.get()
    assert (move.from_state, move.to_state, move.by) == ("draft", "in_review", curator)
    assert move.at.date() == timezone.localdate()

    page = transition(client, rule, "published").content.decode()
    rule.refresh_from_db()
    assert rule.state == m.CurationState.IN_REVIEW
    assert "only a reviewer may publish" in page
    actions = client.get(reverse("admin:regulations_rule_changelist")).content.decode()
    assert 'value="submit_for_review"' in actions and 'value="publish"' not in actions


def test_a_reviewer_publishes_and_it_is_recorded(reviewer):
    rule = RuleFactory(state=m.CurationState.IN_REVIEW, last_reviewed_on=None)
    SourceFactory(rule=rule)
    transition(as_user(reviewer), rule, "published")
    rule.refresh_from_db()
    assert rule.state == m.CurationState.PUBLISHED
    assert rule.last_reviewed_on == timezone.localdate()
    assert rule.transitions.get().by == reviewer
    assert m.ChangeEvent.objects.filter(rule=rule, kind="published").exists()
    assert Client().get(f"/rules/{rule.slug}/").status_code == 200


def test_nothing_skips_review(reviewer):
    draft = RuleFactory(state=m.CurationState.DRAFT)
    page = transition(as_user(reviewer), draft, "published").content.decode()
    draft.refresh_from_db()
    assert draft.state == m.CurationState.DRAFT
    assert "cannot go from draft to published" in page


def test_a_reviewer_returns_a_published_rule_to_draft_and_it_leaves_the_site(reviewer, curator):
    rule = RuleFactory()
    assert transition(as_user(curator), rule, "draft").status_code == 200
    rule.refresh_from_db()
    assert rule.state == m.CurationState.PUBLISHED  # a curator may not unpublish
    transition(as_user(reviewer), rule, "draft")
    rule.refresh_from_db()
    assert rule.state == m.CurationState.DRAFT
    assert Client().get(f"/rules/{rule.slug}/").status_code == 404


def test_only_reviewers_change_published_content(curator, reviewer):
    rule = RuleFactory()
    url = reverse("admin:regulations_rule_change", args=[rule.pk])
    page = as_user(curator).get(url).content.decode()
    assert 'name="_save"' not in page  # read-only for a curator
    form = new_rule_form(title="Changed by a curator", slug=rule.slug, seen_revision=rule.revision)
    assert as_user(curator).post(url, form).status_code == 403
    assert 'name="_save"' in as_user(reviewer).get(url).content.decode()
    requirement_url = reverse("admin:regulations_requirement_add")
    data = {"rule": rule.pk, "key": "x-1", "kind": "obligation", "obligation": "Sneak in.", "order": 0}
    response = as_user(curator).post(requirement_url, data)
    assert response.status_code == 200 and not rule.requirements.filter(key="x-1").exists()


def test_an_analyst_records_assessments_but_not_rules(analyst):
    client = as_user(analyst)
    rule = RuleFactory(state=m.CurationState.DRAFT)
    assert client.get(reverse("admin:regulations_rule_change", args=[rule.pk])).status_code == 200  # may read
    assert client.post(reverse("admin:regulations_rule_change", args=[rule.pk]), new_rule_form()).status_code == 403
    assessment = AssessmentFactory()
    response = client.post(
        reverse("admin:regulations_assessment_change", args=[assessment.pk]),
        {
            "company": assessment.company.pk,
            "requirement": assessment.requirement.pk,
            "status": "gap",
            "assessed_on": "2026-11-20",
            "evidence": "Checked by the analyst.",
            "evidence_url": "",
            "visibility": "internal",
            "seen_revision": assessment.revision,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assessment.refresh_from_db()
    assert (assessment.status, assessment.assessed_by) == ("gap", analyst)


def test_editing_a_published_rules_dates_logs_the_change(reviewer):
    rule = RuleFactory()
    url = reverse("admin:regulations_rule_change", args=[rule.pk])
    form = new_rule_form(
        title=rule.title,
        slug=rule.slug,
        citation=rule.citation,
        jurisdiction=rule.jurisdiction.pk,
        applies_from="2021-06-01",
        applies_until="2030-01-01",
        seen_revision=rule.revision,
        **{"sources-TOTAL_FORMS": "0"},
    )
    response = as_user(reviewer).post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    kinds = set(m.ChangeEvent.objects.filter(rule=rule).values_list("kind", flat=True))
    assert kinds == {"dates_amended", "repealed"}
