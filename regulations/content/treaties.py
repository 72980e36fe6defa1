"""Read ``un_regulation_parties.yaml``: which parties to the 1958 Agreement apply which UN Regulation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .entries import CODE, SLUG, URL, Entry, Problems, read_yaml

FIELDS = {"party", "regulation", "since", "until", "source_url", "note"}


@dataclass
class Application:
    party: str
    regulation: str
    since: dt.date | None
    until: dt.date | None
    source_url: str
    note: str


def read_applications(path: Path, problems: Problems) -> list[Application]:
    if not path.exists():
        return []
    e = Entry(read_yaml(path), path.name, problems, {"applications"})
    applications = []
    for i, data in enumerate(e.items("applications"), 1):
        where = f"{path.name} application {i}"
        a = Entry(data, where, problems, FIELDS)
        application = Application(
            party=a.pattern("party", CODE),
            regulation=a.pattern("regulation", SLUG),
            since=a.date("since"),
            until=a.date("until"),
            source_url=a.pattern("source_url", URL),
            note=a.text("note", required=False),
        )
        if application.since and application.until and application.until < application.since:
            problems.add(where, "until is before since")
        applications.append(application)
    return applications
