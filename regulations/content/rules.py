"""Read the rule files (``fixtures/rules/*.yaml``) into plain dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .entries import (
    ADVISORY_INSTRUMENTS,
    CODE,
    INSTRUMENTS,
    RELATION_KINDS,
    REQUIREMENT_KINDS,
    REQUIREMENT_REF,
    SLUG,
    STATES,
    TREATY_INSTRUMENTS,
    URL,
    Entry,
    Problems,
    read_yaml,
)


@dataclass
class Authority:
    slug: str
    name: str
    abbreviation: str
    jurisdiction: str


@dataclass
class Source:
    url: str
    title: str
    publisher: str
    language: str
    official: bool


@dataclass
class Relation:
    kind: str
    target: str
    applies_from: dt.date | None
    note: str


@dataclass
class Requirement:
    key: str
    reference: str
    kind: str
    obligation: str
    deadline: dt.date | None
    evidence: str
    reference_checked: bool
    internal_note: str
    topics: list[str]  # only where narrower than the rule's
    superseded_by: tuple[str, str] | None  # (rule slug, requirement key)
    superseded_on: dt.date | None


@dataclass
class Rule:
    slug: str
    jurisdiction: str
    authority: str
    short_name: str
    title: str
    original_title: str
    citation: str
    instrument: str
    binding_by_itself: bool
    treaty_instrument: str
    adopted_on: dt.date | None
    applies_from: dt.date | None
    applies_until: dt.date | None
    topics: list[str]
    level_min: int | None
    level_max: int | None
    vehicle_categories: str
    state: str
    summary: str
    internal_notes: str
    sources: list[Source]
    relations: list[Relation]
    requirements: list[Requirement]
    origin: str = ""
    reviewed_on: dt.date | None = None  # the rule's own checked_on, else its file's reviewed_on
    reviewed_by: str = ""


def read_authority(data, where: str, problems: Problems) -> Authority:
    e = Entry(data, where, problems, {"slug", "name", "abbreviation", "jurisdiction"})
    return Authority(
        slug=e.pattern("slug", SLUG),
        name=e.text("name"),
        abbreviation=e.text("abbreviation", required=False),
        jurisdiction=e.pattern("jurisdiction", CODE),
    )


def read_levels(e: Entry) -> tuple[int | None, int | None]:
    value = e.data.get("levels", "all")
    if value in ("all", None):
        return None, None
    if isinstance(value, dict) and set(value) == {"min", "max"}:
        low, high = value["min"], value["max"]
        if isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= 5:
            return low, high
    e.problems.add(e.where, f"levels {value!r} must be 'all' or {{min, max}} with 0 <= min <= max <= 5")
    return None, None


def read_source(data, where: str, problems: Problems) -> Source:
    e = Entry(data, where, problems, {"url", "title", "publisher", "language", "official"})
    return Source(
        url=e.pattern("url", URL),
        title=e.text("title", required=False),
        publisher=e.text("publisher", required=False),
        language=e.text("language", required=False) or "en",
        official=e.flag("official", False),
    )


def read_relation(data, where: str, problems: Problems) -> Relation:
    e = Entry(data, where, problems, {"kind", "target", "applies_from", "note"})
    return Relation(
        kind=e.text("kind", choices=RELATION_KINDS),
        target=e.pattern("target", SLUG),
        applies_from=e.date("applies_from"),
        note=e.text("note", required=False),
    )


def read_requirement(data, where: str, problems: Problems) -> Requirement:
    allowed = {
        "key",
        "reference",
        "kind",
        "obligation",
        "deadline",
        "evidence",
        "reference_checked",
        "internal_note",
        "topics",
        "superseded_by",
        "superseded_on",
    }
    e = Entry(data, where, problems, allowed)
    successor = e.pattern("superseded_by", REQUIREMENT_REF, required=False)
    requirement = Requirement(
        key=e.pattern("key", SLUG),
        reference=e.text("reference", required=False),
        kind=e.text("kind", choices=REQUIREMENT_KINDS),
        obligation=e.text("obligation"),
        deadline=e.date("deadline"),
        evidence=e.text("evidence", required=False),
        reference_checked=e.flag("reference_checked", True),
        internal_note=e.text("internal_note", required=False),
        topics=[str(t) for t in e.items("topics")],
        superseded_by=tuple(successor.split("/")) if successor else None,
        superseded_on=e.date("superseded_on"),
    )
    if bool(requirement.superseded_by) != bool(requirement.superseded_on):
        problems.add(where, "superseded_by and superseded_on go together")
    if not requirement.reference_checked and not requirement.internal_note:
        problems.add(where, "an unchecked reference needs an internal_note saying what is open")
    return requirement


DEFAULT_REVIEWER = "Content team"

RULE_FIELDS = {
    "checked_on",
    "checked_by",
    "slug",
    "jurisdiction",
    "authority",
    "short_name",
    "title",
    "original_title",
    "citation",
    "instrument",
    "binding_by_itself",
    "treaty_instrument",
    "adopted_on",
    "applies_from",
    "applies_until",
    "topics",
    "levels",
    "vehicle_categories",
    "state",
    "summary",
    "internal_notes",
    "sources",
    "relations",
    "requirements",
}


def read_rule(data, where: str, problems: Problems) -> Rule:
    e = Entry(data, where, problems, RULE_FIELDS)
    slug = e.pattern("slug", SLUG)
    where = f"{where} ({slug})"
    e.where = where
    level_min, level_max = read_levels(e)
    instrument = e.text("instrument", choices=INSTRUMENTS)
    treaty_instrument = e.text("treaty_instrument", required=False, choices=TREATY_INSTRUMENTS)
    binds = e.flag("binding_by_itself", not treaty_instrument and instrument not in ADVISORY_INSTRUMENTS)
    rule = Rule(
        slug=slug,
        jurisdiction=e.pattern("jurisdiction", CODE),
        authority=e.pattern("authority", SLUG, required=False),
        short_name=e.text("short_name", required=False),
        title=e.text("title"),
        original_title=e.text("original_title", required=False),
        citation=e.text("citation", required=False),
        instrument=instrument,
        binding_by_itself=binds,
        treaty_instrument=treaty_instrument,
        adopted_on=e.date("adopted_on"),
        applies_from=e.date("applies_from"),
        applies_until=e.date("applies_until"),
        topics=[str(t) for t in e.items("topics")],
        level_min=level_min,
        level_max=level_max,
        vehicle_categories=e.text("vehicle_categories", required=False),
        state=e.text("state", choices=STATES),
        summary=e.text("summary"),
        internal_notes=e.text("internal_notes", required=False),
        sources=[read_source(s, f"{where} source {i}", problems) for i, s in enumerate(e.items("sources"), 1)],
        relations=[read_relation(r, f"{where} relation {i}", problems) for i, r in enumerate(e.items("relations"), 1)],
        requirements=[
            read_requirement(r, f"{where} requirement {i}", problems) for i, r in enumerate(e.items("requirements"), 1)
        ],
        reviewed_on=e.date("checked_on"),
        reviewed_by=e.text("checked_by", required=False),
    )
    check_rule(rule, where, problems)
    return rule


def check_rule(rule: Rule, where: str, problems: Problems) -> None:
    if rule.binding_by_itself and (rule.instrument == "guidance" or rule.treaty_instrument):
        problems.add(where, "guidance and UNECE treaty instruments never bind by themselves")
    if rule.treaty_instrument and rule.jurisdiction != "UNECE":
        problems.add(where, "a UNECE treaty instrument belongs to the UNECE jurisdiction")
    if not rule.sources:
        problems.add(where, "a rule needs at least one source")
    if rule.applies_from and rule.applies_until and rule.applies_until <= rule.applies_from:
        problems.add(where, "applies_until must be after applies_from")
    if rule.state == "published":
        if not any(source.official for source in rule.sources):
            problems.add(where, "a published rule needs an official source (official: true)")
        if not rule.citation:
            problems.add(where, "a published rule needs a citation")
        if not rule.applies_from and rule.instrument != "bill":
            problems.add(where, "a published rule needs applies_from (or is a bill)")
    keys = [r.key for r in rule.requirements]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.add(where, f"requirement key {key!r} is used twice")
    urls = [s.url for s in rule.sources]
    for url in sorted({u for u in urls if urls.count(u) > 1}):
        problems.add(where, f"source {url} is listed twice")


@dataclass
class RuleFile:
    authorities: list[Authority]
    rules: list[Rule]


def read_rule_file(path: Path, problems: Problems) -> RuleFile:
    where = path.name
    e = Entry(read_yaml(path), where, problems, {"reviewed_on", "reviewed_by", "authorities", "rules"})
    reviewed_on = e.date("reviewed_on")
    reviewed_by = e.text("reviewed_by", required=False) or DEFAULT_REVIEWER
    authorities = [
        read_authority(a, f"{where} authority {i}", problems) for i, a in enumerate(e.items("authorities"), 1)
    ]
    rules = [read_rule(r, f"{where} rule {i}", problems) for i, r in enumerate(e.items("rules"), 1)]
    for rule in rules:
        rule.origin = where
        rule.reviewed_on = rule.reviewed_on or reviewed_on
        rule.reviewed_by = rule.reviewed_by or reviewed_by
    return RuleFile(authorities, rules)
