"""The rows of each public listing as a table: rules (for the rule list's filter), jurisdictions, firms.

One function per listing builds the rows from the same queries the page shows, so a
download and its page agree; ``exports.tables`` writes them as CSV or JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from .coverage import coverage_of
from .exports.tables import Table
from .filters import RuleFilter
from .models import Company, Jurisdiction, Rule, legal_status_expression
from .places import applicable_counts
from .selectors import researched_jurisdictions
from .sitemaps import RULE_ADDRESS

LICENCE = "Summaries and structure: the knowledge base's own work; the official texts prevail."
RULE_COLUMNS = [
    ("url", "Address"),
    ("slug", "Id"),
    ("short_name", "Short name"),
    ("title", "Title"),
    ("original_title", "Original title"),
    ("citation", "Citation"),
    ("made_by", "Made by (code)"),
    ("made_by_name", "Made by"),
    ("instrument", "Instrument"),
    ("legal_status", "Legal status on the day"),
    ("applies_from", "Applies from"),
    ("applies_until", "Applies until"),
    ("levels", "SAE levels"),
    ("topics", "Topics"),
]
ROW_CHUNK = 2000


def rule_table(filterset: RuleFilter, site: str) -> Table:
    """The rules of a bound, valid rule-list filter, in the list's order, with their status on its day."""
    rules = filterset.qs.annotate(legal_status=legal_status_expression(filterset.day))
    about = {"listing": "rules", "query": filterset.form.data.dict() if filterset.form.data else {}}
    return Table("rules", RULE_COLUMNS, rule_rows(rules, site), about | listing_about(filterset.day))


def rule_rows(rules, site: str) -> Iterator[dict]:
    for rule in rules.iterator(chunk_size=ROW_CHUNK):
        yield {
            "url": site + RULE_ADDRESS(rule.slug),
            "slug": rule.slug,
            "short_name": rule.short_name,
            "title": rule.title,
            "original_title": rule.original_title,
            "citation": rule.citation,
            "made_by": rule.jurisdiction.code,
            "made_by_name": rule.jurisdiction.name,
            "instrument": rule.get_instrument_display(),
            "legal_status": rule.legal_status,
            "applies_from": rule.applies_from,
            "applies_until": rule.applies_until,
            "levels": rule.levels_label,
            "topics": "; ".join(topic.name for topic in rule.topics.all()),
        }


def researched_places(today: dt.date) -> list[Jurisdiction]:
    """The jurisdiction directory's places, each with ``applicable`` (rules that apply there) and ``coverage``."""
    places = list(researched_jurisdictions())
    applicable = applicable_counts(places, today, Rule.objects.published())
    coverage = coverage_of(places, today)
    for place in places:
        place.applicable, place.coverage = applicable[place.pk], coverage[place.pk]
    return places


def jurisdiction_table(site: str, today: dt.date | None = None) -> Table:
    """The directory's places with their own and applicable rule counts and research coverage, as listed."""
    today = today or timezone.localdate()
    places = researched_places(today)
    columns = [
        ("url", "Address"),
        ("code", "Code"),
        ("name", "Name"),
        ("original_name", "Original name"),
        ("kind", "Kind"),
        ("region", "Region"),
        ("parent", "Part of"),
        ("own_rules", "Own rules"),
        ("applicable_rules", "Rules that apply there"),
        ("researched", "Researched"),
    ]
    rows = (
        {
            "url": site + reverse("regulations:jurisdiction-detail", args=[place.code.lower()]),
            "code": place.code,
            "name": place.name,
            "original_name": place.original_name,
            "kind": place.get_kind_display(),
            "region": place.region,
            "parent": place.parent.code if place.parent else "",
            "own_rules": place.own_rules,
            "applicable_rules": place.applicable,
            "researched": "; ".join(f"{d.domain.name}: {d.label}" for d in place.coverage.domains),
        }
        for place in places
    )
    return Table("jurisdictions", columns, rows, {"listing": "jurisdictions"} | listing_about(today))


def company_table(site: str) -> Table:
    """The firms of the directory with their headquarters and markets; sample firms say so."""
    columns = [
        ("url", "Address"),
        ("slug", "Id"),
        ("name", "Name"),
        ("original_name", "Original name"),
        ("segment", "Segment"),
        ("hq_country", "HQ country (code)"),
        ("hq_city", "HQ city"),
        ("markets", "Markets (code: status)"),
        ("illustrative_sample", "Illustrative sample (not a real firm)"),
    ]
    companies = Company.objects.for_list().order_by("is_fictional", "name")
    rows = (
        {
            "url": site + reverse("regulations:company-detail", args=[company.slug]),
            "slug": company.slug,
            "name": company.name,
            "original_name": company.original_name,
            "segment": company.get_segment_display(),
            "hq_country": company.hq_country.code if company.hq_country else "",
            "hq_city": company.hq_city,
            "markets": "; ".join(
                f"{market.jurisdiction.code}: {market.get_status_display()}" for market in company.market_entries.all()
            ),
            "illustrative_sample": company.is_fictional,
        }
        for company in companies
    )
    return Table("firms", columns, rows, {"listing": "firms"} | listing_about(timezone.localdate()))


def listing_about(day: dt.date) -> dict:
    return {"on": day.isoformat(), "generated_at": timezone.now().isoformat(), "licence": LICENCE}
