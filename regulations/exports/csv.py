"""CSV, streamed row by row: UTF-8 with a BOM so Excel reads Chinese text, formulas guarded."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

from regulations.checklists import Checklist

from .cells import as_text, attachment, guard


class Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value):
        return value


def csv_stream(titles: list[str], rows: Iterable[list], empty_note: str = "") -> Iterator[str]:
    """A header and rows as CSV lines: a BOM first so Excel reads Chinese text, every cell guarded."""
    writer = csv.writer(Echo())
    yield "\ufeff"
    yield writer.writerow(titles)
    empty = True
    for row in rows:
        empty = False
        yield writer.writerow([guard(as_text(value)) for value in row])
    if empty and empty_note:
        yield writer.writerow([empty_note])


def csv_lines(checklist: Checklist):
    rows = ([row[key] for key in checklist.keys] for row in checklist.rows)
    return csv_stream([column.title for column in checklist.columns], rows, checklist.empty_note)


def csv_response(checklist: Checklist) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(checklist), content_type="text/csv; charset=utf-8")
    return attachment(response, f"{checklist.filename_stem}.csv", checklist)
