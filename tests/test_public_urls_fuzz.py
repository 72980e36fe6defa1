"""Arbitrary query strings and path segments on every public URL: an answer, never a 500.

Each URL of the public contract is drawn with its own parameters: plausible values (so
queries run deep), the same values spoiled (a NUL byte or odd characters inside), values of
the parameter's shape out of range (far dates in several shapes, huge numbers), and hostile
text (unicode, very long strings); keys repeat, and unknown keys come too. Each request runs
in a savepoint, so a database error fails only its own example and shrinks cleanly.
"""

import datetime as dt
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from regulations.filters import RuleFilter

pytestmark = pytest.mark.django_db

PAGE = {200, 400}
FOUND_OR_NOT = {200, 404}

JUNK = st.sampled_from(["\x00", "\x00\x00", "%00", "汽车", "ü", "\u202e", "🚗", "' OR 1=1 --", " ", "/", "\\"])
FAR_DATES = [
    "9999-12-31",
    "9998-12-31",
    "9999-12-01",
    "9999-11-30",
    "9997-12-31",
    "0001-01-01",
    "1000-01-01",
    "1949-12-31",
    "2100-01-01",
    "0000-00-00",
    "10000-01-01",
    "-2027-01-01",
    "+2027-01-01",
    "2027-1-1",
    "20270101",
    "2027-02-29",
    "2027-01-01T00:00:00",
    "31/12/9999",
]
DATES = st.one_of(
    st.sampled_from(FAR_DATES),
    st.dates().map(dt.date.isoformat),
    st.builds(dt.date.strftime, st.dates(), st.sampled_from(["%d/%m/%Y", "%Y%m%d", "%Y-%m-%dT%H:%M"])),
)
HUGE = ["9" * 40, "-1", "0", "2147483648", "9223372036854775808", "1e309", "NaN", "٣", "0x10"]
NUMBERS = st.one_of(st.sampled_from(HUGE), st.integers().map(str))
TEXT = st.one_of(st.text(max_size=40), st.text(min_size=1, max_size=3).map(lambda chunk: chunk * 3000))
HOSTILE = st.one_of(JUNK, DATES, NUMBERS, TEXT)


def spoiled(values: list[str]) -> st.SearchStrategy[str]:
    """A plausible value with junk (a NUL byte, unicode...) put somewhere inside it."""
    values = st.sampled_from(values)
    return st.builds(lambda value, junk, at: value[:at] + junk + value[at:], values, JUNK, st.integers(0, 12))


PLAUSIBLE = {
    "q": ["cyber secruity", "2016/679", "汽车数据", "gdpr"],
    "jurisdiction": ["eu", "DE", "us-ca", "cn"],
    "applies_in": ["de", "fr", "cn", "JP", "us-ca"],
    "j": ["de", "jp", "br", "cn", "eu"],
    "topic": ["cybersecurity", "data-security", "Road-Safety", "personal-data"],
    "status": ["in_force", "proposed", "repealed", "met", "gap", "unknown", "partly_met"],
    "instrument": ["law", "regulation", "technical_standard", "bill"],
    "level": ["0", "2", "5"],
    "in_force_on": ["2027-01-01", "1950-01-01", "2099-12-31", "2020-01-31"],
    "on": ["2027-01-01", "1950-01-01", "2099-12-31", "2020-01-31"],
    "sort": ["relevance", "newest", "oldest", "title", "jurisdiction", "updated"],
    "page": ["1", "2"],
    "format": ["html", "csv", "xlsx", "md", "json"],
    "force": ["binding", "recognised", "advisory", "Binding"],
    "company": ["example-motors", "byd", "BYD"],
    "view": ["jurisdictions", "topics"],
    "vehicle": ["new_type", "registered"],
    "layout": ["requirement", "market"],
    "p": ["1", "2"],
}
SHAPED = {"in_force_on": DATES, "on": DATES, "level": NUMBERS, "page": NUMBERS, "p": NUMBERS}

