"""A listing as a table (the rules, jurisdictions or firms on screen) in CSV or JSON, streamed.

Datasette's convenience: every listing downloads as the rows it shows, for the same filter.
A ``Table`` is its columns and a generator of rows; the writers are the checklist's own
CSV and JSON streams, and a plain workbook.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.http import HttpResponse, StreamingHttpResponse

from .cells import as_text, attachment
from .csv import csv_stream
from .json import json_stream
from .xlsx import table_xlsx_response

TABLE_FORMATS = ("csv", "json")


@dataclass
class Table:
    name: str  # the download's file name, without extension
    columns: list[tuple[str, str]]  # (key, title)
    rows: Iterable[dict]
    about: dict = field(default_factory=dict)  # what the rows answer: the filter, the day, the licence
    title: str = ""  # the workbook's sheet and cover title

    def lists(self) -> Iterator[list]:
        keys = [key for key, _ in self.columns]
        for row in self.rows:
            yield [row[key] for key in keys]


def table_response(table: Table, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        about = [(str(key).replace("_", " ").capitalize(), as_text(value)) for key, value in table.about.items()]
        return table_xlsx_response(table.title or table.name, table.name, table.columns, table.rows, about)
    if fmt == "csv":
        chunks = csv_stream([title for _, title in table.columns], table.lists())
        content_type = "text/csv; charset=utf-8"
    else:
        head = table.about | {"columns": [{"key": key, "title": title} for key, title in table.columns]}
        chunks = json_stream(head, table.rows)
        content_type = "application/json; charset=utf-8"
    return attachment(StreamingHttpResponse(chunks, content_type=content_type), f"{table.name}.{fmt}")
