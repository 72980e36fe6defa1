"""Coverage: "not covered yet" is never shown as "nothing applies" (issue 11, item 12).

Afghanistan, Mongolia and Nepal have no rules of their own in the content and no union or
treaty reaches them: every page, firm market cell and export says their law is not covered
yet, rather than "0 rules apply". A new EU member (made here, so that the content's
progress never changes the case) is reached by EU law, its own law not researched:
partly covered. Germany was researched (as of the reference's date, 25 November
2026) and keeps its real counts.
"""

import csv
import datetime as dt
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse

from regulations import models as m
from regulations.applicability import applicability
from regulations.coverage import CoverageState, coverage_of

from .factories import CompanyFactory, JurisdictionFactory, MarketFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NOT_COVERED = "not covered yet"
RESEARCHED_ON = dt.date(2026, 11, 25)
# Markets nobody has researched, and that no union or treaty in the content reaches.
UNCOVERED = ["af", "mn", "np"]
PARTLY = "QP"


@pytest.fixture
def partly():
    """An EU member whose own law is not researched: EU rules reach it, so it is partly covered."""
    member = JurisdictionFactory(code=PARTLY, name="Partlyland", region="Europe")
    MembershipFactory(member=member, body=m.Jurisdiction.objects.get(code="EU"), since=dt.date(2004, 5, 1))
    return member


DOMAINS = ["data-security", "road-safety", "cross-border-data-transfer"]


def text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_the_reference_coverage_is_loaded_from_the_rules_it_holds():
    germany = {c.domain: c.researched_on for c in m.Coverage.objects.filter(jurisdiction__code="DE")}
    assert germany["data-security"] == germany["road-safety"] == RESEARCHED_ON
    assert set(m.Coverage.objects.filter(jurisdiction__code="EU").values_list("domain", flat=True)) == set(DOMAINS)
    assert not m.Coverage.objects.filter(jurisdiction__code__in=[code.upper() for code in UNCOVERED]).exists()


def test_a_domain_is_claimed_only_with_a_published_rule_or_a_note_saying_what_was_found():
    """Rules still in review claim no coverage: a domain without a published rule says why it is empty."""
    published = {
        (jurisdiction, domain)
        for jurisdiction, topic, parent in m.Rule.objects.published().values_list(
            "jurisdiction__code", "topics__slug", "topics__parent__slug"
        )
        for domain in (topic, parent)
        if domain in DOMAINS
    }
    claimed = m.Coverage.objects.values_list("jurisdiction__code", "domain", "note")
    unexplained = [(code, domain) for code, domain, note in claimed if (code, domain) not in published and not note]
    assert not unexplained
    assert len(claimed) > 60


def test_coverage_tells_researched_from_partly_covered_from_not_covered(partly):
    on = dt.date(2026, 11, 29)
    places = list(m.Jurisdiction.objects.filter(code__in=["DE", PARTLY, "NP", "US-CA"]).select_related("parent"))
    found = {j.code: coverage_of(places, on)[j.pk] for j in places}
    germany = {d.domain.slug: d for d in found["DE"].domains}
    assert germany["data-security"].state is CoverageState.COVERED
    assert germany["data-security"].researched_on == RESEARCHED_ON
    # Partlyland's own law was not researched, only the EU's: partly covered, and it says so.
    assert {d.state for d in found[PARTLY].domains} == {CoverageState.PARTIAL}
    assert [j.code for j in found[PARTLY].domains[0].missing] == [PARTLY]
    assert {d.state for d in found["NP"].domains} == {CoverageState.NOT_COVERED}
    assert found["NP"].state is CoverageState.NOT_COVERED
    california = {d.domain.slug: d for d in found["US-CA"].domains}
    assert california["road-safety"].state is CoverageState.COVERED  # its own and federal law
    assert [j.code for j in california["cross-border-data-transfer"].missing] == ["US-CA"]


@pytest.mark.parametrize("code", UNCOVERED)
def test_uncovered_jurisdiction_pages_say_not_covered_yet(client, code):
    page = text(client.get(reverse("regulations:jurisdiction-detail", args=[code])))
    assert NOT_COVERED in page
    assert "0 rules apply" not in page and "No published rule binds here" not in page


