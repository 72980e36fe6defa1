"""What applies in one place on a day: the rule list's filter fixed to that place, each rule with its verdict,
why, and from when it binds a vehicle in that situation."""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers

from ..checklists import rule_phase_in
from ..filters import RuleFilter
from ..milestones import by_rule
from ..models import Jurisdiction, Rule, VehicleSituation, legal_status_expression
from .serializers import RuleSerializer, VerdictSerializer
from .views import KeptFilterBackend


class PlaceRuleFilter(RuleFilter):
    """The rule list's filters for the rules reaching one place (named by the address, not ``applies_in``)."""

    applies_in = None
    vehicle = django_filters.ChoiceFilter(
        choices=VehicleSituation.choices,
        method="filter_vehicle",
        label="Vehicle",
        help_text="Whose phase-in dates count (a new type by default).",
    )

    def __init__(self, data=None, *args, place: Jurisdiction, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.place = place

    def markets(self) -> list[Jurisdiction]:
        return [self.place]

    @property
    def situation(self) -> str:
        return self.cleaned.get("vehicle") or VehicleSituation.NEW_TYPE

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).filter(self.applicability[0].condition())

    def filter_vehicle(self, queryset, name, value):
        return queryset


class PlaceFilterBackend(KeptFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):
        return super().get_filterset_kwargs(request, queryset, view) | {"place": view.place}


class ApplicableRuleSerializer(RuleSerializer):
    verdict = VerdictSerializer(allow_null=True, help_text="Its verdict in the place: force, grounds, detail.")
    binds_vehicle_from = serializers.DateField(
        allow_null=True, help_text="The day it starts binding the vehicle there, phase-in milestones counted."
    )
    phase_in = serializers.CharField(help_text="Its phase-in milestones there, in words.")

    class Meta(RuleSerializer.Meta):
        fields = [name for name in RuleSerializer.Meta.fields if name != "verdicts"] + [
            "verdict",
            "binds_vehicle_from",
            "phase_in",
        ]


class ApplicabilityView(generics.ListAPIView):
    """Every published rule that reaches a place on a day (`on`, today by default), strongest force first within
    the rule list's order, with why, and from when it binds a vehicle (`vehicle`)."""

    serializer_class = ApplicableRuleSerializer
    filter_backends = [PlaceFilterBackend]
    filterset_class = PlaceRuleFilter

    def get_queryset(self):
        return Rule.objects.published().for_list()

    def list(self, request, *args, **kwargs):
        self.place = get_object_or_404(Jurisdiction.objects.select_related("parent"), code=kwargs["code"].upper())
        rules = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(rules.annotate(legal_status=legal_status_expression(self.filterset.day)))
        reach = self.filterset.applicability[0]
        page = self.filterset.with_verdicts(page)
        milestones = by_rule([rule.pk for rule in page])
        for rule in page:
            rule.verdict = next(iter(rule.verdicts), None)
            phase = rule_phase_in(
                rule, rule.verdict, milestones.get(rule.pk, ()), set(reach.reaching), self.filterset.situation
            )
            rule.binds_vehicle_from, rule.phase_in = phase.start, phase.described
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
