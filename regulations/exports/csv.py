"""CSV, streamed row by row: UTF-8 with a BOM so Excel reads Chinese text, formulas guarded."""

import csv

from django.http import StreamingHttpResponse

from regulations.checklists import Checklist

from .cells import as_text, attachment, guard


class Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a generator."""

    def write(self, value):
        return value


def csv_lines(checklist: Checklist):
    writer = csv.writer(Echo())
    yield "\ufeff"
    yield writer.writerow([column.title for column in checklist.columns])
    empty = True
    for row in checklist.rows:
        empty = False
        yield writer.writerow([guard(as_text(row[key])) for key in checklist.keys])
    if empty:
        yield writer.writerow([checklist.empty_note])


def csv_response(checklist: Checklist) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(checklist), content_type="text/csv; charset=utf-8")
    return attachment(response, f"{checklist.filename_stem}.csv", checklist)
