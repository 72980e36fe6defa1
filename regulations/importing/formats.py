"""Reading import files as real spreadsheets write them: CSV with or without a BOM, any usual separator, or XLSX.

A file's format is read from its extension, and a CSV file's text encoding from its first bytes:
UTF-8 (Excel's "CSV UTF-8", with a BOM, or without one) or UTF-16 with its BOM (Excel's "Unicode
Text"). Anything else, such as Excel's plain "CSV" on Windows (cp1252), is refused with the line and
byte that cannot be read: guessing a legacy code page would import wrong letters without a word.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import tablib
from import_export.formats import base_formats

DELIMITERS = [",", ";", "\t", "|"]
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
ENCODINGS = [
    "UTF-8, with or without a BOM (Excel: \u201cCSV UTF-8\u201d)",
    "UTF-16 with its BOM (Excel: \u201cUnicode Text\u201d)",
]
SAVE_AS = "In Excel, save it as \u201cCSV UTF-8 (Comma delimited)\u201d, or upload the .xlsx file itself."


class UnreadableFile(ValueError):
    """The file cannot be read as the format its name says; the message says why and what to do."""


def delimiter_of(text: str) -> str:
    """The separator a spreadsheet used: the candidate the header line holds most of (header cells rarely
    contain one; data cells often do, so csv.Sniffer is easily misled by them)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(DELIMITERS, key=header.count)


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-16 or UTF-8 by its BOM, else UTF-8; any other encoding is refused."""
    encoding = next((name for bom, name in BOMS if data.startswith(bom)), "utf-8-sig")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        before = data[: error.start].decode(encoding, errors="replace")
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        label = "UTF-16" if encoding == "utf-16" else "UTF-8"
        raise UnreadableFile(
            f"The file is not {label} text: byte 0x{data[error.start]:02X} on line {line}, character {column}, "
            f"cannot be read (it was probably saved in a Windows or Mac code page). {SAVE_AS}"
        ) from None
    if "\x00" in text:  # valid UTF-8, but text never holds NUL: UTF-16 saved without its BOM
        raise UnreadableFile(f"The file holds NUL characters: it is probably UTF-16 without a BOM. {SAVE_AS}")
    return text


class SniffedCSV(base_formats.CSV):
    """CSV in UTF-8 or UTF-16 (read from its first bytes), whose delimiter (comma, semicolon, tab or pipe) is
    read from its header line. Read as bytes, so that the encoding is ours to detect."""

    extensions = ("csv", "tsv", "txt")

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode(in_stream)
        in_stream = in_stream.lstrip("\ufeff")
        return tablib.import_set(in_stream, format="csv", delimiter=delimiter_of(in_stream))


class XLSX(base_formats.XLSX):
    extensions = ("xlsx",)


IMPORT_FORMATS = [SniffedCSV, XLSX]


def format_for(file_name: str) -> type[base_formats.Format] | None:
    """The import format of a file, by its extension (None for a file we do not read)."""
    extension = Path(file_name or "").suffix.lower().lstrip(".")
    return next((file_format for file_format in IMPORT_FORMATS if extension in file_format.extensions), None)


def accepted_extensions() -> list[str]:
    return [f".{extension}" for file_format in IMPORT_FORMATS for extension in file_format.extensions]


def read_dataset(path: Path):
    """The rows of an XLSX file or of a CSV file (by its extension), as the admin's import page reads them."""
    file_format = (format_for(path.name) or SniffedCSV)()
    return file_format.create_dataset(path.read_bytes())
