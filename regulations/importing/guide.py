"""What an import file must look like, said from the code that reads it.

The import page's help and the template files' "How to fill" sheet are built here from the
resources (their columns, in the order the import reads them, and which of them identify a row),
their widgets (the date formats, the codes and slugs looked up) and the model fields (required or
not, choices, help text), and from ``formats`` (file types, delimiters, encodings): change the
reading code and the help changes with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from import_export import widgets

from regulations.models import Rule
from regulations.services import PUBLISH

from .bulk import PREVIEW_ROWS
from .formats import DELIMITER_NAMES, DELIMITERS, ENCODINGS, IMPORT_FORMATS
from .widgets import DATE_FORMATS, CodeWidget, FlexibleDateWidget, SlugsWidget

STRFTIME_NAMES = {"%Y": "YYYY", "%m": "MM", "%d": "DD"}
BOOLEAN = "TRUE or FALSE (1 or 0)"


@dataclass(frozen=True)
class Column:
    """One column of an import file, as the "How to fill" sheet and the import page describe it."""

    name: str
    required: str
    format: str
    allowed: str
    notes: str


def date_formats() -> list[str]:
    """The text date formats the date widget tries, in its order (YYYY-MM-DD first)."""
    return [re.sub(r"%[Ymd]", lambda match: STRFTIME_NAMES[match.group()], pattern) for pattern in DATE_FORMATS]


def date_format_text() -> str:
    return f"a date: {', '.join(date_formats())}, or a spreadsheet date"


def key_columns(resource) -> list[str]:
    """The columns that find an existing row: a row whose key names one changes it; any other row is new."""
    return [resource.fields[name].column_name for name in resource.get_import_id_fields()]


def model_field(resource, field):
    try:
        return resource._meta.model._meta.get_field(field.attribute)
    except FieldDoesNotExist:  # a resource column with no model field of its own
        return None


def required_text(resource, field, db_field) -> str:
    if field.column_name in key_columns(resource):
        return "yes (identifies the row)"
    if db_field is None or db_field.many_to_many:
        return "no"
    if db_field.has_default():
        default = field.widget.render(db_field.get_default())
        return f"no (default: {default})" if default not in ("", None) else "no"
    return "no" if db_field.blank else "yes"


def format_text(field, db_field) -> str:
    widget = field.widget
    if isinstance(widget, FlexibleDateWidget):
        return date_format_text()
    if isinstance(widget, CodeWidget):
        return f"the {widget.noun}'s {widget.field}, as the admin lists it (any case)"
    if isinstance(widget, SlugsWidget):
        return f"{widget.plural}' slugs, separated by commas (any case)"
    if isinstance(widget, widgets.BooleanWidget):
        return BOOLEAN
    if isinstance(db_field, models.SlugField):
        return f"a slug: lower-case letters, digits and hyphens, up to {db_field.max_length} characters"
    if isinstance(db_field, models.URLField):
        return f"a full web address (https://...), up to {db_field.max_length} characters"
    if db_field is not None and db_field.choices:
        return "one of the allowed values (the part before the brackets)"
    if isinstance(db_field, models.IntegerField):
        return whole_number_text(db_field)
    if isinstance(db_field, models.CharField):
        return f"text, up to {db_field.max_length} characters"
    return "text"


def whole_number_text(db_field) -> str:
    """A whole number, within the bounds the field's own validators (or its being positive) set."""
    positive = (models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField)
    low = 0 if isinstance(db_field, positive) else None
    high = None
    for validator in db_field._validators:  # the model's own, not the database's range
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value
    if low is not None and high is not None:
        return f"a whole number from {low} to {high}"
    return "a whole number" + (f" from {low} up" if low is not None else "")


def allowed_text(field, db_field, known_slugs: dict) -> str:
    """The values a column may hold where they are few: a field's choices, or every slug a slugs column knows."""
    if db_field is not None and db_field.choices:
        return "; ".join(f"{value} ({label})" for value, label in db_field.flatchoices)
    if isinstance(field.widget, SlugsWidget):
        model = field.widget.model
        if model not in known_slugs:
            known_slugs[model] = ", ".join(model.objects.order_by("slug").values_list("slug", flat=True))
        return known_slugs[model]
    return ""


def columns_of(resource) -> list[Column]:
    """Every column the import reads, in its order: one query per slugs column (the topics), none else."""
    slugs: dict = {}
    columns = []
    for field in resource.get_import_fields():
        db_field = model_field(resource, field)
        columns.append(
            Column(
                name=field.column_name,
                required=required_text(resource, field, db_field),
                format=format_text(field, db_field),
                allowed=allowed_text(field, db_field, slugs),
                notes=str(getattr(db_field, "help_text", "") or ""),
            )
        )
    return columns


def publish_permission_name() -> str:
    codename = PUBLISH.split(".", 1)[1]
    return next(name for code, name in Rule._meta.permissions if code == codename)


@dataclass(frozen=True)
class FileRules:
    """What files the import reads, for the import page."""

    file_types: list[str]
    delimiters: list[str]
    encodings: list[str]
    date_formats: list[str]
    preview_rows: int
    publish_permission: str


def file_rules() -> FileRules:
    return FileRules(
        file_types=[
            f"{file_format().get_title().upper()} ({', '.join(f'.{ext}' for ext in file_format.extensions)})"
            for file_format in IMPORT_FORMATS
        ],
        delimiters=[DELIMITER_NAMES[delimiter] for delimiter in DELIMITERS],
        encodings=ENCODINGS,
        date_formats=date_formats(),
        preview_rows=PREVIEW_ROWS,
        publish_permission=publish_permission_name(),
    )
