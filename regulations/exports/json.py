"""JSON: the query and the rows, streamed so a large checklist never sits in memory."""

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse

from regulations.checklists import Checklist

from .cells import attachment


def json_chunks(checklist: Checklist):
    encode = DjangoJSONEncoder(ensure_ascii=False).encode
    head = {
        "query": checklist.query.as_dict(),
        "generated_at": checklist.generated_at.isoformat(),
        "data_version": checklist.data_version,
        "coverage": checklist.coverage_dicts(),
        "coverage_notes": checklist.coverage_notes,
        "columns": [{"key": column.key, "title": column.title} for column in checklist.columns],
    }
    yield encode(head)[:-1] + ', "rows": ['
    count = 0
    for row in checklist.rows:
        yield ("," if count else "") + encode({key: row[key] for key in checklist.keys})
        count += 1
    tail = {"row_count": count, "note": "" if count else checklist.empty_note}
    yield "], " + encode(tail)[1:]


def json_response(checklist: Checklist) -> StreamingHttpResponse:
    response = StreamingHttpResponse(json_chunks(checklist), content_type="application/json; charset=utf-8")
    return attachment(response, f"{checklist.filename_stem}.json", checklist)
