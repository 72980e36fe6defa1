"""Cells to values: dates as spreadsheets write them, and foreign keys by code or slug."""

from __future__ import annotations

import datetime as dt

from import_export import widgets

EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]


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


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key by code or slug, whatever its case, with a message that names the value."""

    def __init__(self, model, field, *, noun, upper=True):
        super().__init__(model, field)
        self.noun, self.upper = noun, upper

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = str(value).strip()
        text = text.upper() if self.upper else text.lower()
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: text})
        except self.model.DoesNotExist:
            raise ValueError(f"Unknown {self.noun}: {text}") from None
