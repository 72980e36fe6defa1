"""Curator admin: every model registered, pages in a fixed number of queries, anonymous users sent away."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regulations import models as m

from . import factories as f

pytestmark = pytest.mark.django_db

FACTORIES = {
    m.Jurisdiction: f.JurisdictionFactory,
    m.Membership: f.MembershipFactory,
    m.Coverage: f.CoverageFactory,
    m.Authority: f.AuthorityFactory,
    m.Topic: f.TopicFactory,
    m.Rule: f.RuleFactory,
    m.Requirement: f.RequirementFactory,
    m.Source: f.SourceFactory,
    m.RuleRelation: f.RuleRelationFactory,
    m.Milestone: f.MilestoneFactory,
    m.Company: f.CompanyFactory,
    m.Market: f.MarketFactory,
    m.PublicRecord: f.PublicRecordFactory,
    m.Assessment: f.AssessmentFactory,
    m.RequirementMapping: f.RequirementMappingFactory,
    m.RegulationApplication: f.RegulationApplicationFactory,
    m.Question: f.QuestionFactory,
    m.Answer: f.AnswerFactory,
    m.Programme: f.ProgrammeFactory,
    m.FirmMembership: f.FirmMembershipFactory,
}


def url_name(model, view):
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"


def queries_for(client, url) -> int:
    """Queries of a warm request (per-process caches such as content types already filled)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_every_model_is_registered():
    registered = {model for model in admin.site._registry if model._meta.app_label == "regulations"}
    assert registered == set(FACTORIES)


@pytest.mark.parametrize("model", FACTORIES, ids=lambda model: model.__name__)
def test_changelist_queries_do_not_grow_with_rows(content_admin_client, model):
    FACTORIES[model].create_batch(2)
    url = reverse(url_name(model, "changelist"))
    few = queries_for(content_admin_client, url)
    FACTORIES[model].create_batch(30)
    assert queries_for(content_admin_client, url) == few


@pytest.mark.parametrize("model", FACTORIES, ids=lambda model: model.__name__)
def test_change_page_answers(content_admin_client, model):
    obj = FACTORIES[model]()
    response = content_admin_client.get(reverse(url_name(model, "change"), args=[obj.pk]))
    assert response.status_code == 200


def rule_with(rows: int) -> m.Rule:
    rule = f.RuleFactory()
    f.RequirementFactory.create_batch(rows, rule=rule)
    f.SourceFactory.create_batch(rows, rule=rule)
    f.RuleRelationFactory.create_batch(rows, from_rule=rule)
    for requirement in rule.requirements.all():
        f.MilestoneFactory(rule=rule, requirement=requirement, jurisdiction=f.JurisdictionFactory())
    return rule


def test_rule_change_page_queries_do_not_grow_with_inline_rows(content_admin_client):
    small, large = rule_with(2), rule_with(25)
    change = url_name(m.Rule, "change")
    assert queries_for(content_admin_client, reverse(change, args=[small.pk])) == queries_for(
        content_admin_client, reverse(change, args=[large.pk])
    )


def test_company_change_page_queries_do_not_grow_with_inline_rows(content_admin_client):
    small, large = f.CompanyFactory(), f.CompanyFactory()
    f.MarketFactory.create_batch(2, company=small)
    f.PublicRecordFactory.create_batch(2, company=small, jurisdiction=f.JurisdictionFactory())
    f.MarketFactory.create_batch(20, company=large)
    f.PublicRecordFactory.create_batch(20, company=large, jurisdiction=f.JurisdictionFactory())
    change = url_name(m.Company, "change")
    assert queries_for(content_admin_client, reverse(change, args=[small.pk])) == queries_for(
        content_admin_client, reverse(change, args=[large.pk])
    )


def test_rule_changelist_shows_what_curators_scan(content_admin_client):
    response = content_admin_client.get(reverse(url_name(m.Rule, "changelist")), {"q": "2016/679"})
    page = response.content.decode()
    assert "Regulation (EU) 2016/679" in page
    assert "GDPR" in page
    assert "Last reviewed on" in page


def test_rule_change_page_has_inlines_for_requirements_and_sources(content_admin_client):
    gdpr = m.Rule.objects.get(slug="eu-gdpr")
    response = content_admin_client.get(reverse(url_name(m.Rule, "change"), args=[gdpr.pk]))
    assert "requirements-TOTAL_FORMS" in response.content.decode()
    assert "sources-TOTAL_FORMS" in response.content.decode()
    assert "milestones-TOTAL_FORMS" in response.content.decode()


@pytest.mark.parametrize("model", FACTORIES, ids=lambda model: model.__name__)
def test_anonymous_users_are_sent_to_the_login_page(client, model):
    response = client.get(reverse(url_name(model, "changelist")))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_anonymous_users_cannot_reach_the_admin_index(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def publish(client, *rules):
    return client.post(
        reverse(url_name(m.Rule, "changelist")),
        {"action": "publish", "_selected_action": [rule.pk for rule in rules]},
        follow=True,
    )


def test_publish_action_publishes_ready_rules_and_explains_the_rest(content_admin_client):
    ready = f.RuleFactory(state=m.CurationState.IN_REVIEW)
    f.SourceFactory(rule=ready)
    unsourced = f.RuleFactory(state=m.CurationState.IN_REVIEW, citation="")

    response = publish(content_admin_client, ready, unsourced)

    ready.refresh_from_db()
    unsourced.refresh_from_db()
    assert ready.state == m.CurationState.PUBLISHED
    assert unsourced.state == m.CurationState.IN_REVIEW
    page = response.content.decode()
    assert "Published 1 rule." in page
    assert "it has no citation, it has no official source" in page
    assert ready.history.first().history_user.username == "editor"


def test_an_assessment_records_who_made_it(content_admin_client, content_admin):
    requirement = m.Requirement.objects.get(rule__slug="eu-gdpr", key="art-27")
    company = m.Company.objects.get(slug="nio")
    response = content_admin_client.post(
        reverse(url_name(m.Assessment, "add")),
        {
            "company": company.pk,
            "requirement": requirement.pk,
            "status": "partly_met",
            "assessed_on": "2026-11-20",
            "evidence": "EU representative appointed; privacy notices not yet updated.",
            "evidence_url": "",
            "visibility": "internal",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assessment = m.Assessment.objects.get(company=company, requirement=requirement)
    assert assessment.assessed_by == content_admin
    assert assessment.history.first().history_user == content_admin


def test_publish_action_needs_the_publish_permission(client, content_admin):
    content_admin.user_permissions.remove(*content_admin.user_permissions.filter(codename="publish_rule"))
    client.force_login(content_admin)
    rule = f.RuleFactory(state=m.CurationState.IN_REVIEW)
    f.SourceFactory(rule=rule)

    publish(client, rule)

    rule.refresh_from_db()
    assert rule.state == m.CurationState.IN_REVIEW
