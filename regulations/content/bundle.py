"""Read every content file and check that they agree with each other."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

from .companies import Company, Record, read_company_file
from .coverage import Coverage, check_coverage, read_coverage
from .entries import CODE, SLUG, Entry, Problems, read_yaml
from .milestones import Milestone, check_milestones, read_milestones
from .provisions import Provisions, check_provisions, read_provisions
from .readiness import Mapping, SampleSpec, read_mappings, read_sample_spec
from .rules import Authority, Rule, read_rule_file
from .treaties import Application, read_applications

KINDS = {"union", "treaty_body"}
ROLES = {"member", "eea_efta", "party_1958", "party_1998"}


@dataclass
class Topic:
    slug: str
    name: str
    description: str
    parent: str
    order: int


@dataclass
class Body:
    code: str
    name: str
    kind: str
    region: str
    description: str


@dataclass
class Subdivision:
    code: str
    name: str
    original_name: str


@dataclass
class Membership:
    member: str
    body: str
    role: str
    since: dt.date | None
    until: dt.date | None
    source_url: str
    note: str


@dataclass
class Content:
    topics: list[Topic] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    subdivisions: list[Subdivision] = field(default_factory=list)
    regions: dict[str, str] = field(default_factory=dict)
    memberships: list[Membership] = field(default_factory=list)
    authorities: dict[str, Authority] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    companies: list[Company] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    mappings: list[Mapping] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    samples: SampleSpec | None = None
    coverage: list[Coverage] = field(default_factory=list)
    provisions: Provisions = field(default_factory=Provisions)


def read_topics(path: Path, problems: Problems) -> list[Topic]:
    topics: list[Topic] = []

    def walk(items, parent: str) -> None:
        for data in items or []:
            e = Entry(data, f"{path.name} topic", problems, {"slug", "name", "description", "children"})
            topics.append(
                Topic(
                    slug=e.pattern("slug", SLUG),
                    name=e.text("name"),
                    description=e.text("description", required=False),
                    parent=parent,
                    order=len(topics),
                )
            )
            walk(e.items("children"), topics[-1].slug)

    walk(read_yaml(path), "")
    return topics


def read_jurisdictions(path: Path, content: Content, problems: Problems) -> None:
    e = Entry(read_yaml(path), path.name, problems, {"bodies", "subdivisions", "regions", "memberships"})
    for i, data in enumerate(e.items("bodies"), 1):
        b = Entry(data, f"{path.name} body {i}", problems, {"code", "name", "kind", "region", "description"})
        content.bodies.append(
            Body(
                code=b.pattern("code", CODE),
                name=b.text("name"),
                kind=b.text("kind", choices=KINDS),
                region=b.text("region", required=False),
                description=b.text("description", required=False),
            )
        )
    for i, data in enumerate(e.items("subdivisions"), 1):
        s = Entry(data, f"{path.name} subdivision {i}", problems, {"code", "name", "original_name"})
        content.subdivisions.append(
            Subdivision(s.pattern("code", CODE), s.text("name"), s.text("original_name", required=False))
        )
    for region, codes in (e.data.get("regions") or {}).items():
        for code in codes:
            content.regions[str(code)] = str(region)
    for i, data in enumerate(e.items("memberships"), 1):
        where = f"{path.name} membership {i}"
        m = Entry(data, where, problems, {"member", "body", "role", "since", "until", "source_url", "note"})
        membership = Membership(
            member=m.pattern("member", CODE),
            body=m.pattern("body", CODE),
            role=m.text("role", choices=ROLES),
            since=m.date("since"),
            until=m.date("until"),
            source_url=m.text("source_url"),
            note=m.text("note", required=False),
        )
        if membership.since and membership.until and membership.until < membership.since:
            problems.add(where, "until is before since")
        content.memberships.append(membership)


def read_content(root: Path) -> Content:
    """Read all of ``root`` (the fixtures folder); raise ContentError listing every problem."""
    problems = Problems()
    content = Content(topics=read_topics(root / "topics.yaml", problems))
    read_jurisdictions(root / "jurisdictions.yaml", content, problems)
    for path in sorted((root / "rules").glob("*.yaml")):
        rule_file = read_rule_file(path, problems)
        for authority in rule_file.authorities:
            known = content.authorities.setdefault(authority.slug, authority)
            if known != authority:
                problems.add(path.name, f"authority {authority.slug!r} differs from its definition elsewhere")
        content.rules.extend(rule_file.rules)
    company_file = read_company_file(root / "companies.yaml", problems)
    content.companies, content.records = company_file.companies, company_file.records
    content.mappings = read_mappings(root / "mappings.yaml", problems)
    content.milestones = read_milestones(root / "milestones.yaml", problems)
    content.applications = read_applications(root / "un_regulation_parties.yaml", problems)
    content.coverage = read_coverage(root / "coverage.yaml", problems)
    content.provisions = read_provisions(root / "provisions", problems)
    samples = root / "samples.yaml"
    if samples.exists():
        sample_file = read_company_file(samples, problems, extra={"samples"})
        content.companies += sample_file.companies
        content.records += sample_file.records
        content.samples = read_sample_spec(read_yaml(samples).get("samples"), samples.name, problems)
    cross_check(content, problems)
    check_milestones(content.milestones, content.rules, problems)
    check_provisions(content.provisions, content.rules, {t.slug for t in content.topics}, problems)
    problems.raise_any()
    return content


def duplicates(values) -> list:
    values = list(values)
    return sorted({v for v in values if values.count(v) > 1})


def cross_check(content: Content, problems: Problems) -> None:
    topics = {t.slug for t in content.topics}
    rules = {r.slug for r in content.rules}
    companies = {c.slug for c in content.companies}
    for slug in duplicates(t.slug for t in content.topics):
        problems.add("topics.yaml", f"topic {slug!r} defined twice")
    for slug in duplicates(r.slug for r in content.rules):
        problems.add("rules", f"rule {slug!r} defined twice")
    for slug in duplicates(c.slug for c in content.companies):
        problems.add("companies.yaml", f"company {slug!r} defined twice")
    citations = [(r.jurisdiction, r.citation) for r in content.rules if r.citation]
    for jurisdiction, citation in duplicates(citations):
        problems.add("rules", f"citation {citation!r} used twice in {jurisdiction}")
    check_coverage(content.coverage, content.rules, {t.slug: t.parent or t.slug for t in content.topics}, problems)
    for rule in content.rules:
        where = f"{rule.origin} ({rule.slug})"
        for topic in rule.topics:
            if topic not in topics:
                problems.add(where, f"unknown topic {topic!r}")
        if rule.authority and rule.authority not in content.authorities:
            problems.add(where, f"unknown authority {rule.authority!r}")
        for relation in rule.relations:
            if relation.target not in rules or relation.target == rule.slug:
                problems.add(where, f"relation to unknown rule {relation.target!r}")
    check_applications(content, problems)
    check_jurisdictions(content, problems)
    check_market_records(content, problems)
    requirements = {(rule.slug, r.key) for rule in content.rules for r in rule.requirements}
    check_requirements(content, requirements, problems)
    for mapping in content.mappings:
        for end in (mapping.source, mapping.target):
            if (end.rule, end.key) not in requirements:
                problems.add("mappings.yaml", f"unknown requirement {end.rule} {end.key}")
    pairs = [(m.source, m.target) for m in content.mappings]
    for source, target in duplicates(pairs):
        problems.add("mappings.yaml", f"mapping {source.rule} {source.key} -> {target.rule} {target.key} given twice")
    if content.samples:
        if content.samples.company not in companies:
            problems.add("samples.yaml", f"samples for unknown company {content.samples.company!r}")
        for slug in content.samples.unassessed_rules:
            if slug not in rules:
                problems.add("samples.yaml", f"unknown rule {slug!r}")
    for record in content.records:
        if record.company not in companies:
            problems.add("companies.yaml", f"record for unknown company {record.company!r}")
        if record.rule and record.rule not in rules:
            problems.add("companies.yaml", f"record names unknown rule {record.rule!r}")


def check_requirements(content: Content, requirements: set[tuple[str, str]], problems: Problems) -> None:
    """A requirement's own topics sit within its rule's; what supersedes it exists and is not itself."""
    parents = {t.slug: t.parent for t in content.topics}
    for rule in content.rules:
        for requirement in rule.requirements:
            where = f"{rule.origin} ({rule.slug}) requirement {requirement.key}"
            for topic in requirement.topics:
                if topic not in parents:
                    problems.add(where, f"unknown topic {topic!r}")
                elif topic not in rule.topics and parents[topic] not in rule.topics:
                    problems.add(where, f"topic {topic!r} is neither a topic of its rule nor beneath one")
            successor = requirement.superseded_by
            if successor and (successor not in requirements or successor == (rule.slug, requirement.key)):
                problems.add(where, f"superseded by unknown requirement {'/'.join(successor)}")


def check_applications(content: Content, problems: Problems) -> None:
    """Each application names a UN Regulation and a party to the 1958 Agreement, once."""
    regulations = {rule.slug for rule in content.rules if rule.treaty_instrument == "un_regulation"}
    parties = {m.member for m in content.memberships if m.role == "party_1958"}
    where = "un_regulation_parties.yaml"
    for application in content.applications:
        if application.regulation not in regulations:
            problems.add(where, f"{application.regulation!r} is not a UN Regulation of the content")
        if application.party not in parties:
            problems.add(where, f"{application.party} is not recorded as a party to the 1958 Agreement")
    for party, regulation in duplicates((a.party, a.regulation) for a in content.applications):
        problems.add(where, f"{party} applying {regulation} is given twice")


def check_jurisdictions(content: Content, problems: Problems) -> None:
    """Every code names an ISO 3166 country, a union or treaty body, or a subdivision listed in jurisdictions.yaml.

    The loader would refuse an unknown code too, but only with a database; the check says it first.
    """
    known = {country.alpha_2 for country in pycountry.countries}
    known |= {body.code for body in content.bodies} | {sub.code for sub in content.subdivisions}
    used = [
        *((f"{rule.origin} ({rule.slug})", rule.jurisdiction) for rule in content.rules),
        *((f"authority {a.slug}", a.jurisdiction) for a in content.authorities.values()),
        *(("coverage.yaml", entry.jurisdiction) for entry in content.coverage),
        *((f"company {c.slug} market", market.jurisdiction) for c in content.companies for market in c.markets),
        *((f"record of {record.company}", record.jurisdiction) for record in content.records),
        *((f"membership of {ms.member}", code) for ms in content.memberships for code in (ms.member, ms.body)),
        *(("milestones.yaml", milestone.market) for milestone in content.milestones),
    ]
    for where, code in used:
        if code and code not in known:
            hint = " (add it to the subdivisions in jurisdictions.yaml)" if "-" in code else ""
            problems.add(where, f"unknown jurisdiction {code!r}{hint}")


def check_market_records(content: Content, problems: Problems) -> None:
    """Each market of a real firm rests on a sourced record there (its entry, a permit...), never on nothing."""
    entries = {(record.company, record.jurisdiction) for record in content.records}
    for company in content.companies:
        for market in [] if company.fictional else company.markets:
            if (company.slug, market.jurisdiction) not in entries:
                problems.add(
                    f"companies.yaml ({company.slug})",
                    f"market {market.jurisdiction} has no record saying where it was seen (a sourced market_entry)",
                )
