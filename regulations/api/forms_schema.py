"""OpenAPI query parameters read off a Django form, so that an endpoint taking a page's form documents
exactly the parameters that form validates (one definition, not a second list to keep in step)."""

from __future__ import annotations

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter


def form_parameters(form_class: type[forms.Form], required: tuple[str, ...] = ()) -> list[OpenApiParameter]:
    """``required``: parameters the form asks for in its ``clean`` rather than field by field."""
    parameters = []
    for name, field in form_class.base_fields.items():
        many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        kind = OpenApiTypes.DATE if isinstance(field, forms.DateField) else OpenApiTypes.STR
        choices = []
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices = [str(value) for value, _ in field.choices if value not in ("", None)]  # codes: not an enum
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                OpenApiParameter.QUERY,
                required=field.required or name in required,
                description=" ".join(str(text) for text in (field.label, field.help_text) if text),
                enum=choices or None,
                many=many,
                explode=True if many else None,
            )
        )
    return parameters
