"""JSON: the query and the rows, streamed so a large checklist never sits in memory."""

from collections.abc import Callable, Iterable, Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse

from regulations.checklists import Checklist

from .cells import attachment


def json_stream(head: dict, rows: Iterable[dict], tail: Callable[[int], dict] | None = None) -> Iterator[str]:
    """``head`` with a "rows" list streamed into it, then ``row_count`` and what ``tail`` adds for that count."""
    encode = DjangoJSONEncoder(ensure_ascii=False).encode
    yield encode(head)[:-1] + (', "rows": [' if head else '"rows": [')
    count = 0
    for row in rows:
        yield ("," if count else "") + encode(row)
        count += 1
    yield "], " + encode({"row_count": count} | (tail(count) if tail else {}))[1:]


def json_chunks(checklist: Checklist):
    head = {
        "query": checklist.query.as_dict(),
        "generated_at": checklist.generated_at.isoformat(),
        "data_version": checklist.data_version,
        "coverage": checklist.coverage_dicts(),
        "coverage_notes": checklist.coverage_notes,
        "columns": [{"key": column.key, "title": column.title} for column in checklist.columns],
    }
    rows = ({key: row[key] for key in checklist.keys} for row in checklist.rows)
    return json_stream(head, rows, lambda count: {"note": "" if count else checklist.empty_note})


def json_response(checklist: Checklist) -> StreamingHttpResponse:
    response = StreamingHttpResponse(json_chunks(checklist), content_type="application/json; charset=utf-8")
    return attachment(response, f"{checklist.filename_stem}.json", checklist)
