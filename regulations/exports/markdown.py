"""Markdown: one table per market (or set of markets in common), for pasting into a ticket or a wiki."""

from itertools import groupby

from django.http import StreamingHttpResponse

from regulations.checklists import Checklist

from .cells import as_text, attachment


def cell(value) -> str:
    return as_text(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def markdown_lines(checklist: Checklist):
    yield f"# Requirement checklist\n\nGenerated {checklist.generated_at:%Y-%m-%d %H:%M} UTC"
    yield f" from content version {checklist.data_version}.\n\n"
    for label, value in checklist.query.describe():
        yield f"- **{label}:** {value}\n"
    for note in checklist.coverage_notes:
        yield f"- **Coverage:** {cell(note)}\n"
    columns = [column for column in checklist.columns if column.key != "applies_in"]
    header = "| " + " | ".join(column.title for column in columns) + " |\n"
    rule = "|" + "|".join("---" for _ in columns) + "|\n"
    empty = True
    for code, rows in groupby(checklist.rows, key=lambda row: row["applies_in"]):
        empty = False
        yield f"\n## {checklist.market_names(code)} ({code})\n\n{header}{rule}"
        for row in rows:
            yield "| " + " | ".join(cell(row[column.key]) for column in columns) + " |\n"
    if empty:
        yield f"\n{cell(checklist.empty_note)}\n\n{header}{rule}"


def markdown_response(checklist: Checklist) -> StreamingHttpResponse:
    response = StreamingHttpResponse(markdown_lines(checklist), content_type="text/markdown; charset=utf-8")
    return attachment(response, f"{checklist.filename_stem}.md", checklist)
