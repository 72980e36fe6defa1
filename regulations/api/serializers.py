"""How rules, requirements and jurisdictions read as JSON: published facts only, never internal notes."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from .. import public_fields
from ..force import Force, force_key
from ..models import (
    Jurisdiction,
    LegalStatus,
    Membership,
    Milestone,
    Requirement,
    Rule,
    RuleRelation,
    Source,
)
from .internal import InternalNotes

FORCE_KEYS = [force_key(force) for force in [*Force, None]]


class PlaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Jurisdiction
        fields = ["code", "name"]


class ReasonSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="How the rule reaches the place, in words.")
    force = serializers.ChoiceField(choices=FORCE_KEYS, source="key")
    effective_from = serializers.DateField(allow_null=True)


class VerdictSerializer(serializers.Serializer):
    """A rule in one chosen market: its strongest force there, the paths that carry it, and weaker ones."""

    jurisdiction = serializers.CharField(source="jurisdiction.code")
    force = serializers.ChoiceField(choices=FORCE_KEYS, source="key")
    force_label = serializers.CharField(source="label")
    grounds = ReasonSerializer(many=True)
    detail = ReasonSerializer(many=True)


class RuleSerializer(serializers.ModelSerializer):
    """A rule as the rule list shows it (``verdicts``: one per ``applies_in`` market it reaches)."""

    jurisdiction = PlaceSerializer()
    authority = serializers.CharField(source="authority.name", allow_null=True, default=None)
    topics = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices, help_text="On the day asked for (`on`).")
    api_url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()
    verdicts = VerdictSerializer(many=True, required=False, help_text="With `applies_in` only.")

    class Meta:
        model = Rule
        fields = [
            "slug",
            "short_name",
            "title",
            "original_title",
            "citation",
            "jurisdiction",
            "authority",
            "instrument",
            "legal_status",
            "adopted_on",
            "applies_from",
            "applies_until",
            "level_min",
            "level_max",
            "topics",
            "api_url",
            "html_url",
            "verdicts",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, rule: Rule) -> str:
        return reverse("api:rule-detail", args=[rule.slug], request=self.context.get("request"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, rule: Rule) -> str:
        return reverse("regulations:rule-detail", args=[rule.slug], request=self.context.get("request"))


class SuccessorSerializer(serializers.Serializer):
    rule = serializers.CharField(source="rule.slug")
    key = serializers.CharField()


class RequirementSerializer(serializers.ModelSerializer):
    """A requirement of a published rule; ``superseded_by`` only names a requirement of a published rule."""

    topics = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug", help_text="Its own topics.")
    superseded_by = serializers.SerializerMethodField()
    internal = InternalNotes("internal_note")

    class Meta:
        model = Requirement
        fields = [*public_fields.REQUIREMENT, "topics", "superseded_by", "internal"]

    @extend_schema_field(SuccessorSerializer(allow_null=True))
    def get_superseded_by(self, requirement: Requirement) -> dict | None:
        successor = self.context.get("successors", {}).get(requirement.superseded_by_id)
        return SuccessorSerializer(successor).data if successor else None


class RuleReferenceSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")

    class Meta:
        model = Rule
        fields = ["slug", "short_name", "title", "jurisdiction"]


class RequirementItemSerializer(RequirementSerializer):
    """A requirement on its own, at its stable address (its rule's slug and its key)."""

    rule = RuleReferenceSerializer()
    api_url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()

    class Meta(RequirementSerializer.Meta):
        fields = ["rule", *RequirementSerializer.Meta.fields, "api_url", "html_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, requirement: Requirement) -> str:
        args = [requirement.rule.slug, requirement.key]
        return reverse("api:requirement-detail", args=args, request=self.context.get("request"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, requirement: Requirement) -> str:
        args = [requirement.rule.slug, requirement.key]
        return reverse("regulations:requirement-detail", args=args, request=self.context.get("request"))


class MilestoneSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(read_only=True, slug_field="code", allow_null=True)
    requirement = serializers.SlugRelatedField(read_only=True, slug_field="key", allow_null=True)

    class Meta:
        model = Milestone
        fields = ["key", "kind", "date", "jurisdiction", "requirement", "note", "source_url"]


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["url", "title", "publisher", "language", "official", "accessed_on"]


class RelationSerializer(serializers.ModelSerializer):
    rule = serializers.SerializerMethodField(help_text="The other rule's slug.")
    direction = serializers.SerializerMethodField(
        help_text="`to`: this rule relates to the other; `from`: the reverse."
    )

    class Meta:
        model = RuleRelation
        fields = ["kind", "direction", "rule", "applies_from", "note"]

    def get_rule(self, relation: RuleRelation) -> str:
        return relation.to_rule.slug if self.direction_of(relation) == "to" else relation.from_rule.slug

    def get_direction(self, relation: RuleRelation) -> str:
        return self.direction_of(relation)

    def direction_of(self, relation: RuleRelation) -> str:
        return "to" if relation.from_rule_id == self.context["rule"].pk else "from"


class RuleDetailSerializer(RuleSerializer):
    requirements = RequirementSerializer(many=True)
    milestones = MilestoneSerializer(many=True)
    sources = SourceSerializer(many=True)
    relations = serializers.SerializerMethodField()
    internal = InternalNotes("internal_notes")

    class Meta(RuleSerializer.Meta):
        fields = [
            *(name for name in RuleSerializer.Meta.fields if name != "verdicts"),
            *(name for name in public_fields.RULE if name not in RuleSerializer.Meta.fields),
            "requirements",
            "milestones",
            "sources",
            "relations",
            "internal",
        ]

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, rule: Rule) -> list[dict]:
        relations = [*rule.outgoing_relations.all(), *rule.incoming_relations.all()]
        return RelationSerializer(relations, many=True, context=self.context | {"rule": rule}).data


class MembershipSerializer(serializers.ModelSerializer):
    body = PlaceSerializer()

    class Meta:
        model = Membership
        fields = ["body", "role", "since", "until", "source_url"]


class JurisdictionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(read_only=True, slug_field="code", allow_null=True)
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = Jurisdiction
        fields = ["code", "name", "original_name", "kind", "parent", "region", "html_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, jurisdiction: Jurisdiction) -> str:
        return reverse(
            "regulations:jurisdiction-detail", args=[jurisdiction.code.lower()], request=self.context.get("request")
        )


COVERAGE_STATES = ["covered", "partial", "not_covered"]


class DomainCoverageSerializer(serializers.Serializer):
    """How far the law reaching the place in one domain was researched (its own, its unions', its country's)."""

    domain = serializers.CharField(source="domain.slug")
    state = serializers.ChoiceField(choices=COVERAGE_STATES, source="state.value")
    label = serializers.CharField()
    researched_on = serializers.DateField(allow_null=True, help_text="The oldest research date among the makers.")
    not_researched = serializers.SerializerMethodField(help_text="Codes of the makers whose law was not.")

    def get_not_researched(self, coverage) -> list[str]:
        return [place.code for place in coverage.missing]


class PlaceCoverageSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=COVERAGE_STATES, source="state.value")
    label = serializers.CharField()
    domains = DomainCoverageSerializer(many=True)


class JurisdictionDetailSerializer(JurisdictionSerializer):
    memberships = MembershipSerializer(many=True, help_text="Unions and treaties, with dates.")
    coverage = PlaceCoverageSerializer(help_text='Not covered is not "nothing applies": what was researched.')

    class Meta(JurisdictionSerializer.Meta):
        fields = [*JurisdictionSerializer.Meta.fields, "description", "memberships", "coverage"]