def test_germany_reads_its_real_counts_and_what_was_researched(client, partly):
    response = client.get(reverse("regulations:jurisdiction-detail", args=["de"]))
    page = text(response)
    germany = m.Jurisdiction.objects.get(code="DE")
    on = response.context["on"]
    applying = applicability(germany, on).rules().count()
    assert response.context["rule_count"] == applying > 20
    assert f"{applying} rules reach Germany" in page
    assert "researched as of 25 November 2026" in page
    # Partlyland's own law was not researched: said, beside the EU rules that do apply.
    member = text(client.get(reverse("regulations:jurisdiction-detail", args=[partly.code.lower()])))
    assert "GDPR" in member and "that of Partlyland not covered yet" in member


def test_the_directory_lists_uncovered_countries_as_not_covered(client, partly):
    response = client.get(reverse("regulations:jurisdiction-list"))
    page = text(response)
    uncovered = {j.code for j in response.context["others"]}
    assert {code.upper() for code in UNCOVERED} <= uncovered
    assert "Not covered yet" in page
    germany = next(j for _, js in response.context["regions"] for j in js if j.code == "DE")
    assert germany.applicable > 20
    assert PARTLY not in {j.code for _, js in response.context["regions"] for j in js}  # nothing of its own researched


def test_the_directory_shows_a_member_researched_in_one_domain_as_partly_covered(client):
    member = JurisdictionFactory(code="QM", name="Newmemberland", region="Europe")
    MembershipFactory(member=member, body=m.Jurisdiction.objects.get(code="EU"), since=dt.date(2025, 1, 1))
    m.Coverage.objects.create(jurisdiction=member, domain="road-safety", researched_on=RESEARCHED_ON)
    response = client.get(reverse("regulations:jurisdiction-list"))
    listed = next(j for _, js in response.context["regions"] for j in js if j.code == "QM")
    assert listed.coverage.state is CoverageState.PARTIAL  # its own road-safety law only; EU law elsewhere
    assert listed.applicable > 10  # the EU rules that reach it


def test_compare_says_not_covered_yet_in_uncovered_columns(client):
    response = client.get(reverse("regulations:compare"), {"j": ["de", "mn", "np"]})
    rows = {topic.slug: cells for topic, cells in response.context["comparison"].rows}
    germany, mongolia, nepal = rows["data-security"]
    assert germany.coverage.state is CoverageState.COVERED and germany.count
    assert mongolia.coverage.state is CoverageState.NOT_COVERED and not mongolia.count
    assert nepal.coverage.state is CoverageState.NOT_COVERED
    assert rows["personal-data"][1].coverage.state is CoverageState.NOT_COVERED  # sub-topics follow their domain
    assert NOT_COVERED in text(response)


def test_firm_market_cells_say_not_covered_yet(client, partly):
    """A BYD market in Nepal, whose law is not researched, is not covered; one in Partlyland only partly."""
    byd_firm = m.Company.objects.get(slug="byd")
    MarketFactory(company=byd_firm, jurisdiction=m.Jurisdiction.objects.get(code="NP"))
    MarketFactory(company=byd_firm, jurisdiction=partly)
    listing = client.get(reverse("regulations:company-list"))
    byd = next(c for c in listing.context["companies"] if c.slug == "byd")
    cells = {market.jurisdiction.code: readiness.coverage for market, readiness in byd.markets_with_readiness}
    assert cells["NP"].state is CoverageState.NOT_COVERED
    assert cells[PARTLY].state is CoverageState.PARTIAL
    assert not re.search(r"(?<![0-9])0 requirements apply", text(listing))
    detail = client.get(reverse("regulations:company-detail", args=["byd"]))
    rows = {market.jurisdiction.code: readiness.coverage for market, readiness in detail.context["markets"]}
    assert rows["NP"].state is CoverageState.NOT_COVERED
    assert NOT_COVERED in text(detail)


