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


def attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
