"""Which rules apply where and when, and the reason path behind each answer."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from regulations import models as m
from regulations.applicability import applicability
from regulations.force import Force, force_key
from regulations.places import applicable_counts, coverage
from regulations.reasons import StepKind

from .factories import JurisdictionFactory, MembershipFactory, RuleFactory, RuleRelationFactory, UnionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)
BREXIT = dt.date(2020, 1, 31)
DAY = dt.timedelta(days=1)


class World:
    """A small made-up world with the shapes of the real one."""

    def __init__(self):
        self.union = UnionFactory(code="QU", name="Test Union")
        self.treaty = JurisdictionFactory(code="QT", name="Test Forum", kind=m.JurisdictionKind.TREATY_BODY)
        self.member = JurisdictionFactory(code="QD", name="Memberland")
        self.leaver = JurisdictionFactory(code="QG", name="Leaverland")
        self.federation = JurisdictionFactory(code="QS", name="Federation")
        self.state = JurisdictionFactory(
            code="QS-CA", name="Statia", kind=m.JurisdictionKind.SUBDIVISION, parent=self.federation
        )
        self.party = JurisdictionFactory(code="QJ", name="Partyland")
        MembershipFactory(member=self.member, body=self.union, since=dt.date(1958, 1, 1))
        MembershipFactory(member=self.leaver, body=self.union, since=dt.date(1973, 1, 1), until=BREXIT)
        for country in (self.member, self.party):
            MembershipFactory(member=country, body=self.treaty, role=m.MembershipRole.PARTY_1958, since=None)
        self.union_rule = RuleFactory(jurisdiction=self.union, short_name="Union Data Act")
        self.member_rule = RuleFactory(jurisdiction=self.member)
        self.federal_rule = RuleFactory(jurisdiction=self.federation)
        self.state_rule = RuleFactory(jurisdiction=self.state)
        self.un_regulation = RuleFactory(
            jurisdiction=self.treaty,
            short_name="UN R999",
            binding_by_itself=False,
            treaty_instrument=m.TreatyInstrument.UN_REGULATION,
        )
        self.safety_regulation = RuleFactory(
            jurisdiction=self.union, short_name="Safety Regulation", applies_from=dt.date(2022, 7, 6)
        )
        self.framework = RuleFactory(jurisdiction=self.union, short_name="Framework Regulation")
        for binder in (self.safety_regulation, self.framework):
            RuleRelationFactory(from_rule=binder, to_rule=self.un_regulation, kind=m.RelationKind.MAKES_BINDING)


@pytest.fixture
def world():
    return World()


def applies(jurisdiction, rule, on=TODAY, binding_only=False) -> bool:
    return applicability(jurisdiction, on).rules(binding_only=binding_only).filter(pk=rule.pk).exists()


def reasons(jurisdiction, rule, on=TODAY):
    return applicability(jurisdiction, on).reasons([rule])[rule.pk]


def test_a_jurisdictions_own_rules_apply_there(world):
    assert applies(world.member, world.member_rule)
    assert [r.steps[0].kind for r in reasons(world.member, world.member_rule)] == [StepKind.OWN]
    assert str(reasons(world.member, world.member_rule)[0]) == "Applies in Memberland: made by Memberland"
    assert not applies(world.party, world.member_rule)


def test_a_countrys_rules_apply_in_its_subdivisions_but_not_the_reverse(world):
    assert applies(world.state, world.federal_rule)
    assert applies(world.state, world.state_rule)
    assert not applies(world.federation, world.state_rule)
    assert str(reasons(world.state, world.federal_rule)[0]) == (
        "Applies in Statia: made by Federation, of which Statia is part"
    )


def test_union_rules_apply_in_members_from_the_day_they_join(world):
    assert applies(world.member, world.union_rule)
    assert str(reasons(world.member, world.union_rule)[0]) == (
        "Applies in Memberland: via QU membership since 1 January 1958"
    )
    assert not applies(world.member, world.union_rule, on=dt.date(1957, 12, 31))
    assert applies(world.member, world.union_rule, on=dt.date(1958, 1, 1))


@pytest.mark.parametrize(
    ("on", "expected"), [(BREXIT - DAY, True), (BREXIT, True), (BREXIT + DAY, False), (TODAY, False)]
)
def test_union_rules_stop_applying_after_a_member_leaves(world, on, expected):
    assert applies(world.leaver, world.union_rule, on=on) is expected


def test_a_rule_made_binding_twice_over_has_two_binding_reasons(world):
    assert applies(world.member, world.un_regulation, binding_only=True)
    found = reasons(world.member, world.un_regulation)
    binding = [r for r in found if r.binding]
    assert {r.steps[0].rule for r in binding} == {world.safety_regulation, world.framework}
    assert all(r.steps[-1].kind is StepKind.UNION for r in binding)
    gsr = next(r for r in binding if r.steps[0].rule == world.safety_regulation)
    assert gsr.effective_from == dt.date(2022, 7, 6)
    assert str(gsr) == (
        "Applies in Memberland: made binding by Safety Regulation from 6 July 2022, "
        "which applies via QU membership since 1 January 1958"
    )


def test_a_treaty_party_recognises_a_un_regulation_it_is_recorded_applying(world):
    m.RegulationApplication.objects.create(
        party=world.party, regulation=world.un_regulation, since=dt.date(2021, 1, 22), source_url="https://un.example/"
    )
    found = reasons(world.party, world.un_regulation)
    assert [r.force for r in found] == [Force.RECOGNISED]
    assert str(found[0]) == "Applies in Partyland: applies it as a party to the 1958 Agreement since 22 January 2021"
    assert applies(world.party, world.un_regulation)
    assert not applies(world.party, world.un_regulation, binding_only=True)
    assert [r.force for r in reasons(world.party, world.un_regulation, on=dt.date(2021, 1, 21))] == [None]


def test_a_treaty_party_not_recorded_applying_a_un_regulation_gets_no_force(world):
    found = reasons(world.party, world.un_regulation)
    assert [r.force for r in found] == [None]
    assert str(found[0]) == (
        "In Partyland: party to the 1958 Agreement (start date not recorded); "
        "whether it applies this regulation is not recorded"
    )
    assert applies(world.party, world.un_regulation)
    assert not applies(world.party, world.un_regulation, binding_only=True)


def test_a_member_of_the_union_that_is_also_a_party_has_one_verdict_and_the_treaty_path_as_detail(world):
    found = reasons(world.member, world.un_regulation)
    assert [r.force for r in found] == [Force.BINDING, Force.BINDING, None]
    verdict = applicability(world.member, TODAY).verdicts([world.un_regulation])[world.un_regulation.pk]
    assert verdict.force == Force.BINDING and len(verdict.grounds) == 2 and len(verdict.detail) == 1


def test_a_binding_rule_that_is_not_published_binds_nothing(world):
    draft = RuleFactory(jurisdiction=world.union, state=m.CurationState.DRAFT)
    target = RuleFactory(jurisdiction=world.treaty)
    RuleRelationFactory(from_rule=draft, to_rule=target, kind=m.RelationKind.MAKES_BINDING)
    assert not applies(world.leaver, target, on=dt.date(2010, 1, 1))
    assert reasons(world.leaver, target, on=dt.date(2010, 1, 1)) == []


def test_a_repealed_binding_rule_no_longer_binds(world):
    old = RuleFactory(jurisdiction=world.union, applies_until=dt.date(2024, 1, 1))
    target = RuleFactory(jurisdiction=world.federation)
    RuleRelationFactory(from_rule=old, to_rule=target, kind=m.RelationKind.MAKES_BINDING)
    assert applies(world.member, target, on=dt.date(2023, 12, 31))
    assert not applies(world.member, target, on=dt.date(2024, 1, 1))


def test_bindings_chain(world):
    standard = RuleFactory(jurisdiction=world.federation, short_name="Standard")
    RuleRelationFactory(from_rule=world.un_regulation, to_rule=standard, kind=m.RelationKind.MAKES_BINDING)
    assert applies(world.member, standard, binding_only=True)
    path = next(r for r in reasons(world.member, standard) if r.binding)
    assert [step.kind for step in path.steps] == [StepKind.BINDING, StepKind.BINDING, StepKind.UNION]


def test_each_treaty_reaches_only_its_own_parties(world):
    gtr = RuleFactory(jurisdiction=world.treaty, binding_by_itself=False, treaty_instrument=m.TreatyInstrument.UN_GTR)
    ninety_eight = JurisdictionFactory(code="QN", name="Ninetyeightland")
    MembershipFactory(
        member=ninety_eight, body=world.treaty, role=m.MembershipRole.PARTY_1998, since=dt.date(2010, 1, 1)
    )
    assert applies(ninety_eight, gtr) and not applies(ninety_eight, world.un_regulation)
    assert not applies(world.party, gtr)
    found = reasons(ninety_eight, gtr)
    assert [r.force for r in found] == [Force.ADVISORY]
    assert found[0].path == "party to the 1998 Agreement since 1 January 2010, which binds governments, not vehicles"
    assert not applies(ninety_eight, gtr, on=dt.date(2009, 12, 31))


def test_a_rule_that_implements_another_carries_its_bindings_into_its_own_jurisdiction(world):
    incorporation = RuleFactory(
        jurisdiction=world.party, short_name="Partyland Approval Act", applies_from=dt.date(2023, 3, 1)
    )
    RuleRelationFactory(from_rule=incorporation, to_rule=world.safety_regulation, kind=m.RelationKind.IMPLEMENTS)
    assert applies(world.party, world.safety_regulation, binding_only=True)
    assert applies(world.party, world.un_regulation, binding_only=True)
    assert [r.path for r in reasons(world.party, world.un_regulation) if r.binding] == [
        "made binding by Safety Regulation from 6 July 2022, "
        "incorporated in Partyland by Partyland Approval Act from 1 March 2023"
    ]
    groups = {group.explanation: group for group in coverage(world.un_regulation, TODAY)}
    incorporated = groups["made binding by Safety Regulation, incorporated in Partyland by Partyland Approval Act"]
    assert incorporated.jurisdictions == [world.party] and incorporated.effective_from == dt.date(2023, 3, 1)
    assert (
        world.party in groups["parties to the 1958 Agreement; whether they apply this regulation is not recorded"].also
    )


def test_an_implementing_rule_that_does_not_bind_here_carries_nothing(world):
    guidance = RuleFactory(jurisdiction=world.party, instrument=m.Instrument.GUIDANCE, binding_by_itself=False)
    draft = RuleFactory(jurisdiction=world.party, state=m.CurationState.DRAFT)
    repealed = RuleFactory(jurisdiction=world.party, applies_until=dt.date(2024, 1, 1))
    for carrier in (guidance, draft, repealed):
        RuleRelationFactory(from_rule=carrier, to_rule=world.framework, kind=m.RelationKind.IMPLEMENTS)
    assert not applies(world.party, world.framework)
    assert reasons(world.party, world.framework) == []


def test_implementing_a_rule_that_already_applies_adds_no_second_reason(world):
    delegated = RuleFactory(jurisdiction=world.union, short_name="Delegated Act")
    RuleRelationFactory(from_rule=delegated, to_rule=world.safety_regulation, kind=m.RelationKind.IMPLEMENTS)
    assert [r.path for r in reasons(world.member, world.safety_regulation)] == [
        "via QU membership since 1 January 1958"
    ]


def test_guidance_is_advisory_where_it_applies_and_can_never_bind_by_itself(world):
    guidance = RuleFactory(jurisdiction=world.union, instrument=m.Instrument.GUIDANCE, binding_by_itself=False)
    assert [r.force for r in reasons(world.member, guidance)] == [Force.ADVISORY]
    assert applies(world.member, guidance) and not applies(world.member, guidance, binding_only=True)
    guidance.binding_by_itself = True
    with pytest.raises(ValidationError, match="Guidance never binds by itself"):
        guidance.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        guidance.save()


def test_only_a_party_can_be_recorded_applying_and_only_a_un_regulation(world):
    outsider = JurisdictionFactory(code="QX", name="Outsideland")
    with pytest.raises(ValidationError, match="party to the 1958 Agreement first"):
        application = m.RegulationApplication(
            party=outsider, regulation=world.un_regulation, source_url="https://un.example/"
        )
        application.full_clean()
    with pytest.raises(ValidationError, match="Choose a UN Regulation"):
        m.RegulationApplication(
            party=world.party, regulation=world.union_rule, source_url="https://un.example/"
        ).full_clean()


def test_reasons_cost_the_same_queries_for_5_or_50_rules(world):
    def queries(count):
        rules = [RuleFactory(jurisdiction=world.union) for _ in range(count)]
        for rule in rules:
            RuleRelationFactory(from_rule=world.safety_regulation, to_rule=rule, kind=m.RelationKind.MAKES_BINDING)
        with CaptureQueriesContext(connection) as captured:
            reach = applicability(world.member, TODAY)
            list(reach.rules())
            reach.reasons(rules)
        return len(captured)

    assert queries(5) == queries(50)


def test_real_content_gdpr_stopped_applying_in_the_uk_after_brexit():
    gb, gdpr = m.Jurisdiction.objects.get(code="GB"), m.Rule.objects.get(slug="eu-gdpr")
    assert applies(gb, gdpr, on=dt.date(2019, 6, 1))
    assert not applies(gb, gdpr, on=dt.date(2020, 2, 1))


def test_real_content_un_r155_is_binding_in_germany_through_eu_law():
    germany, r155 = m.Jurisdiction.objects.get(code="DE"), m.Rule.objects.get(slug="un-r155")
    assert applies(germany, r155, binding_only=True)
    binders = {r.steps[0].rule.slug for r in reasons(germany, r155) if r.binding}
    assert "eu-gsr-2019-2144" in binders


def test_real_content_un_r155_is_never_binding_in_australia():
    australia, r155 = m.Jurisdiction.objects.get(code="AU"), m.Rule.objects.get(slug="un-r155")
    found = reasons(australia, r155)
    assert found
    assert not any(r.binding for r in found)


@pytest.mark.parametrize("on", [TODAY, dt.date(2019, 6, 1), dt.date(2030, 1, 1)])
def test_counts_agree_with_the_sql_condition_everywhere(on):
    places = list(m.Jurisdiction.objects.select_related("parent").filter(code__in=[*REAL_PLACES]))
    counts = applicable_counts(places, on, m.Rule.objects.published())
    for place in places:
        expected = applicability(place, on).rules().count()
        assert counts[place.pk] == expected, place.code


@pytest.mark.parametrize("on", [TODAY, dt.date(2019, 6, 1)])
def test_the_binding_condition_agrees_with_the_verdicts_everywhere(on):
    rules = list(m.Rule.objects.published())
    for place in m.Jurisdiction.objects.select_related("parent").filter(code__in=[*REAL_PLACES]):
        reach = applicability(place, on)
        binding = {pk for pk, verdict in reach.verdicts(rules).items() if verdict.force == Force.BINDING}
        reaching = {pk for pk, verdict in reach.verdicts(rules).items() if verdict.reasons}
        assert set(reach.rules(binding_only=True).values_list("pk", flat=True)) == binding, place.code
        assert set(reach.rules().values_list("pk", flat=True)) == reaching, place.code


@pytest.mark.parametrize("on", [TODAY, dt.date(2019, 6, 1)])
def test_each_force_in_sql_agrees_with_the_verdicts_everywhere(on):
    """What a profile counts (``force_expression``) and the rule list filters (``force_condition``) by force."""
    rules = list(m.Rule.objects.published())
    for place in m.Jurisdiction.objects.select_related("parent").filter(code__in=[*REAL_PLACES]):
        reach = applicability(place, on)
        verdicts = {pk: verdict.key for pk, verdict in reach.verdicts(rules).items() if verdict.reasons}
        counted = dict(reach.rules().annotate(force=reach.force_expression()).values_list("pk", "force"))
        assert counted == verdicts, place.code
        for force in (*Force, None):
            found = set(m.Rule.objects.published().filter(reach.force_condition([force])).values_list("pk", flat=True))
            assert found == {pk for pk, key in verdicts.items() if key == force_key(force)}, (place.code, force)


REAL_PLACES = [
    *["DE", "FR", "PL", "GB", "NO", "US", "US-CA", "JP"],
    *["KR", "AU", "CN", "BR", "EU", "UNECE", "RU", "TR", "IN"],
]
