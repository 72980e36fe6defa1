"""PDF for circulating a checklist: A4 landscape, a cover, the rows grouped by market and rule.

The same rows and cells as the other writers, laid out for reading: a rule's title,
citation, force, why it applies and source once above its requirements, each
requirement's own cells in its row. WeasyPrint lays out the whole document in memory,
so a checklist longer than ``MAX_PDF_ROWS`` is refused (the view answers 400 and points
to XLSX); bench/pdf_exports.py measured the ceiling.
"""

from itertools import islice

from django.http import HttpResponse

from regulations.checklists import SAMPLE_LABEL, Checklist
from regulations.printing import pdf_response, render_pdf

# bench/pdf_exports.py: about 40 ms of CPU per checklist row and 35 ms per profile rule, so each
# ceiling keeps a PDF to about 12-18 s of CPU, inside gunicorn's 30 s worker timeout.
MAX_PDF_ROWS = 300  # requirements in a checklist PDF (DE+FR is 162, every market 935)
MAX_PDF_RULES = 500  # rules in a profile PDF (Germany, the largest, lists 40)
TEMPLATE = "regulations/pdf/checklist.html"


class TooLargeForPdf(Exception):
    """More than a PDF is made of within a request; the message says what to do instead."""

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or f"This checklist has more than {MAX_PDF_ROWS:,} requirements, too many for a PDF: "
            "narrow it (fewer markets or topics) or download XLSX, which holds any number of rows."
        )

    @staticmethod
    def profile_message() -> str:
        return (
            f"This profile lists more than {MAX_PDF_RULES:,} rules, too many for a PDF: "
            "read it on the page, or build a checklist of this market by topic and download XLSX."
        )


def pdf_context(checklist: Checklist, rows: list[dict]) -> dict:
    return {
        "checklist": checklist,
        "generated_at": checklist.generated_at,
        "data_version": checklist.data_version,
        "groups": checklist.grouped(rows),
        "row_count": len(rows),
        "rule_count": len({(row["applies_in"], row["rule_title"]) for row in rows}),
        "has_sample": any(SAMPLE_LABEL in row.get("assessment_label", "") for row in rows),
    }


def pdf_checklist_response(checklist: Checklist) -> HttpResponse:
    rows = list(islice(checklist.rows, MAX_PDF_ROWS + 1))
    if len(rows) > MAX_PDF_ROWS:
        raise TooLargeForPdf
    data = render_pdf(TEMPLATE, pdf_context(checklist, rows), checklist.site)
    return pdf_response(data, f"{checklist.filename_stem}.pdf", checklist)
