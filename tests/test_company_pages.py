"""Firm pages and the readiness matrix: what they show, to whom, and at what cost."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regulations import models as m

from .factories import (
    AssessmentFactory,
    CompanyFactory,
    JurisdictionFactory,
    MarketFactory,
    RequirementFactory,
    RuleFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "INTERNAL-ONLY EVIDENCE"


@pytest.fixture
def firm():
    """A firm selling in a test market with one public sample, one public real and one internal assessment."""
    place = JurisdictionFactory(code="QF", name="Firmland")
    company = CompanyFactory(slug="test-firm", name="Test Firm")
    MarketFactory(company=company, jurisdiction=place, status="selling")
    rule = RuleFactory(jurisdiction=place, topics=list(m.Topic.objects.filter(slug="cybersecurity")))
    sample, public, internal = RequirementFactory.create_batch(3, rule=rule)
    AssessmentFactory(company=company, requirement=sample, status="met", visibility="public", is_sample=True)
    AssessmentFactory(company=company, requirement=public, status="gap", visibility="public", is_sample=False)
    AssessmentFactory(
        company=company, requirement=internal, status="met", visibility="internal", is_sample=False, evidence=SECRET
    )
    return company, place, (sample, public, internal)


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response, response.content.decode()


def test_company_page_shows_readiness_by_market_and_topic_gaps_first(client, firm):
    place = firm[1]
    response, html = page(client, reverse("regulations:company-detail", args=["test-firm"]))
    market, readiness = response.context["markets"][0]
    assert market.jurisdiction == place
    assert (readiness.total, readiness.count("met"), readiness.gaps, readiness.unknown) == (3, 1, 1, 1)
    assert "33% met" in html
    assert "includes illustrative sample" in html
    topics = response.context["topic_rows"]
    assert topics[0][1].gaps >= topics[-1][1].gaps
    assert "applies_in=qf" in html and "company=test-firm" in html and "format=xlsx" in html


def test_each_figure_opens_the_requirements_behind_it(client, firm):
    public = firm[2][1]
    _, html = page(client, reverse("regulations:company-detail", args=["test-firm"]), j="qf", status="gap")
    assert public.obligation in html
    assert (
        "?j=qf&amp;status=gap#drilldown" in page(client, reverse("regulations:company-detail", args=["test-firm"]))[1]
    )


def test_anonymous_users_see_public_assessments_only(client, firm):
    url = reverse("regulations:company-detail", args=["test-firm"])
    response, html = page(client, url, j="qf", status="unknown")
    assert SECRET not in html
    assert [r.pk for r, _ in response.context["drilldown"]] == [firm[2][2].pk]
    _, matrix = page(client, reverse("regulations:readiness"), j="qf")
    assert "includes internal" not in matrix


def test_staff_see_internal_assessments_marked_internal(client, content_admin, firm):
    client.force_login(content_admin)
    _, html = page(client, reverse("regulations:company-detail", args=["test-firm"]), j="qf", status="met")
    assert SECRET in html and ">internal<" in html
    _, matrix = page(client, reverse("regulations:readiness"), j="qf")
    assert "includes internal" in matrix


def test_samples_are_labelled_wherever_they_show(client, firm):
    for url, params in [
        (reverse("regulations:company-list"), {}),
        (reverse("regulations:company-detail", args=["test-firm"]), {"j": "qf", "status": "met"}),
        (reverse("regulations:readiness"), {"j": "qf"}),
    ]:
        assert "illustrative sample" in page(client, url, **params)[1], url
    export = client.get(reverse("regulations:checklist"), {"applies_in": "qf", "company": "test-firm", "format": "csv"})
    assert "illustrative sample" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_the_fictional_firm_says_it_is_fictional_everywhere(client):
    fictional = m.Company.objects.get(is_fictional=True)
    _, html = page(client, reverse("regulations:company-detail", args=[fictional.slug]))
    assert "Fictional firm." in html and "not a statement about any real company" in html
    assert "Fictional firm · illustrative sample" in page(client, reverse("regulations:company-list"))[1]


def test_a_real_firm_without_assessments_is_never_shown_as_0_percent_met(client):
    byd = m.Company.objects.get(slug="byd")
    assert not m.Assessment.objects.filter(company=byd).exists()
    _, html = page(client, reverse("regulations:company-detail", args=["byd"]))
    assert "not assessed" in html and "0% met" not in html
    _, listing = page(client, reverse("regulations:company-list"))
    byd_row = listing.split(">BYD<", 1)[1].split("</tr>", 1)[0]
    assert "not assessed" in byd_row and "0% met" not in byd_row


def test_carried_statuses_say_where_they_come_from(client):
    fictional = m.Company.objects.get(is_fictional=True)
    carried = m.PublicEffectiveStatus.objects.filter(
        company=fictional, carried=True, requirement__rule__slug="cn-gb-44496"
    )
    row = carried.select_related("via_requirement__rule").first()
    _, html = page(client, reverse("regulations:company-detail", args=[fictional.slug]), j="cn", status=row.status)
    assert f"via {row.via_requirement.rule} {row.via_requirement.reference}" in html


def test_public_records_show_with_their_source(client):
    _, html = page(client, reverse("regulations:company-detail", args=["nio"]))
    record = m.PublicRecord.objects.filter(company__slug="nio").first()
    assert record.source_url in html
    assert "internal_note" not in html


def test_matrix_switches_to_topics_for_one_jurisdiction(client, firm):
    response, html = page(client, reverse("regulations:readiness"), view="topics", j="qf")
    assert response.context["view"] == "topics"
    assert [c.slug for c in response.context["columns"]][:1] == ["data-security"]
    assert "Firms by topic in Firmland" in html


def test_matrix_cells_carry_text_as_well_as_colour(client, firm):
    _, html = page(client, reverse("regulations:readiness"), j="qf")
    assert "33% met" in html and "1 gap · 1 unknown of 3" in html
    assert 'class="kb-heat-1"' in html
    assert "no dated assessments" in html  # the trend says so in words when it has nothing to draw
    assert "left out; add a column to see more" in html  # the firms with no market in Firmland


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("/companies/no-such-firm/", {}, 404),
        ("/companies/byd/", {"j": "xx", "status": "gap"}, 400),
        ("/companies/byd/", {"status": "gap"}, 400),
        ("/companies/byd/", {"j": "th", "status": "sure"}, 400),
        ("/companies/byd/", {"on": "2026-02-30"}, 400),
        ("/companies/byd/", {"topic": "astrology", "j": "th", "status": "gap"}, 400),
        ("/readiness/", {"on": "soon"}, 400),
        ("/readiness/", {"j": "atlantis"}, 400),
        ("/readiness/", {"view": "topics"}, 400),
        ("/readiness/", {"view": "sideways"}, 400),
    ],
)
def test_bad_input_is_400_or_404_never_500(client, url, params, status):
    response = client.get(url, params)
    assert response.status_code == status
    if status == 400:
        assert "error-" in response.content.decode()


def make_firms(count, place):
    rule = RuleFactory(jurisdiction=place)
    requirements = RequirementFactory.create_batch(4, rule=rule)
    for _ in range(count):
        company = CompanyFactory()
        MarketFactory(company=company, jurisdiction=place)
        MarketFactory(company=company, jurisdiction=m.Jurisdiction.objects.get(code="DE"))
        for requirement in requirements[:2]:
            AssessmentFactory(
                company=company, requirement=requirement, visibility="public", assessed_on=dt.date(2026, 5, 1)
            )


@pytest.mark.parametrize(
    "url", ["/readiness/", "/readiness/?view=topics&j=de", "/companies/", "/companies/test-firm/?j=qf&status=met"]
)
def test_queries_are_the_same_for_5_and_50_firms(client, firm, url):
    place = firm[1]

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_firms(5, place)
    few = count()
    make_firms(45, place)
    assert count() == few
