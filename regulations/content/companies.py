"""Read ``fixtures/companies.yaml``: firms, their markets and public records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .entries import (
    CODE,
    MARKET_STATUSES,
    PARTIAL_DATE,
    RECORD_KINDS,
    SEGMENTS,
    SLUG,
    URL,
    Entry,
    Problems,
    read_yaml,
)


@dataclass
class Market:
    jurisdiction: str
    status: str
    since: str


@dataclass
class Company:
    slug: str
    name: str
    original_name: str
    hq_city: str
    hq_country: str
    segment: str
    website: str
    listings: str
    summary: str
    internal_notes: str
    markets: list[Market]
    fictional: bool = False


@dataclass
class Record:
    company: str
    kind: str
    jurisdiction: str
    rule: str
    date: str
    issuer: str
    description: str
    source_url: str
    internal_note: str


COMPANY_FIELDS = {
    "fictional",
    "slug",
    "name",
    "original_name",
    "hq_city",
    "hq_country",
    "segment",
    "website",
    "listings",
    "summary",
    "internal_notes",
    "markets",
}
RECORD_FIELDS = {
    "company",
    "kind",
    "jurisdiction",
    "rule",
    "date",
    "issuer",
    "description",
    "source_url",
    "internal_note",
}


def read_market(data, where: str, problems: Problems) -> Market:
    e = Entry(data, where, problems, {"jurisdiction", "status", "since"})
    return Market(
        jurisdiction=e.pattern("jurisdiction", CODE),
        status=e.text("status", choices=MARKET_STATUSES),
        since=e.pattern("since", PARTIAL_DATE, required=False),
    )


def read_company(data, where: str, problems: Problems) -> Company:
    e = Entry(data, where, problems, COMPANY_FIELDS)
    slug = e.pattern("slug", SLUG)
    where = e.where = f"{where} ({slug})"
    markets = [read_market(m, f"{where} market {i}", problems) for i, m in enumerate(e.items("markets"), 1)]
    codes = [m.jurisdiction for m in markets]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.add(where, f"market {code} is listed twice; merge the entries")
    return Company(
        slug=slug,
        name=e.text("name"),
        original_name=e.text("original_name", required=False),
        hq_city=e.text("hq_city", required=False),
        hq_country=e.pattern("hq_country", CODE),
        segment=e.text("segment", choices=SEGMENTS),
        website=e.pattern("website", URL, required=False),
        listings=e.text("listings", required=False),
        summary=e.text("summary"),
        internal_notes=e.text("internal_notes", required=False),
        markets=markets,
        fictional=e.flag("fictional", False),
    )


def read_record(data, where: str, problems: Problems) -> Record:
    e = Entry(data, where, problems, RECORD_FIELDS)
    return Record(
        company=e.pattern("company", SLUG),
        kind=e.text("kind", choices=RECORD_KINDS),
        jurisdiction=e.pattern("jurisdiction", CODE, required=False),
        rule=e.pattern("rule", SLUG, required=False),
        date=e.pattern("date", PARTIAL_DATE, required=False),
        issuer=e.text("issuer", required=False),
        description=e.text("description"),
        source_url=e.pattern("source_url", URL),
        internal_note=e.text("internal_note", required=False),
    )


@dataclass
class CompanyFile:
    companies: list[Company]
    records: list[Record]


def read_company_file(path: Path, problems: Problems, extra: set[str] = frozenset()) -> CompanyFile:
    where = path.name
    e = Entry(read_yaml(path), where, problems, {"companies", "records", *extra})
    return CompanyFile(
        companies=[read_company(c, f"{where} company {i}", problems) for i, c in enumerate(e.items("companies"), 1)],
        records=[read_record(r, f"{where} record {i}", problems) for i, r in enumerate(e.items("records"), 1)],
    )