RULE_PARAMS = list(RuleFilter.base_filters)  # every filter of the rule list, new ones included
URLS = {
    "/": [],
    "/rules/": [*RULE_PARAMS, "page", "format"],
    "/rules.json": RULE_PARAMS,
    "/rules/eu-gdpr/": [],
    "/rules/eu-gdpr/requirements/art-27/": [],
    "/jurisdictions/": [],
    "/jurisdictions/de/": ["on"],
    "/compare/": ["j", "on", "vehicle", "format"],
    "/checklist/": ["applies_in", "topic", "level", "on", "vehicle", "company", "force", "layout", "format"],
    "/companies/": [],
    "/companies/example-motors/": ["on", "j", "status", "topic"],
    "/readiness/": ["on", "view", "j"],
    "/changes/": ["jurisdiction", "topic", "page"],
    "/changes/feed/": ["jurisdiction", "topic"],
    "/deadlines.ics": ["applies_in", "topic"],
    "/sitemap.xml": [],
    "/sitemap-rules.xml": ["p"],
    "/healthz": [],
}
ALLOWED = {"/sitemap-rules.xml": FOUND_OR_NOT, "/healthz": {200}}
# Enough examples to reach every parameter, few enough to keep both database runs short: a page
# without parameters only meets unknown ones, and the readiness pages cost a second each on PostgreSQL.
EXAMPLES = {"/rules/": 25, "/checklist/": 25, "/companies/example-motors/": 12, "/readiness/": 12}


def examples(url: str) -> int:
    return EXAMPLES.get(url, 15 if URLS[url] else 3)


def value_for(name: str) -> st.SearchStrategy[str]:
    plausible = PLAUSIBLE.get(name, ["x"])
    return st.one_of(st.sampled_from(plausible), spoiled(plausible), SHAPED.get(name, HOSTILE), HOSTILE)


def query_strings(params: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Up to eight (key, value) pairs: the URL's own parameters, repeated or not, and unknown ones."""
    known = [st.tuples(st.just(name), value_for(name)) for name in params]
    unknown = st.tuples(st.one_of(st.just("other"), st.text(min_size=1, max_size=12)), HOSTILE)
    return st.lists(st.one_of(*known, unknown), max_size=8)


def fetch(url: str, query=()):
    with transaction.atomic():
        return Client().get(url, list(query))


FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "database": None}
# What a fuzzer found before (issue 10), tried on every run besides the drawn examples.
FOUND = ["9998-12-31", "9999-12-01", "9999-11-30"]


def known_cases(params: list[str]) -> list[list[tuple[str, str]]]:
    """A NUL byte in every parameter at once, and each date parameter alone on the far days that overflowed."""
    nul = [(name, PLAUSIBLE.get(name, ["x"])[0] + "\x00") for name in params]
    far = [[(name, day)] for name in params if name in ("on", "in_force_on") for day in FOUND]
    return [nul, *far] if params else []


@pytest.mark.parametrize(("url", "params"), URLS.items(), ids=list(URLS))
def test_every_public_url_answers_arbitrary_query_strings_without_a_500(url, params):
    @settings(max_examples=examples(url), **FUZZ)
    @given(query=query_strings(params))
    def run(query):
        response = fetch(url, query)
        assert response.status_code in ALLOWED.get(url, PAGE), (query, response.status_code)

    for case in known_cases(params):
        run = example(query=case)(run)
    run()


PATHS = {
    "/rules/{}/": ["eu-gdpr", "EU-GDPR", "un-r155"],
    "/rules/un-r155/requirements/{}/": ["para-7-2", "PARA-7-3", "no-such-clause"],
    "/jurisdictions/{}/": ["de", "US-CA", "eu", "unece", "zz"],
    "/companies/{}/": ["example-motors", "BYD", "no-such-firm"],
}


@pytest.mark.parametrize(("pattern", "plausible"), PATHS.items(), ids=list(PATHS))
def test_code_and_slug_urls_answer_arbitrary_segments_with_a_page_or_404(pattern, plausible):
    long_segments = st.sampled_from(plausible).map(lambda value: value * 40)
    segments = st.one_of(st.sampled_from(plausible), spoiled(plausible), long_segments, TEXT.filter(bool))

    @settings(max_examples=15, **FUZZ)
    @given(segment=segments)
    @example(segment=plausible[0] + "\x00")
    @example(segment=plausible[0] * 60)
    def run(segment):
        response = fetch(pattern.format(quote(segment, safe="")))
        assert response.status_code in FOUND_OR_NOT, (segment, response.status_code)

    run()
