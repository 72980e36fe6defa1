"""Firms' readiness: effective statuses carried over through mappings, and the aggregates built on them."""

import datetime as dt

import pytest

from regulations import models as m
from regulations.readiness import readiness_by_market, readiness_by_topic, requirements_behind, trends

from .factories import (
    AssessmentFactory,
    CompanyFactory,
    JurisdictionFactory,
    MarketFactory,
    RequirementFactory,
    RuleFactory,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 11, 25)


def effective(company, requirement, *, staff=False):
    model = m.EffectiveStatus if staff else m.PublicEffectiveStatus
    return model.objects.filter(company=company, requirement=requirement).first()


def mapped(relationship, source_status, *, direct=None):
    """A firm assessed on requirement A, with A <relationship> B; returns B's effective row."""
    company = CompanyFactory()
    a, b = RequirementFactory(), RequirementFactory()
    m.RequirementMapping.objects.create(from_requirement=a, to_requirement=b, relationship=relationship, rationale="x")
    AssessmentFactory(company=company, requirement=a, status=source_status, visibility="public")
    if direct:
        AssessmentFactory(company=company, requirement=b, status=direct, visibility="public")
    return effective(company, b), a


@pytest.mark.parametrize(
    ("relationship", "source", "carried"),
    [
        ("equal", "met", "met"),
        ("superset", "met", "met"),  # A covers all of B
        ("subset", "met", "partly_met"),  # A covers part of B
        ("intersects", "met", "partly_met"),
        ("intersects", "partly_met", "partly_met"),
        ("intersects", "gap", "gap"),
        ("equal", "gap", "gap"),
    ],
)
def test_status_carries_over_capped_by_coverage(relationship, source, carried):
    row, a = mapped(relationship, source)
    assert row.status == carried
    assert row.carried is True
    assert row.via_requirement_id == a.pk


@pytest.mark.parametrize("source", ["not_applicable", "unknown"])
def test_not_applicable_and_unknown_do_not_carry(source):
    row, _ = mapped("equal", source)
    assert row is None


def test_a_direct_assessment_always_wins():
    row, _ = mapped("equal", "met", direct="gap")
    assert (row.status, row.carried) == ("gap", False)


def test_coverage_is_read_both_ways():
    company = CompanyFactory()
    a, b = RequirementFactory(), RequirementFactory()
    m.RequirementMapping.objects.create(from_requirement=a, to_requirement=b, relationship="subset", rationale="x")
    AssessmentFactory(company=company, requirement=b, status="met", visibility="public")
    assert effective(company, a).status == "met"  # B is a superset of A, so it covers A whole


def test_the_best_carried_status_wins():
    company = CompanyFactory()
    target, weak, strong = RequirementFactory.create_batch(3)
    for source in (weak, strong):
        m.RequirementMapping.objects.create(
            from_requirement=source, to_requirement=target, relationship="equal", rationale="x"
        )
    AssessmentFactory(company=company, requirement=weak, status="gap", visibility="public")
    AssessmentFactory(company=company, requirement=strong, status="met", visibility="public")
    row = effective(company, target)
    assert (row.status, row.via_requirement_id) == ("met", strong.pk)


def test_internal_assessments_carry_over_only_for_staff():
    company = CompanyFactory()
    a, b = RequirementFactory(), RequirementFactory()
    m.RequirementMapping.objects.create(from_requirement=a, to_requirement=b, relationship="equal", rationale="x")
    AssessmentFactory(company=company, requirement=a, status="met", visibility="internal")
    assert effective(company, b) is None
    row = effective(company, b, staff=True)
    assert (row.status, row.visibility) == ("met", "internal")


def test_an_internal_direct_assessment_does_not_hide_public_evidence_from_the_public():
    company = CompanyFactory()
    a, b = RequirementFactory(), RequirementFactory()
    m.RequirementMapping.objects.create(from_requirement=a, to_requirement=b, relationship="equal", rationale="x")
    AssessmentFactory(company=company, requirement=a, status="met", visibility="public")
    AssessmentFactory(company=company, requirement=b, status="gap", visibility="internal")
    assert (effective(company, b).status, effective(company, b).carried) == ("met", True)
    assert (effective(company, b, staff=True).status, effective(company, b, staff=True).carried) == ("gap", False)


