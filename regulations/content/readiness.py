"""Read the requirement mappings and the illustrative sample readiness spec."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .entries import SLUG, Entry, Problems, read_yaml

RELATIONSHIPS = {"equal", "subset", "superset", "intersects"}
SAMPLE_STATUSES = ["met", "partly_met", "gap", "not_applicable", "unassessed"]


@dataclass(frozen=True)
class RequirementRef:
    rule: str
    key: str


@dataclass
class Mapping:
    source: RequirementRef
    target: RequirementRef
    relationship: str
    rationale: str
    internal_note: str


@dataclass
class SampleSpec:
    company: str
    as_of: dt.date
    assessed_from: dt.date
    assessed_until: dt.date
    mix: dict[str, int]
    internal_percent: int
    unassessed_rules: list[str]


def read_ref(data, where: str, problems: Problems) -> RequirementRef:
    e = Entry(data, where, problems, {"rule", "requirement"})
    return RequirementRef(e.pattern("rule", SLUG), e.pattern("requirement", SLUG))


def read_mappings(path: Path, problems: Problems) -> list[Mapping]:
    e = Entry(read_yaml(path), path.name, problems, {"mappings"})
    mappings = []
    for i, data in enumerate(e.items("mappings"), 1):
        where = f"{path.name} mapping {i}"
        m = Entry(data, where, problems, {"from", "to", "relationship", "rationale", "internal_note"})
        mappings.append(
            Mapping(
                source=read_ref(m.data.get("from"), f"{where} from", problems),
                target=read_ref(m.data.get("to"), f"{where} to", problems),
                relationship=m.text("relationship", choices=RELATIONSHIPS),
                rationale=m.text("rationale"),
                internal_note=m.text("internal_note", required=False),
            )
        )
    return mappings


def read_sample_spec(data, where: str, problems: Problems) -> SampleSpec | None:
    if not data:
        return None
    allowed = {"company", "as_of", "assessed_from", "assessed_until", "mix", "internal_percent", "unassessed_rules"}
    e = Entry(data, where, problems, allowed)
    mix = e.data.get("mix") or {}
    if set(mix) != set(SAMPLE_STATUSES) or sum(mix.values()) != 100:
        problems.add(where, f"mix must give a percentage for each of {SAMPLE_STATUSES}, adding up to 100")
    spec = SampleSpec(
        company=e.pattern("company", SLUG),
        as_of=e.date("as_of"),
        assessed_from=e.date("assessed_from"),
        assessed_until=e.date("assessed_until"),
        mix={status: int(mix.get(status, 0)) for status in SAMPLE_STATUSES},
        internal_percent=int(e.data.get("internal_percent") or 0),
        unassessed_rules=[str(slug) for slug in e.items("unassessed_rules")],
    )
    if not (spec.as_of and spec.assessed_from and spec.assessed_until and spec.assessed_from < spec.assessed_until):
        problems.add(where, "as_of, assessed_from and assessed_until are required, with from before until")
    return spec
