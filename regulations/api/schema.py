"""The OpenAPI description: every operation also documents its error answers, as problem details."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from .problems import PROBLEM_JSON

PAGE_PARAMETERS = {"page", "page_size"}
ERRORS = {
    "400": "A parameter is not valid: `errors` names it and says why.",
    "401": "A token was sent that is not valid (anonymous clients send none).",
    "404": "No such item, or a page past the last.",
    "429": "Too many requests: wait as long as `Retry-After` says.",
}


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="With a 400: the messages per parameter.",
    )


class ProblemAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        for status, description in ERRORS.items():
            response = self._get_response_for_code(ProblemSerializer, status, media_types=[PROBLEM_JSON])
            bodies.setdefault(status, response | {"description": description})
        return bodies


def blank_means_absent(result, generator, request, public):
    """Every query parameter but the page's may be given empty, and then counts as not given (as the pages'
    forms send it): say so in the description (``allowEmptyValue``)."""
    for path in result["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] not in PAGE_PARAMETERS:
                    parameter["allowEmptyValue"] = True
    return result
