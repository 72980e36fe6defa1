"""The change log as JSON: the page's events (dated by the law, corrections labelled), newest first."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.reverse import reverse

from ..events import EventKind, event_rows, legal_events
from ..filters import ChangeFilter
from ..models import Rule
from .views import KeptFilterBackend


class ChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    label = serializers.CharField()
    day = serializers.DateField(help_text="The law's date; for a correction, the day it was made.")
    rule = serializers.CharField(source="rule.slug")
    other_rule = serializers.CharField(source="other.slug", allow_null=True, default=None)
    is_correction = serializers.BooleanField(help_text="A correction to our content, not a change in the law.")
    detail = serializers.CharField(help_text="What kind of correction; empty for a change in the law.")
    summary = serializers.CharField()
    html_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, event) -> str:
        page = reverse("regulations:rule-detail", args=[event.rule.slug], request=self.context.get("request"))
        return f"{page}#{event.anchor}"


class ChangeList(generics.ListAPIView):
    """What changed, newest first, up to today: rules adopted, applying, amended, repealed or ending, and our
    corrections, for the rules made by the chosen jurisdictions on the chosen topics."""

    serializer_class = ChangeSerializer
    filter_backends = [KeptFilterBackend]
    filterset_class = ChangeFilter

    def get_queryset(self):
        return Rule.objects.published()

    def list(self, request, *args, **kwargs):
        rules = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(event_rows(rules, until=timezone.localdate()))
        return self.get_paginated_response(self.get_serializer(legal_events(page), many=True).data)
