"""The database refuses data that breaks the model's rules, and validation says why."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from regulations import models as m

from .factories import (
    AssessmentFactory,
    CompanyFactory,
    JurisdictionFactory,
    MarketFactory,
    MembershipFactory,
    RequirementFactory,
    RuleFactory,
    RuleRelationFactory,
    SourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def refused_by_database(obj):
    with pytest.raises(IntegrityError), transaction.atomic():
        obj.save()


def validation_messages(obj) -> str:
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    return " ".join(error.value.messages)


def test_jurisdiction_codes_are_unique():
    JurisdictionFactory(code="Q9")
    duplicate = m.Jurisdiction(code="Q9", name="Other", kind=m.JurisdictionKind.COUNTRY)
    assert "already exists" in validation_messages(duplicate)
    refused_by_database(duplicate)


def test_jurisdiction_codes_are_upper_case():
    lower = m.Jurisdiction(code="qx", name="Lower", kind=m.JurisdictionKind.COUNTRY)
    assert "jurisdiction_code_upper_case" in validation_messages(lower)
    refused_by_database(lower)


def test_rule_slugs_are_unique():
    rule = RuleFactory()
    twin = RuleFactory.build(slug=rule.slug, jurisdiction=rule.jurisdiction, authority=rule.authority)
    assert "already exists" in validation_messages(twin)
    refused_by_database(twin)


def test_citation_is_unique_within_a_jurisdiction_only():
    rule = RuleFactory(citation="Act No. 1")
    twin = RuleFactory.build(citation="Act No. 1", jurisdiction=rule.jurisdiction, authority=rule.authority)
    assert "Another rule of this jurisdiction has this citation." in validation_messages(twin)
    refused_by_database(twin)
    RuleFactory(citation="Act No. 1")  # same citation, another jurisdiction


def test_rules_without_citation_do_not_collide():
    rule = RuleFactory(citation="", state=m.CurationState.IN_REVIEW)
    RuleFactory(citation="", jurisdiction=rule.jurisdiction, state=m.CurationState.IN_REVIEW)


@pytest.mark.parametrize("until", [dt.date(2021, 1, 1), dt.date(2020, 12, 31)])
def test_applies_until_must_follow_applies_from(until):
    rule = RuleFactory.build(applies_from=dt.date(2021, 1, 1), applies_until=until)
    rule.jurisdiction.save()
    rule.authority.save()
    assert "The end date must be after the date of application." in validation_messages(rule)
    refused_by_database(rule)


@pytest.mark.parametrize(
    ("level_min", "level_max", "message"),
    [
        (3, 2, "SAE levels run from 0 to 5, lowest first."),
        (2, 6, "Ensure this value is less than or equal to 5."),
        (3, None, "Give both SAE levels, or neither for all connected vehicles."),
    ],
)
def test_sae_levels_are_a_range_from_0_to_5(level_min, level_max, message):
    rule = RuleFactory.build(level_min=level_min, level_max=level_max)
    rule.jurisdiction.save()
    rule.authority.save()
    assert message in validation_messages(rule)
    refused_by_database(rule)


def test_a_level_range_is_accepted():
    rule = RuleFactory(level_min=3, level_max=4)
    rule.full_clean()
    assert rule.levels_label == "SAE L3-L4"


def test_requirement_keys_are_unique_within_a_rule():
    requirement = RequirementFactory(key="art-1")
    twin = m.Requirement(rule=requirement.rule, key="art-1", obligation="Again.")
    assert "already exists" in validation_messages(twin)
    refused_by_database(twin)
    RequirementFactory(key="art-1")  # another rule may use the key


def test_a_source_is_listed_once_per_rule():
    source = SourceFactory()
    refused_by_database(m.Source(rule=source.rule, url=source.url))


def test_a_rule_cannot_relate_to_itself():
    rule = RuleFactory()
    relation = m.RuleRelation(from_rule=rule, to_rule=rule, kind=m.RelationKind.AMENDS)
    assert "relation_not_to_itself" in validation_messages(relation)
    refused_by_database(relation)


def test_a_relation_is_recorded_once():
    relation = RuleRelationFactory()
    refused_by_database(m.RuleRelation(from_rule=relation.from_rule, to_rule=relation.to_rule, kind=relation.kind))


def test_membership_dates_are_in_order():
    membership = MembershipFactory.build(since=dt.date(2020, 2, 1), until=dt.date(2020, 1, 31))
    membership.member.save()
    membership.body.save()
    assert "A membership cannot end before it starts." in validation_messages(membership)
    refused_by_database(membership)


def test_an_undated_membership_is_recorded_once():
    membership = MembershipFactory(since=None)
    twin = m.Membership(member=membership.member, body=membership.body, role=membership.role)
    refused_by_database(twin)


def test_one_assessment_per_company_and_requirement():
    assessment = AssessmentFactory()
    twin = m.Assessment(company=assessment.company, requirement=assessment.requirement)
    assert "This firm already has an assessment of this requirement." in validation_messages(twin)
    refused_by_database(twin)


def test_a_company_lists_a_market_once():
    market = MarketFactory()
    refused_by_database(m.Market(company=market.company, jurisdiction=market.jurisdiction, status="planned"))


@pytest.mark.parametrize("since", ["2024-13", "24-07-04", "2024-7", "soon"])
def test_market_dates_are_only_as_precise_as_known(since):
    market = MarketFactory.build(company=CompanyFactory(), jurisdiction=JurisdictionFactory(), since=since)
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in validation_messages(market)


def test_topic_slugs_are_unique():
    topic = TopicFactory()
    refused_by_database(m.Topic(slug=topic.slug, name="Another name"))
