"""Read ``fixtures/coverage.yaml`` (what was researched where) and check it against the rules."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .entries import CODE, DOMAINS, Entry, Problems, read_yaml
from .rules import Rule


@dataclass
class Coverage:
    jurisdiction: str
    domain: str
    researched_on: dt.date | None
    note: str


def read_coverage(path: Path, problems: Problems) -> list[Coverage]:
    """One ``Coverage`` per jurisdiction and domain listed in ``path``."""
    e = Entry(read_yaml(path), path.name, problems, {"coverage"})
    found: list[Coverage] = []
    for i, data in enumerate(e.items("coverage"), 1):
        where = f"{path.name} entry {i}"
        c = Entry(data, where, problems, {"jurisdiction", "domains", "researched_on", "note"})
        jurisdiction, researched_on = c.pattern("jurisdiction", CODE), c.date("researched_on")
        if researched_on is None:
            problems.add(where, "researched_on is required")
        domains = [str(domain) for domain in c.items("domains")]
        if not domains:
            problems.add(where, "domains is required")
        for domain in domains:
            if domain not in DOMAINS:
                problems.add(where, f"domain {domain!r} is not one of {sorted(DOMAINS)}")
            found.append(Coverage(jurisdiction, domain, researched_on, c.text("note", required=False)))
    return found


def covered_markets(coverage: list[Coverage], unions: set[str]) -> list[str]:
    """The markets (countries and territories) whose own law is recorded as researched in all three mission domains.

    Unions, treaty bodies and subdivisions (``US-CA``) are not markets: a union's rules
    reach its members, but a member counts only once its own law is researched.
    """
    domains: dict[str, set[str]] = defaultdict(set)
    for entry in coverage:
        domains[entry.jurisdiction].add(entry.domain)
    return sorted(
        code for code, found in domains.items() if "-" not in code and code not in unions and found >= DOMAINS
    )


def rule_domains(rule: Rule, roots: dict[str, str]) -> set[str]:
    """The mission domains a rule falls in: the top-level topics of its topics."""
    return {roots[topic] for topic in rule.topics if roots.get(topic) in DOMAINS}


def check_coverage(coverage: list[Coverage], rules: list[Rule], roots: dict[str, str], problems: Problems) -> None:
    """Every published rule's domain is recorded as researched; a domain with no such rule says why in a note."""
    recorded: dict[tuple[str, str], Coverage] = {}
    for entry in coverage:
        key = (entry.jurisdiction, entry.domain)
        if key in recorded:
            problems.add("coverage.yaml", f"{entry.jurisdiction} {entry.domain} given twice")
        recorded[key] = entry
    published = {
        (rule.jurisdiction, domain)
        for rule in rules
        if rule.state == "published"
        for domain in rule_domains(rule, roots)
    }
    for rule in rules:
        for domain in sorted(rule_domains(rule, roots)) if rule.state == "published" else []:
            if (rule.jurisdiction, domain) not in recorded:
                problems.add(
                    f"{rule.origin} ({rule.slug})",
                    f"published in {domain}, but coverage.yaml does not record {rule.jurisdiction}'s {domain} "
                    "as researched: add it, with the date the facts were checked",
                )
    held = {
        (rule.jurisdiction, domain): rule.slug
        for rule in rules
        if rule.state != "published" and rule.instrument != "bill"
        for domain in rule_domains(rule, roots)
    }
    for (jurisdiction, domain), entry in recorded.items():
        if (jurisdiction, domain) in published:
            continue
        if not entry.note:
            problems.add(
                "coverage.yaml",
                f"{jurisdiction} {domain} has no published rule: say in a note what the research found",
            )
        elif (jurisdiction, domain) in held:
            problems.add(
                "coverage.yaml",
                f"{jurisdiction} {domain} is claimed with only {held[jurisdiction, domain]} there, still in review: "
                "pages would read 'nothing applies'; leave the domain out until the rule is published",
            )