@pytest.fixture
def market():
    """A country with two rules of its own (3 and 2 requirements), a firm selling there, and another firm."""
    place = JurisdictionFactory(code="QR", name="Readyland")
    first, second = RuleFactory(jurisdiction=place), RuleFactory(jurisdiction=place)
    requirements = [*RequirementFactory.create_batch(3, rule=first), *RequirementFactory.create_batch(2, rule=second)]
    RuleFactory(jurisdiction=place, state=m.CurationState.DRAFT)  # never counts
    company = CompanyFactory()
    MarketFactory(company=company, jurisdiction=place)
    return place, company, requirements, (first, second)


def test_readiness_shares_count_unassessed_as_unknown(market):
    place, company, requirements, _ = market
    for requirement, status in zip(requirements, ["met", "met", "gap", "partly_met"], strict=False):
        AssessmentFactory(company=company, requirement=requirement, status=status, visibility="public")
    idle = CompanyFactory()
    result = readiness_by_market([company, idle], [place], ON, staff=False)
    readiness = result[(company.pk, place.pk)]
    assert readiness.total == 5
    assert {s: readiness.count(s) for s in ["met", "partly_met", "gap", "unknown", "not_applicable"]} == {
        "met": 2,
        "partly_met": 1,
        "gap": 1,
        "unknown": 1,
        "not_applicable": 0,
    }
    assert readiness.met_share == pytest.approx(0.4)
    assert readiness.samples == 4
    assert result[(idle.pk, place.pk)].count("unknown") == 5
    assert result[(idle.pk, place.pk)].assessed == 0


def test_readiness_follows_the_day(market):
    place, company, _requirements, (first, _) = market
    first.applies_until = dt.date(2026, 1, 1)
    first.save()
    assert readiness_by_market([company], [place], dt.date(2025, 6, 1), staff=False)[(company.pk, place.pk)].total == 5
    assert readiness_by_market([company], [place], ON, staff=False)[(company.pk, place.pk)].total == 2


def test_readiness_by_topic_includes_sub_topics(market):
    place, company, requirements, (first, _second) = market
    parent = m.Topic.objects.get(slug="data-security")
    child = m.Topic.objects.get(slug="cybersecurity")
    first.topics.set([child])
    AssessmentFactory(company=company, requirement=requirements[0], status="gap", visibility="public")
    result = readiness_by_topic([company], place, [parent, child], ON, staff=False)
    assert result[(company.pk, parent.pk)].total == 3
    assert result[(company.pk, parent.pk)].gaps == 1
    assert result[(company.pk, child.pk)].total == 3


def test_requirements_behind_a_figure(market):
    place, company, requirements, _ = market
    AssessmentFactory(company=company, requirement=requirements[0], status="gap", visibility="public")
    gaps = requirements_behind(company, place, ON, "gap", staff=False)
    assert [r.pk for r, _ in gaps] == [requirements[0].pk]
    unknown = requirements_behind(company, place, ON, "unknown", staff=False)
    assert {r.pk for r, row in unknown} == {r.pk for r in requirements[1:]}


def test_trend_accumulates_met_share_by_month(market):
    place, company, requirements, _ = market
    AssessmentFactory(company=company, requirement=requirements[0], status="met", assessed_on=dt.date(2026, 1, 10))
    AssessmentFactory(company=company, requirement=requirements[1], status="met", assessed_on=dt.date(2026, 3, 5))
    AssessmentFactory(company=company, requirement=requirements[2], status="gap", assessed_on=dt.date(2026, 3, 6))
    for assessment in m.Assessment.objects.filter(company=company):
        assessment.visibility = "public"
        assessment.save()
    trend = trends([company], {company.pk: [place]}, dt.date(2026, 4, 15), staff=False)[company.pk]
    assert [(d.isoformat(), round(s, 2)) for d, s in trend.points] == [
        ("2026-01-01", 0.2),
        ("2026-02-01", 0.2),
        ("2026-03-01", 0.4),
        ("2026-04-01", 0.4),
    ]


def test_reference_mappings_and_samples_are_loaded():
    assert m.RequirementMapping.objects.count() >= 16
    assert m.RequirementMapping.objects.filter(
        from_requirement__rule__slug="un-r156", to_requirement__rule__slug="cn-gb-44496", relationship="superset"
    ).exists()
    samples = m.Assessment.objects.filter(is_sample=True)
    assert samples.exists()
    assert not samples.filter(company__is_fictional=False).exists()
    assert not m.Assessment.objects.filter(company__is_fictional=False).exists()  # nothing said about real firms
    fictional = m.Company.objects.get(is_fictional=True)
    carried = m.PublicEffectiveStatus.objects.filter(company=fictional, carried=True)
    assert carried.filter(requirement__rule__slug="cn-gb-44496").exists()
