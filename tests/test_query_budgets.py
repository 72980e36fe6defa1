"""Every public page runs the same number of queries for 5 rules as for 200.

A page whose count changes is reported as ``{url: (queries with 5 rules, with 200)}``.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from regulations import models as m

from .factories import (
    JurisdictionFactory,
    MembershipFactory,
    MilestoneFactory,
    RequirementFactory,
    RuleFactory,
    RuleRelationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    place = JurisdictionFactory(code="QB", name="Budgetland", region="Europe")
    MembershipFactory(member=place, body=m.Jurisdiction.objects.get(code="EU"))
    return place


def add_rules(place, count):
    topics = list(m.Topic.objects.filter(slug__in=["cybersecurity", "personal-data", "type-approval"]))
    target, incorporated = m.Rule.objects.get(slug="un-r155"), m.Rule.objects.get(slug="jp-appi")
    eu = m.Jurisdiction.objects.get(code="EU")
    soon = timezone.localdate() + dt.timedelta(days=100)
    for _ in range(count):
        rule = RuleFactory(jurisdiction=place, topics=topics)
        requirement = RequirementFactory(rule=rule)
        requirement.topics.set(topics[:1])  # a topic of its own: every row names its topics' slugs
        SourceFactory(rule=rule)
        MilestoneFactory(rule=rule, date=soon, jurisdiction=eu)
        MilestoneFactory(rule=rule, requirement=requirement, kind=m.MilestoneKind.ALL_NEW_VEHICLES, date=soon)
        RuleRelationFactory(from_rule=rule, to_rule=target, kind=m.RelationKind.MAKES_BINDING)
        RuleRelationFactory(from_rule=rule, to_rule=incorporated, kind=m.RelationKind.IMPLEMENTS)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured)


PAGES = [
    "/",
    "/rules/",
    "/rules/?applies_in=qb&topic=data-security",
    "/rules/?applies_in=qb&on=2027-01-01",
    "/rules/?applies_in=qb&on=2027-01-01&status=adopted",
    "/rules/?q=vehicle+data&sort=newest",
    "/rules/?page=2",
    "/jurisdictions/",
    "/jurisdictions/qb/",
    "/compare/?j=qb&j=de&j=jp",
    "/rules/un-r155/",
    "/checklist/?applies_in=qb&applies_in=de",
    "/checklist/?applies_in=qb&applies_in=gb&force=binding&force=recognised&force=advisory",
    "/checklist/?applies_in=qb&applies_in=de&layout=market",
    "/rules/?applies_in=qb&on=2027-01-01&force=binding&topic=data-security",
    "/rules/?applies_in=qb&applies_in=kr&applies_in=no",
    "/checklist/?applies_in=qb&company=byd&format=csv",
    "/checklist/?applies_in=qb&format=xlsx",
    "/checklist/?applies_in=qb&vehicle=registered&on=2026-01-01&format=json",
    "/deadlines.ics",
    "/deadlines.ics?applies_in=qb",
    "/rules/?applies_in=qb&format=json",
    "/changes/",
    "/changes/?page=2",
    "/changes/?jurisdiction=qb",
    "/changes/feed/",
    "/companies/",
    "/readiness/?j=qb",
]


def test_page_queries_do_not_grow_with_rules(client, place):
    """Every page in one test: the 195 rules are made once, not once per page (about 6 s each)."""
    add_rules(place, 5)
    few = {url: queries(client, url) for url in PAGES}
    add_rules(place, 195)
    many = {url: queries(client, url) for url in PAGES}
    assert {url: (few[url], many[url]) for url in PAGES if many[url] != few[url]} == {}


@pytest.mark.parametrize("url", ["/checklist/?applies_in=qp&format=pdf", "/jurisdictions/qp/?format=pdf"])
def test_pdfs_run_the_same_queries_for_5_rules_as_for_35(client, url):
    """A place of its own (no union), so the PDFs stay short (WeasyPrint lays out about 25 rows a second)."""
    alone = JurisdictionFactory(code="QP", name="Printland", region="Europe")
    add_rules(alone, 5)
    few = queries(client, url)
    add_rules(alone, 30)
    assert queries(client, url) == few


def test_rule_page_queries_do_not_grow_with_requirements_sources_or_relations(client, place):
    def rule_with(rows):
        rule = RuleFactory(jurisdiction=place)
        for requirement in RequirementFactory.create_batch(rows, rule=rule):
            MilestoneFactory(rule=rule, requirement=requirement, jurisdiction=place)
        SourceFactory.create_batch(rows, rule=rule)
        for _ in range(rows):
            RuleRelationFactory(from_rule=rule, to_rule=RuleFactory(jurisdiction=place))
            RuleRelationFactory(from_rule=RuleFactory(jurisdiction=place), to_rule=rule)
        return rule

    small, large = rule_with(5), rule_with(200)
    assert queries(client, f"/rules/{small.slug}/") == queries(client, f"/rules/{large.slug}/")


def test_requirement_page_queries_do_not_grow_with_the_rules_sources(client, place):
    def requirement_with(sources):
        rule = RuleFactory(jurisdiction=place)
        SourceFactory.create_batch(sources, rule=rule)
        return RequirementFactory(rule=rule)

    small, large = requirement_with(2), requirement_with(100)
    assert queries(client, f"/rules/{small.rule.slug}/requirements/{small.key}/") == queries(
        client, f"/rules/{large.rule.slug}/requirements/{large.key}/"
    )
