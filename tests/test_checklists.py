"""The checklist row builder: which rows, in which order, with which columns, for whom."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regulations import models as m
from regulations.checklists import ChecklistQuery, Layout, build_checklist

from .factories import (
    AssessmentFactory,
    CompanyFactory,
    JurisdictionFactory,
    MembershipFactory,
    MilestoneFactory,
    RequirementFactory,
    RuleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 11, 25)


def jurisdictions(*codes):
    return list(m.Jurisdiction.objects.select_related("parent").filter(code__in=codes).order_by("code"))


def rows(**query) -> list[dict]:
    return list(build_checklist(ChecklistQuery(on=ON, **query)).rows)


def test_rows_carry_why_each_requirement_applies():
    found = rows(applies_in=jurisdictions("DE"))
    art27 = next(r for r in found if r["citation"] == "Regulation (EU) 2016/679" and r["reference"] == "Art. 27")
    assert art27["applies_in"] == "DE"
    assert art27["reason"] == "via EU membership since 1 January 1958"
    assert art27["source_url"] == "https://eur-lex.europa.eu/eli/reg/2016/679/oj"
    assert "Personal data" in art27["topics"]
    assert (art27["applies_from"], art27["bites"], art27["milestones"]) == (dt.date(2018, 5, 25), "yes", "")
    assert art27["owner"] == "" and art27["notes"] == ""
    r155 = [r for r in found if r["citation"] == "UN Regulation No. 155"]
    assert r155 and all("made binding by" in r["reason"] for r in r155)


def test_only_mandatory_rules_in_force_or_coming_are_listed():
    found = {r["citation"] for r in rows(applies_in=jurisdictions("DE"))}
    assert "UN Regulation No. 157" not in found  # only recognised in Germany
    assert "Regulation (EU) 2024/2847" in found  # Cyber Resilience Act: adopted, applies from 2027
    bills = m.Rule.objects.published().filter(instrument="bill").values_list("citation", flat=True)
    assert not found & set(bills)


def test_rows_are_ordered_by_jurisdiction_topic_rule_requirement():
    found = rows(applies_in=jurisdictions("JP", "DE"), layout=Layout.MARKET)
    codes = [r["applies_in"] for r in found]
    assert codes == sorted(codes) and set(codes) == {"DE", "JP"}
    germany = [r for r in found if r["applies_in"] == "DE"]
    first_topic = {rule.slug: min((t.order for t in rule.topics.all()), default=None) for rule in m.Rule.objects.all()}
    firsts = [first_topic[r["rule_slug"]] for r in germany if first_topic[r["rule_slug"]] is not None]
    assert firsts == sorted(firsts)  # by the rule's first topic, then rule and requirement


def test_topic_and_level_narrow_the_rules():
    cyber = m.Topic.objects.get(slug="cybersecurity")
    found = rows(applies_in=jurisdictions("DE"), topics=[cyber])
    assert found and all("Cybersecurity" in r["topics"] for r in found)
    level0 = {r["citation"] for r in rows(applies_in=jurisdictions("DE"), level=0)}
    assert "Commission Implementing Regulation (EU) 2022/1426" not in level0  # ADS regulation, Level 3+


def test_a_requirement_tagged_with_a_topic_its_rule_is_not_reaches_that_topics_checklist():
    recording = m.Topic.objects.get(slug="event-data-recording")
    rule = RuleFactory(topics=list(m.Topic.objects.filter(slug="automated-driving")))
    tagged = RequirementFactory(rule=rule)
    tagged.topics.set([recording])
    RequirementFactory(rule=rule)  # about its rule's topic only
    scope = m.Rule.objects.filter(pk=rule.pk)
    found = list(build_checklist(ChecklistQuery(on=ON, topics=[recording]), rules=scope).rows)
    assert [r["requirement_key"] for r in found] == [tagged.key]
    road_safety = m.Topic.objects.get(slug="road-safety")  # the parent domain takes in both
    assert len(list(build_checklist(ChecklistQuery(on=ON, topics=[road_safety]), rules=scope).rows)) == 2


def test_without_markets_rows_follow_each_rules_maker():
    rule = RuleFactory()
    RequirementFactory(rule=rule)
    found = list(build_checklist(ChecklistQuery(on=ON), rules=m.Rule.objects.filter(pk=rule.pk)).rows)
    assert [(r["applies_in"], r["reason"]) for r in found] == [
        (rule.jurisdiction.code, f"made by {rule.jurisdiction.name}")
    ]


@pytest.fixture
def assessed():
    company = CompanyFactory()
    rule = RuleFactory(applies_from=dt.date(2020, 1, 1))
    public, internal, blank = RequirementFactory.create_batch(3, rule=rule)
    AssessmentFactory(company=company, requirement=public, visibility="public", status="met", is_sample=True)
    AssessmentFactory(
        company=company,
        requirement=internal,
        visibility="internal",
        status="gap",
        evidence="Board memo",
        is_sample=False,
    )
    return company, rule, (public, internal, blank)


def company_rows(company, rule, include_internal):
    query = ChecklistQuery(on=ON, company=company, include_internal=include_internal)
    return {r["reference"]: r for r in build_checklist(query, rules=m.Rule.objects.filter(pk=rule.pk)).rows}


def test_public_checklists_show_only_public_assessments_labelled_as_samples(assessed):
    company, rule, (public, internal, blank) = assessed
    found = company_rows(company, rule, include_internal=False)
    assert found[public.reference]["status"] == "Met"
    assert found[public.reference]["assessment_label"] == "illustrative sample"
    assert found[internal.reference]["status"] == "Unknown"
    assert found[internal.reference]["company_evidence"] == ""
    assert found[blank.reference]["assessment_label"] == "not assessed"
    assert "internal_note" not in found[public.reference]


def test_staff_checklists_include_internal_assessments_marked_internal(assessed):
    company, rule, (_, internal, _) = assessed
    found = company_rows(company, rule, include_internal=True)
    assert found[internal.reference]["status"] == "Gap"
    assert found[internal.reference]["company_evidence"] == "Board memo"
    assert found[internal.reference]["assessment_label"] == "internal"
    assert "internal_note" in found[internal.reference]


def test_queries_do_not_grow_with_rows():
    place = JurisdictionFactory(code="QC", name="Checklistan")
    MembershipFactory(member=place, body=m.Jurisdiction.objects.get(code="EU"))
    company = CompanyFactory()

    def queries(rule_count):
        for _ in range(rule_count):
            rule = RuleFactory(jurisdiction=place, topics=list(m.Topic.objects.filter(slug="cybersecurity")))
            SourceFactory(rule=rule)
            MilestoneFactory(rule=rule, jurisdiction=place)
            for requirement in RequirementFactory.create_batch(3, rule=rule):
                AssessmentFactory(company=company, requirement=requirement, visibility="public")
                MilestoneFactory(rule=rule, requirement=requirement, kind=m.MilestoneKind.REPORTING)
        with CaptureQueriesContext(connection) as captured:
            found = list(build_checklist(ChecklistQuery(applies_in=[place], on=ON, company=company)).rows)
        return len(captured), len(found)

    few, few_rows = queries(5)
    many, many_rows = queries(195)
    assert many_rows > few_rows + 500
    assert many == few
