"""Checked access to YAML content entries, shared by the content readers.

Pure Python (PyYAML only) so that content can be checked without a database.
Every problem is collected with its file and entry, so one run reports them all.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

INSTRUMENTS = {"law", "regulation", "technical_standard", "guidance", "bill"}
TREATY_INSTRUMENTS = {"agreement_1958", "un_regulation", "agreement_1998", "un_gtr"}
ADVISORY_INSTRUMENTS = {"guidance", "technical_standard"}  # bind by themselves only when the file says so
STATES = {"published", "in_review"}
RELATION_KINDS = {"amends", "repeals", "implements", "makes_binding", "references"}
REQUIREMENT_KINDS = {"obligation", "prohibition", "reporting", "certification"}
MILESTONE_KINDS = {"new_types", "all_new_vehicles", "older_series_end", "reporting", "other"}
SEGMENTS = {"carmaker", "self_driving", "supplier"}
# The three mission domains (top-level topics); coverage is recorded for these.
DOMAINS = {"data-security", "road-safety", "cross-border-data-transfer"}
MARKET_STATUSES = {"selling", "testing", "planned", "exploring"}
RECORD_KINDS = {
    "market_entry",
    "approval",
    "certification",
    "permit",
    "selection",
    "listing",
    "partnership",
    "fine",
    "other",
}
CODE = re.compile(r"^(?:[A-Z]{2}(?:-[A-Z0-9]{1,3})?|EU|EAEU|EEA|UNECE)$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIREMENT_REF = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")  # rule-slug/requirement-key
PARTIAL_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
URL = re.compile(r"^https?://\S+$")


class ContentError(Exception):
    """Raised with every problem found, one per line."""


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def raise_any(self) -> None:
        if self.items:
            raise ContentError("\n".join(self.items))


class Entry:
    """A YAML mapping with typed, checked access; unknown keys are problems."""

    def __init__(self, data, where: str, problems: Problems, allowed: set[str]):
        self.where, self.problems = where, problems
        if not isinstance(data, dict):
            problems.add(where, "expected a mapping")
            data = {}
        self.data = data
        for key in sorted(set(data) - allowed):
            problems.add(where, f"unknown field {key!r}")

    def text(self, key: str, *, required: bool = True, choices: set[str] | None = None) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.problems.add(self.where, f"{key} is required")
            return ""
        if not isinstance(value, str):
            value = str(value)
        value = value.strip()
        if choices is not None and value not in choices:
            self.problems.add(self.where, f"{key} {value!r} is not one of {sorted(choices)}")
        return value

    def pattern(self, key: str, regex: re.Pattern, *, required: bool = True) -> str:
        value = self.text(key, required=required)
        if value and not regex.match(value):
            self.problems.add(self.where, f"{key} {value!r} is malformed")
        return value

    def date(self, key: str) -> dt.date | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.problems.add(self.where, f"{key} {value!r} is not a date (YYYY-MM-DD)")
            return None

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self.problems.add(self.where, f"{key} must be true or false")
            return default
        return value

    def items(self, key: str) -> list:
        value = self.data.get(key) or []
        if not isinstance(value, list):
            self.problems.add(self.where, f"{key} must be a list")
            return []
        return value


# libyaml's loader reads the same documents as PyYAML's pure-Python SafeLoader, about ten
# times faster (the content is read on every load and check); fall back where it is missing.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SAFE_LOADER)  # noqa: S506 - CSafeLoader or SafeLoader
