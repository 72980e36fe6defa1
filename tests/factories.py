"""factory-boy factories; codes and slugs never collide with the reference content."""

import datetime as dt

import factory

from regulations import models as m


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Jurisdiction
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"Q{n}")
    name = factory.Sequence(lambda n: f"Testland {n}")
    kind = m.JurisdictionKind.COUNTRY


class UnionFactory(JurisdictionFactory):
    code = factory.Sequence(lambda n: f"UN{n}")
    name = factory.Sequence(lambda n: f"Test Union {n}")
    kind = m.JurisdictionKind.UNION


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Membership

    member = factory.SubFactory(JurisdictionFactory)
    body = factory.SubFactory(UnionFactory)
    role = m.MembershipRole.MEMBER
    since = dt.date(2000, 1, 1)


class CoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Coverage

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    domain = m.Domain.ROAD_SAFETY
    researched_on = dt.date(2026, 11, 25)


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Authority

    slug = factory.Sequence(lambda n: f"test-authority-{n}")
    name = factory.Sequence(lambda n: f"Test Authority {n}")
    jurisdiction = factory.SubFactory(JurisdictionFactory)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Topic

    slug = factory.Sequence(lambda n: f"test-topic-{n}")
    name = factory.Sequence(lambda n: f"Test topic {n}")


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Rule
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"test-rule-{n}")
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    authority = factory.SubFactory(AuthorityFactory, jurisdiction=factory.SelfAttribute("..jurisdiction"))
    title = factory.Sequence(lambda n: f"Test Vehicle Data Act {n}")
    short_name = factory.Sequence(lambda n: f"TVDA {n}")
    citation = factory.Sequence(lambda n: f"Test Act No. {n}")
    instrument = m.Instrument.LAW
    adopted_on = dt.date(2020, 1, 1)
    applies_from = dt.date(2021, 1, 1)
    summary = "A test rule about vehicle data."
    state = m.CurationState.PUBLISHED

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Requirement

    rule = factory.SubFactory(RuleFactory)
    key = factory.Sequence(lambda n: f"art-{n}")
    reference = factory.Sequence(lambda n: f"Art. {n}")
    kind = m.RequirementKind.OBLIGATION
    obligation = "Keep vehicle data safe."
    evidence = "Security policy."
    order = factory.Sequence(int)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Source

    rule = factory.SubFactory(RuleFactory)
    url = factory.Sequence(lambda n: f"https://example.org/law/{n}")
    publisher = "Test Gazette"
    official = True


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Milestone

    rule = factory.SubFactory(RuleFactory)
    key = factory.Sequence(lambda n: f"milestone-{n}")
    kind = m.MilestoneKind.NEW_TYPES
    date = dt.date(2026, 7, 1)
    source_url = factory.Sequence(lambda n: f"https://example.org/law/milestone/{n}")


class RuleRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.RuleRelation

    from_rule = factory.SubFactory(RuleFactory)
    to_rule = factory.SubFactory(RuleFactory)
    kind = m.RelationKind.REFERENCES


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Company

    slug = factory.Sequence(lambda n: f"test-motors-{n}")
    name = factory.Sequence(lambda n: f"Test Motors {n}")
    segment = m.Segment.CARMAKER


class MarketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Market

    company = factory.SubFactory(CompanyFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    status = m.MarketStatus.SELLING


class PublicRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PublicRecord

    company = factory.SubFactory(CompanyFactory)
    kind = m.RecordKind.APPROVAL
    description = "Type approval granted."
    source_url = factory.Sequence(lambda n: f"https://example.org/news/{n}")


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Assessment

    company = factory.SubFactory(CompanyFactory)
    requirement = factory.SubFactory(RequirementFactory)
    status = m.AssessmentStatus.MET
    is_sample = True


class RequirementMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.RequirementMapping

    from_requirement = factory.SubFactory(RequirementFactory)
    to_requirement = factory.SubFactory(RequirementFactory)
    relationship = m.MappingRelationship.INTERSECTS
    rationale = "Both ask for a cybersecurity management system."


class TreatyBodyFactory(JurisdictionFactory):
    code = factory.Sequence(lambda n: f"TB{n}")
    name = factory.Sequence(lambda n: f"Test Forum {n}")
    kind = m.JurisdictionKind.TREATY_BODY


class UnRegulationFactory(RuleFactory):
    jurisdiction = factory.SubFactory(TreatyBodyFactory)
    instrument = m.Instrument.REGULATION
    binding_by_itself = False
    treaty_instrument = m.TreatyInstrument.UN_REGULATION


class RegulationApplicationFactory(factory.django.DjangoModelFactory):
    """A party to the 1958 Agreement (its membership made too) applying a UN Regulation."""

    class Meta:
        model = m.RegulationApplication
        skip_postgeneration_save = True

    party = factory.SubFactory(JurisdictionFactory)
    regulation = factory.SubFactory(UnRegulationFactory)
    source_url = factory.Sequence(lambda n: f"https://example.org/treaties/{n}")

    @factory.post_generation
    def party_membership(self, create, extracted, **kwargs):
        if create:
            body = self.regulation.jurisdiction
            MembershipFactory(member=self.party, body=body, role=m.MembershipRole.PARTY_1958, since=None)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Question

    slug = factory.Sequence(lambda n: f"test-question-{n}")
    group = m.QuestionGroup.DATA_SECURITY
    topic = factory.SubFactory(TopicFactory)
    label = factory.Sequence(lambda n: f"Test question {n}")
    text = "Must vehicle data be kept safe?"
    yes_means = "The law requires it."


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Answer
        skip_postgeneration_save = True

    question = factory.SubFactory(QuestionFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    value = m.AnswerValue.YES
    explanation = "Keep it safe."
    state = m.CurationState.PUBLISHED

    @factory.post_generation
    def rests_on(self, create, extracted, **kwargs):
        if create:
            self.rests_on.set(extracted or [RequirementFactory(rule__jurisdiction=self.jurisdiction)])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"analyst-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True


class FirmMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.FirmMembership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Programme

    company = factory.SubFactory(CompanyFactory)
    slug = factory.Sequence(lambda n: f"model-s{n}")
    name = factory.Sequence(lambda n: f"Model S{n} for the EU")
    vehicle_category = m.VehicleCategory.M1
    sae_level = 2


class ProgrammeMarketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ProgrammeMarket

    programme = factory.SubFactory(ProgrammeFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    type_approval_on = dt.date(2027, 7, 1)
    first_registration_on = dt.date(2027, 9, 1)


class ProgrammeAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.ProgrammeAssessment

    programme = factory.SubFactory(ProgrammeFactory)
    requirement = factory.SubFactory(RequirementFactory)
    status = m.AssessmentStatus.GAP
