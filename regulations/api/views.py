"""Read-only endpoints: rules through the rule list's own FilterSet, and jurisdictions. Published content only."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ..checklists import build_checklist
from ..coverage import coverage_of
from ..exports import WRITERS
from ..filters import RuleFilter
from ..forms import ChecklistForm
from ..listings import jurisdiction_table, rule_table
from ..models import CurationState, Jurisdiction, Membership, Requirement, Rule, legal_status_expression
from ..requirement_filter import RequirementFilter
from ..views.checklist import checklist_query
from ..views.exports import site_of, written
from .forms_schema import form_parameters
from .problems import form_errors
from .serializers import (
    JurisdictionDetailSerializer,
    JurisdictionSerializer,
    RequirementItemSerializer,
    RuleDetailSerializer,
    RuleSerializer,
)
from .tables import as_csv, csv_listing, csv_response

SLUG = r"[-a-zA-Z0-9_]{1,100}"
CODE = r"[a-zA-Z0-9-]{1,12}"


class KeptFilterBackend(DjangoFilterBackend):
    """A listing's FilterSet, validated (a 400 naming each field) and kept on the view as ``view.filterset``
    for what the page needs beyond the rows: its day, its markets' verdicts."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        view.filterset = filterset
        return filterset.qs


class RuleViewSet(viewsets.ReadOnlyModelViewSet):
    """Published rules. The list takes the rule list's parameters (`/rules/`), validated the same way."""

    filter_backends = [KeptFilterBackend]
    filterset_class = RuleFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG

    def get_queryset(self):
        return Rule.objects.published().for_list()

    def get_serializer_class(self):
        return RuleDetailSerializer if self.action == "retrieve" else RuleSerializer

    @csv_listing(RuleSerializer)
    def list(self, request, *args, **kwargs):
        wants_csv = as_csv(request)
        rules = self.filter_queryset(self.get_queryset())
        if wants_csv:
            return csv_response(rule_table(self.filterset, site_of(request)))
        page = self.paginate_queryset(rules.annotate(legal_status=legal_status_expression(self.filterset.day)))
        page = self.filterset.with_verdicts(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        rules = (
            Rule.objects.published().for_detail().annotate(legal_status=legal_status_expression(timezone.localdate()))
        )
        return get_object_or_404(rules, slug=self.kwargs["slug"].lower())

    def retrieve(self, request, *args, **kwargs):
        rule = self.get_object()
        context = self.get_serializer_context() | {"successors": successors_of(rule.requirements.all())}
        return Response(RuleDetailSerializer(rule, context=context).data)


class RequirementViewSet(viewsets.ReadOnlyModelViewSet):
    """Requirements of published rules, in their rules' order; each at its rule's slug and its key."""

    serializer_class = RequirementItemSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RequirementFilter

    def get_queryset(self):
        return (
            Requirement.objects.filter(rule__state=CurationState.PUBLISHED)
            .select_related("rule__jurisdiction")
            .prefetch_related("topics")
            .defer("rule__summary", "rule__internal_notes", "rule__search_vector")
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.successors = successors_of(page)
        return page

    def get_serializer_context(self):
        return super().get_serializer_context() | {"successors": getattr(self, "successors", {})}

    def get_object(self):
        requirement = get_object_or_404(
            self.get_queryset(), rule__slug=self.kwargs["slug"].lower(), key=self.kwargs["key"].lower()
        )
        self.successors = successors_of([requirement])
        return requirement


def successors_of(requirements) -> dict[int, Requirement]:
    """The requirements that replace these, where their rule is published (a draft's is never named)."""
    replaced = [requirement.superseded_by_id for requirement in requirements if requirement.superseded_by_id]
    found = Requirement.objects.filter(pk__in=replaced, rule__state=CurationState.PUBLISHED).select_related("rule")
    return {requirement.pk: requirement for requirement in found}


@extend_schema(description="Countries, subdivisions, unions and treaty bodies.")
class JurisdictionViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"
    lookup_value_regex = CODE

    def get_queryset(self):
        return Jurisdiction.objects.select_related("parent").order_by("name", "code")

    def get_serializer_class(self):
        return JurisdictionDetailSerializer if self.action == "retrieve" else JurisdictionSerializer

    @csv_listing(JurisdictionSerializer)
    def list(self, request, *args, **kwargs):
        if as_csv(request):
            return csv_response(jurisdiction_table(site_of(request)))
        return super().list(request, *args, **kwargs)

    def get_object(self):
        memberships = Prefetch("memberships", queryset=Membership.objects.select_related("body"))
        places = self.get_queryset().prefetch_related(memberships)
        place = get_object_or_404(places, code=self.kwargs["code"].upper())
        place.coverage = coverage_of([place], timezone.localdate())[place.pk]
        return place


@extend_schema(
    parameters=form_parameters(ChecklistForm, required=("applies_in",)),
    responses={(200, "application/json"): OpenApiTypes.OBJECT},
    description=(
        "The checklist of `/checklist/`, built by the same row builder from the same parameters: the query, "
        "coverage, columns and every row, streamed. `format` picks another of the page's writers "
        "(csv, xlsx, md, pdf)."
    ),
)
class ChecklistView(APIView):
    def get(self, request):
        data = request.query_params.copy()
        data.setdefault("format", "json")
        form = ChecklistForm(data)
        if not form.is_valid():
            raise ValidationError(form_errors(form))
        fmt = form.cleaned_data["format"]
        if fmt not in WRITERS:
            raise ValidationError({"format": [f"Choose one of {', '.join(WRITERS)}: the API has no HTML preview."]})
        checklist = build_checklist(checklist_query(form.cleaned_data, request.user), site=site_of(request))

        def refuse(message: str):
            raise ValidationError({"format": [message]})

        return written(WRITERS[fmt], checklist, refuse)
