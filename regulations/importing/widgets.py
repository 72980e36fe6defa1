"""Cells to values: dates as spreadsheets write them, and related objects by code or slug.

The related-object widgets look every value of a file up in one query (``prime``, called by the
resource before the first row) and then read that cache, so 10,000 rows cost one query, not 10,000.
A value that names nothing is an error naming it, never dropped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from import_export import widgets

EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
LOOKUP_CHUNK = 2000  # values per IN (...) query: well under SQLite's limit on query parameters


def in_chunks(values: Iterable, size: int = LOOKUP_CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class FlexibleDateWidget(widgets.DateWidget):
    """ISO dates, day-first dates (25/05/2018, 25.05.2018), Excel serial numbers and real spreadsheet dates."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if text.replace(".", "", 1).isdigit():
            return EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
        for pattern in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time
            except ValueError:
                continue
        raise ValueError(f"'{text}' is not a date: use YYYY-MM-DD (day-first and Excel dates are read too)")


class Lookup:
    """Objects of ``queryset`` by one field, looked up once for all the values a file holds."""

    def __init__(self, queryset, field: str):
        self.queryset, self.field = queryset, field
        self.known: dict | None = None

    def prime(self, values: Iterable[str]) -> None:
        self.known = {}
        for chunk in in_chunks(sorted(set(values))):
            objects = self.queryset.filter(**{f"{self.field}__in": chunk})
            self.known.update({getattr(obj, self.field): obj for obj in objects})

    def find(self, values: list[str]) -> dict:
        """The objects named by ``values`` (from the cache once primed, else with a query)."""
        if self.known is not None:
            return {value: self.known[value] for value in values if value in self.known}
        return {getattr(obj, self.field): obj for obj in self.queryset.filter(**{f"{self.field}__in": values})}


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key by code or slug, whatever its case, with a message that names the value."""

    def __init__(self, model, field, *, noun, upper=True, queryset=None):
        super().__init__(model, field)
        self.noun, self.upper = noun, upper
        self.lookup = Lookup(model.objects.all() if queryset is None else queryset, field)

    def normalise(self, value) -> str:
        text = str(value).strip()
        return text.upper() if self.upper else text.lower()

    def prime(self, cells: Iterable) -> None:
        self.lookup.prime(self.normalise(cell) for cell in cells if cell not in (None, ""))

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = self.normalise(value)
        found = self.lookup.find([text])
        if text not in found:
            raise ValueError(f"Unknown {self.noun}: {text}")
        return found[text]


class SlugsWidget(widgets.ManyToManyWidget):
    """Many related objects by slug, comma-separated, whatever their case; every slug must name one."""

    def __init__(self, model, *, noun: str, plural: str, separator: str = ","):
        super().__init__(model, separator=separator, field="slug")
        self.noun, self.plural = noun, plural
        self.lookup = Lookup(model.objects.all(), "slug")

    def slugs(self, value) -> list[str]:
        if value in (None, ""):
            return []
        return list(dict.fromkeys(part.strip().lower() for part in str(value).split(self.separator) if part.strip()))

    def prime(self, cells: Iterable) -> None:
        self.lookup.prime(slug for cell in cells for slug in self.slugs(cell))

    def clean(self, value, row=None, **kwargs) -> list:
        slugs = self.slugs(value)
        found = self.lookup.find(slugs)
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            noun = self.noun if len(unknown) == 1 else self.plural
            raise ValueError(f"Unknown {noun}: {', '.join(unknown)}")
        return [found[slug] for slug in slugs]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        objects = value if isinstance(value, list) else value.all()
        return self.separator.join(str(getattr(related, self.field)) for related in objects)
