"""XLSX made for work: a cover sheet, then the checklist with a frozen header,
filters, wrapped text, sensible widths, a status drop-down, real dates, sources as
hyperlinks, and a page set-up that prints (landscape, fitted to the width, the
header on every page, rows tall enough for their wrapped text).

Written with openpyxl's write-only mode into a spooled temporary file, so a large
checklist does not build a workbook in memory.
"""

import datetime as dt
import math
import tempfile

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from regulations.checklists import SAMPLE_LABEL, STATUS_CHOICES, Checklist

from .cells import attachment

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_BYTES = 8 * 1024 * 1024
MAX_LINKS = 65_000  # Excel refuses more than 65,530 hyperlinks on a sheet; later URLs stay plain text
LINE_HEIGHT = 15  # points per line of 11-point text
MAX_ROW_HEIGHT = 409  # Excel's limit


def styles(workbook: Workbook) -> tuple[NamedStyle, NamedStyle, NamedStyle]:
    body = NamedStyle("kb_body", alignment=Alignment(wrap_text=True, vertical="top"))
    header = NamedStyle(
        "kb_header",
        font=Font(bold=True, color="FFFFFF"),
        fill=PatternFill("solid", fgColor="0B5CAD"),
        alignment=Alignment(wrap_text=True, vertical="center"),
    )
    day = NamedStyle("kb_date", number_format="yyyy-mm-dd", alignment=Alignment(vertical="top"))
    for style in (body, header, day):
        workbook.add_named_style(style)
    return body, header, day


def cell(sheet, value, style):
    written = WriteOnlyCell(sheet, value=value)
    written.style = style.name
    if isinstance(value, str):
        written.data_type = "s"  # never a formula, whatever the text starts with
    return written


def set_up_printing(sheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0  # one page wide, as many tall as needed
    sheet.print_title_rows = "1:1"


def lines_needed(value, width: int) -> int:
    """How many lines ``value`` wraps to in a column ``width`` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    return sum(max(1, math.ceil(len(line) / max(width, 1))) for line in value.splitlines() or [""])


def row_height(values, columns) -> float | None:
    lines = max((lines_needed(value, column.width) for value, column in zip(values, columns, strict=True)), default=1)
    return min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT) if lines > 1 else None


def write_checklist(sheet, checklist: Checklist, body, header, day) -> int:
    for index, column in enumerate(checklist.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    set_up_printing(sheet)
    sheet.append([cell(sheet, column.title, header) for column in checklist.columns])
    count, links = 0, 0
    for row in checklist.rows:
        count += 1
        values = [row[key] for key in checklist.keys]
        cells = [cell(sheet, v, day if hasattr(v, "isoformat") else body) for v in values]
        for written, column in zip(cells, checklist.columns, strict=True):
            if column.link and written.value and links < MAX_LINKS:
                written.hyperlink, links = written.value, links + 1
        height = row_height(values, checklist.columns)
        if height:  # a row's height is read as the row is written, then forgotten: memory stays flat
            sheet.row_dimensions[count + 1].height = height
        sheet.append(cells)
        sheet.row_dimensions.pop(count + 1, None)
    if not count:
        sheet.append([cell(sheet, checklist.empty_note, body)])
    last_column = get_column_letter(len(checklist.columns))
    sheet.auto_filter.ref = f"A1:{last_column}{max(count, 1) + 1}"
    status = get_column_letter(checklist.keys.index("status") + 1)
    drop_down = DataValidation(type="list", formula1=f'"{",".join(STATUS_CHOICES)}"', allow_blank=True)
    drop_down.error, drop_down.errorTitle = f"Choose one of: {', '.join(STATUS_CHOICES)}.", "Status"
    drop_down.add(f"{status}2:{status}{max(count, 1) + 1}")
    sheet.data_validations.append(drop_down)
    return count


def write_cover(sheet, checklist: Checklist, count: int, body, header) -> None:
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    sheet.append([cell(sheet, "Requirement checklist", header), cell(sheet, "", header)])
    lines = [
        *checklist.query.describe(),
        ("Generated", checklist.generated_at.strftime("%Y-%m-%d %H:%M UTC")),
        ("Content version", checklist.data_version),
        ("Rows", str(count)),
        *(("Coverage", note) for note in checklist.coverage_notes),
        ("Status values", ", ".join(STATUS_CHOICES)),
        (
            "Please note",
            f"Rows marked '{SAMPLE_LABEL}' are demo data, not statements about the firm. "
            "Summaries and obligations are our own words; the official text prevails.",
        ),
    ]
    if not count:
        lines.append(("Result", checklist.empty_note))
    for label, value in lines:
        sheet.append([cell(sheet, label, body), cell(sheet, value, body)])


def xlsx_response(checklist: Checklist) -> FileResponse:
    workbook = Workbook(write_only=True)
    body, header, day = styles(workbook)
    cover = workbook.create_sheet("About this checklist")
    sheet = workbook.create_sheet("Checklist")
    count = write_checklist(sheet, checklist, body, header, day)
    write_cover(cover, checklist, count, body, header)
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - FileResponse closes it
    workbook.save(output)
    output.seek(0)
    response = FileResponse(output, content_type=CONTENT_TYPE)
    return attachment(response, f"{checklist.filename_stem}.xlsx", checklist)


def table_xlsx_response(title: str, name: str, columns: list[tuple[str, str]], rows, about: list[tuple[str, str]]):
    """A listing's table as a workbook: a cover sheet saying what it answers, then the rows under a frozen header."""
    workbook = Workbook(write_only=True)
    body, header, day = styles(workbook)
    cover = workbook.create_sheet("About")
    cover.column_dimensions["A"].width, cover.column_dimensions["B"].width = 24, 90
    cover.append([cell(cover, title, header), cell(cover, "", header)])
    for label, value in about:
        cover.append([cell(cover, label, body), cell(cover, value, body)])
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for i in range(len(columns)):
        sheet.column_dimensions[get_column_letter(i + 1)].width = 24
    sheet.append([cell(sheet, heading, header) for _, heading in columns])
    count = 0
    for row in rows:
        values = [row[key] for key, _ in columns]
        sheet.append([cell(sheet, value, day if isinstance(value, dt.date) else body) for value in values])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    set_up_printing(sheet)
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - FileResponse closes it
    workbook.save(output)
    output.seek(0)
    return attachment(FileResponse(output, content_type=CONTENT_TYPE), f"{name}.xlsx")
