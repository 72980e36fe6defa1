"""Read the phase-in milestones (``fixtures/milestones.yaml``) and check them against the rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .entries import CODE, MILESTONE_KINDS, SLUG, URL, Entry, Problems, read_yaml
from .rules import Rule

FIELDS = {"rule", "key", "requirement", "market", "kind", "date", "source_url", "note"}


@dataclass
class Milestone:
    rule: str
    key: str
    requirement: str
    market: str
    kind: str
    date: dt.date | None
    source_url: str
    note: str


def read_milestones(path: Path, problems: Problems) -> list[Milestone]:
    """Every milestone of ``path`` (none when the file is absent)."""
    if not path.exists():
        return []
    e = Entry(read_yaml(path), path.name, problems, {"milestones"})
    milestones = []
    for i, data in enumerate(e.items("milestones"), 1):
        where = f"{path.name} milestone {i}"
        m = Entry(data, where, problems, FIELDS)
        milestone = Milestone(
            rule=m.pattern("rule", SLUG),
            key=m.pattern("key", SLUG),
            requirement=m.pattern("requirement", SLUG, required=False),
            market=m.pattern("market", CODE, required=False),
            kind=m.text("kind", choices=MILESTONE_KINDS),
            date=m.date("date"),
            source_url=m.pattern("source_url", URL),
            note=m.text("note", required=False),
        )
        if m.data.get("date") is None:
            problems.add(where, "date is required")
        milestones.append(milestone)
    return milestones


def check_milestones(milestones: list[Milestone], rules: list[Rule], problems: Problems) -> None:
    """Each milestone names a rule and, if any, one of that rule's requirements; keys are unique per rule."""
    requirements = {rule.slug: {r.key for r in rule.requirements} for rule in rules}
    seen: set[tuple[str, str]] = set()
    for milestone in milestones:
        where = f"milestones.yaml ({milestone.rule} {milestone.key})"
        if milestone.rule not in requirements:
            problems.add(where, f"unknown rule {milestone.rule!r}")
        elif milestone.requirement and milestone.requirement not in requirements[milestone.rule]:
            problems.add(where, f"unknown requirement {milestone.requirement!r} of {milestone.rule}")
        if (milestone.rule, milestone.key) in seen:
            problems.add(where, "key used twice for this rule")
        seen.add((milestone.rule, milestone.key))
