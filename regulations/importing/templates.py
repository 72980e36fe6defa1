"""Template files for an import: the resource's columns in its order, and one example row, as CSV or XLSX.

The example is a real row of the database exported by the same resource (a published rule without
internal notes, or a checked requirement or a source of a published rule), so that importing the
template unchanged changes nothing. Without one, the row is a placeholder that says it is an example
("EXAMPLE - replace this row") and passes validation where the database allows: it names no made-up
citation, date or source, only values the database holds or that no reader can take for a fact.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font

from regulations.exports.cells import FORMULA_STARTS
from regulations.models import CurationState, Requirement, Rule, Source

from .guide import Column, columns_of, key_columns, model_field
from .widgets import CodeWidget, SlugsWidget
from .writing import remember_related_rows

EXAMPLE_TEXT = "EXAMPLE - replace this row"
EXAMPLE_SLUG = "example-replace-this-row"
EXAMPLE_URL = "https://example.org/replace-this-row"
CANDIDATES = 20  # published rows tried for an example whose cells no spreadsheet would run as a formula
PUBLISHED = CurationState.PUBLISHED
EXAMPLES = {
    Rule: Q(state=PUBLISHED, internal_notes=""),
    Requirement: Q(rule__state=PUBLISHED, internal_note="", reference_checked=True, superseded_by__isnull=True),
    Source: Q(rule__state=PUBLISHED),
}
GUIDE_HEADERS = ["Column", "Required", "Format", "Allowed values", "Notes"]
MAX_WIDTH = 60


@dataclass(frozen=True)
class ImportTemplate:
    headers: list[str]
    example: list[str]
    placeholder: bool  # the example is not a row of the database: it must be replaced
    columns: list[Column]
    name: str  # of the file, without its extension
    title: str  # of the first sheet: what the rows are

    @property
    def example_note(self) -> str:
        if self.placeholder:
            return f"Row 2 is only an example ({EXAMPLE_TEXT}): replace it with your own rows before importing."
        return "Row 2 is a published row as stored: importing it unchanged changes nothing. Replace or add rows."


def import_template(resource) -> ImportTemplate:
    model = resource._meta.model
    example = published_example(resource)
    return ImportTemplate(
        headers=[field.column_name for field in resource.get_import_fields()],
        example=example or placeholder_row(resource),
        placeholder=example is None,
        columns=columns_of(resource),
        name=f"{model._meta.verbose_name_plural.replace(' ', '-')}-import-template",
        title=str(model._meta.verbose_name_plural).capitalize(),
    )


def published_example(resource) -> list[str] | None:
    """The cells of a published row, exported as the import reads them (two queries), or None."""
    model = resource._meta.model
    candidates = list(resource.get_queryset().filter(EXAMPLES[model]).order_by("pk")[:CANDIDATES])
    for field in resource.related_fields():
        remember_related_rows(model, field.attribute, candidates)
    for instance in candidates:
        cells = [field.export(instance) for field in resource.get_import_fields()]
        if not any(str(cell).startswith(FORMULA_STARTS) for cell in cells):
            return cells
    return None


def placeholder_row(resource) -> list[str]:
    return [placeholder_cell(resource, field) for field in resource.get_import_fields()]


def placeholder_cell(resource, field) -> str:
    """A value that says it is an example, or one the database already holds (a jurisdiction, a draft rule)."""
    db_field, widget = model_field(resource, field), field.widget
    if isinstance(widget, CodeWidget) and not db_field.blank:
        queryset = widget.lookup.queryset
        if queryset.model is Rule:
            queryset = queryset.exclude(state=PUBLISHED)  # an example must not touch a published rule
        return str(queryset.order_by(widget.field).values_list(widget.field, flat=True).first() or "EXAMPLE")
    if isinstance(widget, SlugsWidget) or db_field is None:
        return ""
    if isinstance(db_field, models.URLField):
        return EXAMPLE_URL
    if field.column_name in key_columns(resource) or isinstance(db_field, models.SlugField):
        return EXAMPLE_SLUG
    if db_field.has_default():
        return str(widget.render(db_field.get_default()))
    if db_field.blank:
        return ""
    if db_field.choices:
        return str(db_field.choices[0][0])
    return EXAMPLE_TEXT if isinstance(db_field, models.CharField | models.TextField) else ""


def template_csv(template: ImportTemplate) -> bytes:
    """UTF-8 with a BOM (so that Excel reads the letters right), comma-separated."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerows([template.headers, template.example])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def template_xlsx(template: ImportTemplate) -> bytes:
    """The columns and the example on the first sheet (read by the import), a "How to fill" sheet after it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = template.title
    write_table(sheet, template.headers, [template.example])
    guide = workbook.create_sheet("How to fill")
    rows = [[c.name, c.required, c.format, c.allowed, c.notes] for c in template.columns]
    write_table(guide, GUIDE_HEADERS, rows)
    guide.append([])
    guide.append([text_cell(guide, template.example_note)])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def write_table(sheet, headers: list[str], rows: list[list[str]]) -> None:
    """A bold, frozen header over ``rows``, every cell text (never a formula), columns as wide as they need."""
    sheet.append([text_cell(sheet, header, bold=True) for header in headers])
    for row in rows:
        sheet.append([text_cell(sheet, value) for value in row])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(sheet.iter_cols(max_col=len(headers)), start=1):
        longest = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(longest + 2, MAX_WIDTH)


def text_cell(sheet, value, *, bold: bool = False):
    cell = Cell(sheet, value=str(value if value is not None else ""))
    cell.data_type = "s"
    cell.font = Font(bold=bold)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell
