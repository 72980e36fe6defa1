"""A programme's checklist as a workbook to fill in offline, and reading it back.

The export holds the grid's rows (the same filters) with the editable columns (status,
owner, due date, evidence) and, on a hidden sheet, what was exported: the programme, each
row's requirement ID and the programme's revision of its assessment. Reading a file back
refuses, with one message and nothing changed, anything that is not such a file: not a
workbook, a missing sheet, an edited ID, a formula, too many rows, an unknown status or
owner, a file over ``MAX_BYTES``. What it finds is compared with the site as it is now:

- a row the file leaves as the site has it: nothing to do (so a file applied once is a
  no-op the second time);
- a row changed in the file while the site kept the exported revision: a change;
- a row changed in the file while someone changed it on the site since the export: a
  conflict, shown side by side and applied only if the user chooses the file's values.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import asdict, dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .models import AssessmentStatus, Programme
from .programme_assessments import standings
from .workspace import GridRow

MAX_BYTES = 10 * 1024 * 1024
SHEET, HIDDEN = "Checklist", "Export record"
ID, STATUS, OWNER, DUE, EVIDENCE, NOTES = "ID", "Status", "Owner", "Due date", "Evidence", "Notes"
COLUMNS = [
    (ID, 28),
    ("Rule", 20),
    ("Requirement", 16),
    ("Obligation", 60),
    ("Markets", 24),
    (STATUS, 14),
    (OWNER, 16),
    (DUE, 12),
    (EVIDENCE, 40),
    (NOTES, 40),
]
EDITABLE = {STATUS: "status", OWNER: "owner", DUE: "due_on", EVIDENCE: "evidence", NOTES: "notes"}
STATUS_BY_LABEL = {label: value for value, label in AssessmentStatus.choices}


class BadSheet(ValueError):
    """The file is not a filled-in export of this programme; nothing was read into the site."""


def requirement_id(row: GridRow) -> str:
    return f"{row.rule_slug}/{row.requirement_key}"


def values_of(standing) -> dict:
    record = standing.record
    return {
        "status": standing.status,
        "owner": record.owner.get_username() if record and record.owner else "",
        "due_on": record.due_on.isoformat() if record and record.due_on else "",
        "evidence": record.evidence if record else "",
        "notes": getattr(record, "notes", "") if record else "",  # firm-wide assessments have none
    }


def write_workbook(programme: Programme, rows: list[GridRow], members: list[str]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([title for title, _ in COLUMNS])
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    hidden = workbook.create_sheet(HIDDEN)
    hidden.sheet_state = "hidden"
    hidden.append(["programme", programme.pk, programme.company.slug, programme.slug])
    for row in rows:
        exported = values_of(row.standing)
        markets = ", ".join(market["code"] for market in row.markets)
        due = dt.date.fromisoformat(exported["due_on"]) if exported["due_on"] else None
        status = AssessmentStatus(exported["status"]).label
        sheet.append(
            [
                requirement_id(row),
                row.rule,
                row.reference,
                row.obligation,
                markets,
                status,
                exported["owner"],
                due,
                exported["evidence"],
                exported["notes"],
            ]
        )
        hidden.append([requirement_id(row), row.standing.revision])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, whatever it starts with
        line[7].number_format = "yyyy-mm-dd"
    last = max(len(rows), 1) + 1
    add_list(sheet, "F", last, list(STATUS_BY_LABEL), "Status")
    if members:
        add_list(sheet, "G", last, members, "Owner")
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def add_list(sheet, column: str, last: int, values: list[str], title: str) -> None:
    drop_down = DataValidation(type="list", formula1=f'"{",".join(values)}"', allow_blank=True)
    drop_down.error, drop_down.errorTitle = f"Choose one of: {', '.join(values)}.", title
    drop_down.add(f"{column}2:{column}{last}")
    sheet.add_data_validation(drop_down)


@dataclass
class RowChange:
    """One row of the file that differs from the site: a change, or a conflict when the site moved since."""

    id: str
    requirement_id: int
    label: str
    site: dict  # the site's values now
    file: dict  # the file's values
    revision: int  # the site's revision when the file was read: what applying must still find
    conflict: bool

    @property
    def fields(self) -> list[tuple[str, str, str]]:
        """(field, site value, file value) for what differs."""
        return [
            (name, self.site[name], self.file[name]) for name in EDITABLE.values() if self.site[name] != self.file[name]
        ]

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ReadResult:
    changes: list[RowChange]
    conflicts: list[RowChange]
    unmatched: list[str]  # IDs of the file that are not in the programme's checklist now
    unchanged: int


def read_workbook(data: bytes, programme: Programme, rows: list[GridRow], members: set[str]) -> ReadResult:
    """Compare a filled-in export of ``programme`` with the site; raise BadSheet for anything else."""
    if len(data) > MAX_BYTES:
        raise BadSheet(f"The file is {len(data) / 1024 / 1024:.0f} MB; at most {MAX_BYTES // 1024 // 1024} MB.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise BadSheet("This is not an XLSX workbook: upload the file exported from this programme's checklist.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise BadSheet(f"The workbook could not be read ({error.__class__.__name__}).") from error
    if SHEET not in workbook.sheetnames or HIDDEN not in workbook.sheetnames:
        raise BadSheet(
            f"The workbook has no sheet named “{SHEET}” (or its export record is gone): "
            "upload the file exported from this programme, with its sheets as they were."
        )
    exported = list(workbook[HIDDEN].iter_rows(values_only=True))
    if not exported or exported[0][:2] != ("programme", programme.pk):
        raise BadSheet("This file was exported from another programme (or its export record was edited).")
    lines = []
    for line in workbook[SHEET].iter_rows():
        if any(cell.value not in (None, "") for cell in line):
            lines.append(line)
        if len(lines) > len(exported):  # the header and the exported rows: read no further
            raise BadSheet(f"The “{SHEET}” sheet has more rows than the {len(exported) - 1} exported.")
    refuse_formulas(lines)
    header = [cell.value for cell in lines[0]] if lines else []
    if header[: len(COLUMNS)] != [title for title, _ in COLUMNS]:
        raise BadSheet(
            f"The “{SHEET}” sheet's header row was changed: it must read {', '.join(t for t, _ in COLUMNS)}."
        )
    body = lines[1:]
    revisions = {str(line[0]): int(line[1]) for line in exported[1:]}
    if [str(line[0].value) for line in body] != [str(line[0]) for line in exported[1:]]:
        raise BadSheet("Requirement IDs in the ID column were edited, added or removed: they must stay as exported.")
    return compare(programme, rows, body, revisions, members)


def refuse_formulas(lines) -> None:
    for line in lines:
        for cell in line:
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                raise BadSheet(f"Cell {cell.coordinate} holds a formula; the file must hold values only.")


def compare(programme, rows: list[GridRow], body, revisions: dict[str, int], members: set[str]) -> ReadResult:
    by_id = {requirement_id(row): row for row in rows}
    current = standings(programme, [row.requirement_id for row in rows])
    changes, conflicts, unmatched, unchanged = [], [], [], 0
    for line in body:
        found = {title: cell.value for (title, _), cell in zip(COLUMNS, line, strict=False)}
        key = str(found[ID])
        row = by_id.get(key)
        if row is None:
            unmatched.append(key)
            continue
        file_values = cleaned(found, line[0].row, members)
        standing = current[row.requirement_id]
        site_values = values_of(standing)
        if file_values == site_values:
            unchanged += 1
            continue
        change = RowChange(
            key,
            row.requirement_id,
            row.label,
            site_values,
            file_values,
            standing.revision,
            conflict=standing.revision != revisions[key],
        )
        (conflicts if change.conflict else changes).append(change)
    return ReadResult(changes, conflicts, unmatched, unchanged)


def cleaned(found: dict, line: int, members: set[str]) -> dict:
    status = str(found[STATUS] or AssessmentStatus.UNKNOWN.label)
    if status not in STATUS_BY_LABEL:
        raise BadSheet(f"Row {line}: status “{status}” is not one of {', '.join(STATUS_BY_LABEL)}.")
    owner = str(found[OWNER] or "")
    if owner and owner not in members:
        raise BadSheet(f"Row {line}: owner “{owner}” does not belong to the firm.")
    due = found[DUE]
    if isinstance(due, dt.datetime):
        due = due.date()
    if due not in (None, "") and not isinstance(due, dt.date):
        try:
            due = dt.date.fromisoformat(str(due))
        except ValueError as error:
            raise BadSheet(f"Row {line}: due date “{due}” is not a date (YYYY-MM-DD).") from error
    return {
        "status": STATUS_BY_LABEL[status],
        "owner": owner,
        "due_on": due.isoformat() if due else "",
        "evidence": str(found[EVIDENCE] or ""),
        "notes": str(found[NOTES] or ""),
    }
