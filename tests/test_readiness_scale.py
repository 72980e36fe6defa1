"""Readiness at scale: figures aggregated in the database, with statements that do not grow with the rules."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from regulations import models as m
from regulations.applicability import Applicability, applicabilities
from regulations.readiness import readiness_by_market, readiness_by_topic

from .factories import CompanyFactory, JurisdictionFactory, MarketFactory, RequirementFactory, RuleFactory

pytestmark = pytest.mark.django_db

PAGES = ["/readiness/", "/companies/", "/companies/byd/", "/companies/byd/?j=de&status=gap"]


def counted(rule: m.Rule) -> tuple[int, int]:
    rule.refresh_from_db()
    return rule.requirement_count, rule.requirements.count()


def test_requirement_count_follows_every_write():
    """The database keeps each rule's count, whichever door writes, even when a stale rule is saved."""
    rule, other = RuleFactory(), RuleFactory()
    assert counted(rule) == (0, 0)
    first, *_ = RequirementFactory.create_batch(3, rule=rule)
    assert counted(rule) == (3, 3)
    m.Requirement.objects.bulk_create(
        [m.Requirement(rule=rule, key=f"bulk-{n}", obligation="x", kind=m.RequirementKind.OBLIGATION) for n in (1, 2)]
    )
    assert counted(rule) == (5, 5)
    m.Requirement.objects.filter(pk=first.pk).update(rule=other)
    assert (counted(rule), counted(other)) == ((4, 4), (1, 1))
    stale = m.Rule.objects.get(pk=rule.pk)
    rule.requirements.first().delete()
    assert counted(rule) == (3, 3)
    stale.title = "Saved from a form loaded before the delete"
    stale.save()
    assert counted(rule) == (3, 3)
    rule.requirements.all().delete()
    assert counted(rule) == (0, 0)


def test_every_rule_count_agrees_with_its_requirements():
    wrong = [rule.slug for rule in m.Rule.objects.all() if rule.requirement_count != rule.requirements.count()]
    assert wrong == []


def test_any_condition_is_the_union_of_the_markets_conditions():
    today = timezone.localdate()
    places = list(m.Jurisdiction.objects.filter(market_entries__isnull=False).distinct().select_related("parent"))
    reaches = applicabilities(places, today)
    for binding_only in (True, False):
        one_by_one = set()
        for reach in reaches.values():
            one_by_one |= set(reach.rules(binding_only=binding_only).values_list("pk", flat=True))
        condition = Applicability.any_condition(reaches.values(), binding_only=binding_only)
        assert set(m.Rule.objects.published().filter(condition).values_list("pk", flat=True)) == one_by_one


def slow_readiness(company, place, on, *, staff, topic=None) -> tuple[int, Counter, int, int, int]:
    """The figures counted requirement by requirement, in Python."""
    reach = applicabilities([place], on)[place.pk]
    rules = set(reach.rules(m.Rule.objects.published().live_on(on), binding_only=True).values_list("pk", flat=True))
    if topic:
        wanted = {topic.pk} | set(topic.children.values_list("pk", flat=True))
        rules = {pk for pk in rules if wanted & set(m.Rule.objects.get(pk=pk).topics.values_list("pk", flat=True))}
    statuses = (m.EffectiveStatus if staff else m.PublicEffectiveStatus).objects.filter(company=company)
    rows = {row.requirement_id: row for row in statuses}
    total, counts, carried, samples, internal = 0, Counter(), 0, 0, 0
    for requirement in m.Requirement.objects.filter(rule__in=rules):
        total += 1
        if row := rows.get(requirement.pk):
            counts[row.status] += 1
            carried += row.carried
            samples += row.is_sample
            internal += row.visibility == "internal"
    return total, counts, carried, samples, internal


@pytest.mark.parametrize("staff", [False, True])
def test_figures_agree_with_a_count_requirement_by_requirement(staff):
    on = timezone.localdate()
    company = m.Company.objects.filter(is_fictional=True).first()
    places = [market.jurisdiction for market in company.market_entries.select_related("jurisdiction__parent")]
    assert places
    figures = readiness_by_market([company], places, on, staff=staff)
    for place in places:
        found = figures[(company.pk, place.pk)]
        expected = slow_readiness(company, place, on, staff=staff)
        assert (found.total, Counter(found.counts), found.carried, found.samples, found.internal) == expected
    assert any(figures[(company.pk, place.pk)].assessed for place in places)
    topics = list(m.Topic.objects.filter(parent__isnull=True))
    by_topic = readiness_by_topic([company], places[0], topics, on, staff=staff)
    for topic in topics:
        found = by_topic[(company.pk, topic.pk)]
        expected = slow_readiness(company, places[0], on, staff=staff, topic=topic)
        assert (found.total, Counter(found.counts), found.carried, found.samples, found.internal) == expected


def longest_statement(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return max(len(query["sql"]) for query in captured)


def test_statements_stay_small_whatever_the_number_of_rules(client):
    """No list of rule ids goes into the SQL: adding 300 EU rules leaves every statement as long as it was."""
    before = {url: longest_statement(client, url) for url in PAGES}
    eu = m.Jurisdiction.objects.get(code="EU")
    for rule in RuleFactory.create_batch(300, jurisdiction=eu):
        RequirementFactory(rule=rule)
    after = {url: longest_statement(client, url) for url in PAGES}
    assert {url: (before[url], after[url]) for url in PAGES if after[url] > before[url]} == {}
    assert max(after.values()) < 16_000  # bounded by the markets and topics shown, not the rules


def test_the_requirements_behind_a_figure_stop_at_a_page(client):
    """ "Unknown" in a large market is thousands of requirements: the page lists 200 and says how many there are."""
    place = JurisdictionFactory(code="QL", name="Largeland")
    company = CompanyFactory(slug="large-motors")
    MarketFactory(company=company, jurisdiction=place)
    for rule in RuleFactory.create_batch(3, jurisdiction=place):
        RequirementFactory.create_batch(70, rule=rule)
    response = client.get("/companies/large-motors/?j=ql&status=unknown")
    assert response.status_code == 200
    assert len(response.context["drilldown"]) == 200
    assert "the first 200 of 210" in response.content.decode()
