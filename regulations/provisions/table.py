"""The provision matrix as rows: one per question and market, the same for the page's downloads (CSV, XLSX, JSON)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse

from regulations.exports.tables import Table
from regulations.force import force_label
from regulations.listings import LICENCE

from .matrix import Cell, Status

COLUMNS = [
    ("question", "Question (id)"),
    ("question_text", "Question"),
    ("group", "Group"),
    ("market", "Market (code)"),
    ("market_name", "Market"),
    ("status", "Answer (key)"),
    ("answer", "Answer"),
    ("explanation", "Explanation"),
    ("holds_from", "Holds from"),
    ("force", "Force"),
    ("answered_by", "Answered by the law of (code)"),
    ("through", "How it reaches the market"),
    ("rests_on", "Rests on (requirements)"),
    ("rests_on_urls", "Requirement addresses"),
    ("checked_on", "No rule: searched on"),
    ("searched", "No rule: what was searched"),
    ("rules_read", "No rule: rules read"),
]


def requirement_url(site: str, requirement) -> str:
    return site + reverse("regulations:requirement-detail", args=[requirement.rule.slug, requirement.key])


def cell_row(cell: Cell, site: str) -> dict:
    reading = cell.headline
    cited = reading.requirements if reading else []
    finding = cell.finding if cell.status == Status.NO_RULE else None
    return {
        "question": cell.question.slug,
        "question_text": cell.question.text,
        "group": cell.question.get_group_display(),
        "market": cell.market.code,
        "market_name": cell.market.name,
        "status": cell.status,
        "answer": cell.label,
        "explanation": cell.explanation,
        "holds_from": cell.holds_from,
        "force": force_label(cell.force) if reading else "",
        "answered_by": reading.answer.jurisdiction.code if reading else "",
        "through": reading.through if reading else "",
        "rests_on": "; ".join(f"{r.rule} {r.reference or r.key}" for r in cited),
        "rests_on_urls": " ".join(requirement_url(site, r) for r in cited),
        "checked_on": finding.checked_on if finding else None,
        "searched": finding.searched if finding else "",
        "rules_read": "; ".join(str(rule) for rule in finding.read) if finding else "",
    }


def provision_rows(rows: list[tuple], site: str) -> Iterator[dict]:
    """``rows`` as the page lays them out (``layout.matrix_rows``): one row per question and market."""
    for _, questions in rows:
        for _, cells, _ in questions:
            for cell in cells:
                yield cell_row(cell, site)


def provision_table(rows: list[tuple], site: str, on: dt.date, query: dict) -> Table:
    about = {
        "listing": "provisions",
        "query": query,
        "as_of": on.isoformat(),
        "note": "Each answer rests on the requirements named; its date and force are those of the requirements in "
        "the market. 'No rule: checked' records a dated search of that market's law that found no rule (what was "
        "searched and the rules read are given); 'No rule found' means the law researched holds no requirement on it; "
        "'not covered yet' means that law has not been researched.",
        "licence": LICENCE,
    }
    return Table("provisions", COLUMNS, provision_rows(rows, site), about, title="Provision matrix")
