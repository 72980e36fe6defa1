"""Firms, their markets and public records, and their public assessments (never internal ones)."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.reverse import reverse

from ..filters import jurisdictions_filter, slugs_filter
from ..listings import company_table
from ..models import Assessment, AssessmentStatus, Company, CurationState, Market, PublicRecord
from ..views.exports import site_of
from .internal import InternalNotes, for_staff
from .tables import as_csv, csv_listing, csv_response
from .views import SLUG

SAMPLE_HELP = "True for an illustrative sample, not a real firm."


class MarketSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    since = serializers.CharField(help_text="A date known to the year, month or day (YYYY, YYYY-MM or YYYY-MM-DD).")

    class Meta:
        model = Market
        fields = ["jurisdiction", "status", "since"]


class RecordSerializer(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(read_only=True, slug_field="code", allow_null=True)
    rule = serializers.SerializerMethodField(help_text="The rule it concerns, where that rule is published.")
    date = serializers.CharField(help_text="YYYY, YYYY-MM or YYYY-MM-DD.")
    internal = InternalNotes("internal_note")

    class Meta:
        model = PublicRecord
        fields = ["kind", "date", "jurisdiction", "rule", "issuer", "description", "source_url", "internal"]

    def get_rule(self, record: PublicRecord) -> str | None:
        rule = record.rule
        return rule.slug if rule and rule.state == CurationState.PUBLISHED else None


class CompanySerializer(serializers.ModelSerializer):
    hq_country = serializers.SlugRelatedField(read_only=True, slug_field="code", allow_null=True)
    illustrative_sample = serializers.BooleanField(source="is_fictional", help_text=SAMPLE_HELP)
    markets = MarketSerializer(many=True, source="market_entries")
    api_url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = [
            "slug",
            "name",
            "original_name",
            "segment",
            "hq_city",
            "hq_country",
            "website",
            "listings",
            "illustrative_sample",
            "markets",
            "api_url",
            "html_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, company: Company) -> str:
        return reverse("api:company-detail", args=[company.slug], request=self.context.get("request"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, company: Company) -> str:
        return reverse("regulations:company-detail", args=[company.slug], request=self.context.get("request"))


class CompanyDetailSerializer(CompanySerializer):
    records = RecordSerializer(many=True, help_text="Public, sourced facts: approvals, permits, fines, entries.")
    internal = InternalNotes("internal_notes")

    class Meta(CompanySerializer.Meta):
        fields = [*CompanySerializer.Meta.fields, "summary", "records", "internal"]


class CompanyViewSet(viewsets.ReadOnlyModelViewSet):
    """Firms with their markets; samples are marked ``illustrative_sample``."""

    lookup_field = "slug"
    lookup_value_regex = SLUG

    def get_queryset(self):
        return Company.objects.for_list().order_by("is_fictional", "name", "pk")

    def get_serializer_class(self):
        return CompanyDetailSerializer if self.action == "retrieve" else CompanySerializer

    @csv_listing(CompanySerializer)
    def list(self, request, *args, **kwargs):
        if as_csv(request):
            return csv_response(company_table(site_of(request)))
        return super().list(request, *args, **kwargs)

    def get_object(self):
        records = PublicRecord.objects.select_related("jurisdiction", "rule")
        firms = self.get_queryset().prefetch_related(Prefetch("records", queryset=records))
        return get_object_or_404(firms, slug=self.kwargs["slug"].lower())


class AssessmentFilter(django_filters.FilterSet):
    """The public assessments listing's filter: by firm, market of the requirement's rule, and status."""

    company = slugs_filter(Company.objects.all(), "filter_company", "Firm", "firm")
    jurisdiction = jurisdictions_filter("filter_jurisdiction", label="Made by")
    status = django_filters.MultipleChoiceFilter(choices=AssessmentStatus.choices)

    def filter_company(self, queryset, name, value):
        return queryset.filter(company__in=value) if value else queryset

    def filter_jurisdiction(self, queryset, name, value):
        return queryset.filter(requirement__rule__jurisdiction__in=value) if value else queryset


class AssessmentSerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="company.slug")
    rule = serializers.CharField(source="requirement.rule.slug")
    requirement = serializers.CharField(source="requirement.key")
    illustrative_sample = serializers.BooleanField(source="is_sample", help_text=SAMPLE_HELP)

    class Meta:
        model = Assessment
        fields = [
            "company",
            "rule",
            "requirement",
            "status",
            "evidence",
            "evidence_url",
            "assessed_on",
            "illustrative_sample",
            "visibility",
        ]


class AssessmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Public assessments of firms against requirements of published rules; staff also see internal ones,
    each marked ``visibility: internal``."""

    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        visible = Assessment.objects.all() if for_staff({"request": self.request}) else Assessment.objects.public()
        return (
            visible.filter(requirement__rule__state=CurationState.PUBLISHED)
            .select_related("company", "requirement__rule")
            .order_by("company__name", "requirement__rule__slug", "requirement__order", "pk")
        )
