"""How a checklist value reads as text, and the spreadsheet formula guard."""

import datetime as dt

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def guard(text: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (CSV injection): prefix a quote."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def attachment(response, filename: str, checklist=None):
    """Name the download; with a checklist, also say in a ``Coverage`` header how far its markets were researched.

    The header is the one place a CSV can say so: a note row would be read as data by
    the machines CSV is for (the other formats carry the same in notes, a cover sheet
    or a field).
    """
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if checklist is not None and checklist.coverage_header:
        response["Coverage"] = checklist.coverage_header
    return response
