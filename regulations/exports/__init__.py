"""Writers: each takes a Checklist (columns and rows from the one builder) and returns a response.

The PDF writer alone may refuse (``TooLargeForPdf``): the views answer 400 beside the form.
"""

from .csv import csv_response
from .json import json_response
from .markdown import markdown_response
from .pdf import TooLargeForPdf, pdf_checklist_response
from .xlsx import xlsx_response

WRITERS = {
    "csv": csv_response,
    "xlsx": xlsx_response,
    "md": markdown_response,
    "json": json_response,
    "pdf": pdf_checklist_response,
}
FORMATS = ["html", *WRITERS]

__all__ = [
    "FORMATS",
    "WRITERS",
    "TooLargeForPdf",
    "csv_response",
    "json_response",
    "markdown_response",
    "pdf_checklist_response",
    "xlsx_response",
]
