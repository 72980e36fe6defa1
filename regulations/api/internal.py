"""What staff see beside the published facts: internal notes and internal assessments, always marked.

The API answers anonymous clients with published content only. A staff member signed in
(session) or sending a token (``Authorization: Token <key>``; ``manage.py drf_create_token
<username>`` makes one) also gets each item's internal notes under ``internal`` (null for
everyone else) and internal assessments with ``visibility: internal``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def for_staff(context: dict) -> bool:
    request = context.get("request")
    return bool(request and request.user and request.user.is_staff)


class InternalSerializer(serializers.Serializer):
    notes = serializers.CharField(help_text="Curators' internal notes: never public.")


@extend_schema_field(InternalSerializer(allow_null=True))
class InternalNotes(serializers.Field):
    """``{"notes": ...}`` from the model field ``source_field`` for staff; null for everyone else."""

    def __init__(self, source_field: str, **kwargs):
        self.source_field = source_field
        kwargs.setdefault("help_text", "Staff only (session or token): internal notes, marked. Null otherwise.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        if not for_staff(self.context):
            return None
        return {"notes": getattr(value, self.source_field)}