def test_a_firm_market_in_nepal_is_not_covered_yet(client):
    firm = CompanyFactory(name="Nepalmotors")
    MarketFactory(company=firm, jurisdiction=m.Jurisdiction.objects.get(code="NP"))
    page = text(client.get(reverse("regulations:company-detail", args=[firm.slug])))
    assert NOT_COVERED in page
    matrix = client.get(reverse("regulations:readiness"), {"j": "np"})
    cells = {company.slug: cells for company, _, cells in matrix.context["rows"]}
    readiness, in_market = cells[firm.slug][0]
    assert in_market and readiness.total == 0 and readiness.coverage.state is CoverageState.NOT_COVERED
    assert readiness.not_covered
    assert NOT_COVERED in text(matrix) and '">nothing applies' not in text(matrix)


def test_the_rule_list_says_when_a_market_is_not_covered(client):
    page = text(client.get(reverse("regulations:rule-list"), {"applies_in": "np"}))
    assert NOT_COVERED in page
    germany = text(client.get(reverse("regulations:rule-list"), {"applies_in": "de", "topic": "road-safety"}))
    assert NOT_COVERED not in germany


@pytest.mark.parametrize("code", UNCOVERED)
def test_checklist_exports_for_uncovered_markets_carry_a_clear_note(client, code):
    url = reverse("regulations:checklist")
    csv_response = client.get(url, {"applies_in": code, "format": "csv"})
    table = list(csv.reader(io.StringIO(text(csv_response))))
    assert table[0][0] == "Applies in"
    assert NOT_COVERED in table[1][0]
    assert f"{code.upper()}:road-safety=not-covered" in csv_response["Coverage"]

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(url, {"applies_in": code, "format": "xlsx"}))))
    cover = {row[0]: row[1] for row in workbook["About this checklist"].iter_rows(values_only=True)}
    assert NOT_COVERED in cover["Coverage"]
    assert NOT_COVERED in workbook["Checklist"]["A2"].value

    document = json.loads(text(client.get(url, {"applies_in": code, "format": "json"})))
    states = {(c["jurisdiction"], c["domain"]): c["state"] for c in document["coverage"]}
    assert states == {(code.upper(), domain): "not_covered" for domain in DOMAINS}
    assert NOT_COVERED in document["note"]

    assert NOT_COVERED in text(client.get(url, {"applies_in": code, "format": "md"}))
    assert NOT_COVERED in text(client.get(url, {"applies_in": code}))


def test_a_german_checklist_says_what_was_researched_and_keeps_its_rows(client):
    url = reverse("regulations:checklist")
    document = json.loads(text(client.get(url, {"applies_in": "de", "topic": "road-safety", "format": "json"})))
    assert document["row_count"] > 0
    assert document["coverage"] == [
        {
            "jurisdiction": "DE",
            "domain": "road-safety",
            "state": "covered",
            "researched": [
                {"jurisdiction": "DE", "researched_on": "2026-11-25", "note": ""},
                {"jurisdiction": "EU", "researched_on": "2026-11-25", "note": ""},
            ],
            "not_researched": [],
        }
    ]


def test_researched_with_nothing_found_reads_nothing_applies(client):
    """A curator may record that a domain was researched and nothing was found: only then does 0 mean 0."""
    place = JurisdictionFactory(code="QN", name="Nilland", region="Europe")
    m.Coverage.objects.create(
        jurisdiction=place, domain="road-safety", researched_on=RESEARCHED_ON, note="No vehicle rules found."
    )
    coverage = coverage_of([place], dt.date(2026, 11, 29))[place.pk]
    road = next(d for d in coverage.domains if d.domain.slug == "road-safety")
    assert road.state is CoverageState.COVERED
    page = text(client.get(reverse("regulations:jurisdiction-detail", args=["qn"])))
    assert "nothing applies" in page.lower() and "No vehicle rules found." in page


def test_a_union_member_reads_both_what_reaches_it_and_what_was_not_researched(client):
    member = JurisdictionFactory(code="QM", name="Newmemberland", region="Europe")
    MembershipFactory(member=member, body=m.Jurisdiction.objects.get(code="EU"), since=dt.date(2025, 1, 1))
    page = text(client.get(reverse("regulations:jurisdiction-detail", args=["qm"])))
    assert "GDPR" in page
    assert "that of Newmemberland not covered yet" in page
