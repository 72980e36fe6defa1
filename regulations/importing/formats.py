"""Reading import files as real spreadsheets write them: CSV with or without a BOM, any usual separator, or XLSX."""

from __future__ import annotations

from pathlib import Path

import tablib
from import_export.formats import base_formats

DELIMITERS = [",", ";", "\t", "|"]


def delimiter_of(text: str) -> str:
    """The separator a spreadsheet used: the candidate the header line holds most of (header cells rarely
    contain one; data cells often do, so csv.Sniffer is easily misled by them)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(DELIMITERS, key=header.count)


class SniffedCSV(base_formats.CSV):
    """CSV with or without a BOM, whose delimiter (comma, semicolon, tab or pipe) is read from the file."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        in_stream = in_stream.lstrip("\ufeff")
        return tablib.import_set(in_stream, format="csv", delimiter=delimiter_of(in_stream))


IMPORT_FORMATS = [SniffedCSV, base_formats.XLSX]


def read_dataset(path: Path):
    """The rows of an XLSX file (by its extension) or of a CSV file, as the admin's import page reads them."""
    file_format = base_formats.XLSX() if path.suffix.lower() == ".xlsx" else SniffedCSV(encoding="utf-8-sig")
    return file_format.create_dataset(path.read_bytes())
