"""Writers: each takes a Checklist (columns and rows from the one builder) and returns a response."""

from .csv import csv_response
from .json import json_response
from .markdown import markdown_response
from .xlsx import xlsx_response

WRITERS = {"csv": csv_response, "xlsx": xlsx_response, "md": markdown_response, "json": json_response}
FORMATS = ["html", *WRITERS]

__all__ = ["FORMATS", "WRITERS", "csv_response", "json_response", "markdown_response", "xlsx_response"]
