"""The JSON API (issue 15, first part): rules through the rule list's own FilterSet, jurisdictions, the schema.

The API and the page must agree: the same filter gives the same rules in the same order,
with the same verdicts; bad input is a 400 in problem details, never a 500; nothing
unpublished or internal comes out.
"""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from regulations import models as m

from .factories import (
    AssessmentFactory,
    CompanyFactory,
    PublicRecordFactory,
    RequirementFactory,
    RuleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

RULES = reverse("api:rule-list")
PAGE = reverse("regulations:rule-list")
FILTERS = [
    {"applies_in": "de"},
    {"applies_in": ["de", "jp"], "topic": "cybersecurity"},
    {"q": "cybersecurity"},
    {"status": "in_force", "on": "2026-01-01"},
    {"jurisdiction": "cn", "sort": "newest"},
    {"level": "4", "instrument": "law"},
]


def api_rules(client, params: dict) -> list[dict]:
    """Every rule the API lists for ``params``, following ``next`` links."""
    return api_list(client, RULES, params)


def api_list(client, url: str, params: dict) -> list[dict]:
    """Every item of an API listing for ``params``, following ``next`` links."""
    found, query = [], {**params, "page_size": 100}
    while url:
        response = client.get(url, query)
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        found += body["results"]
        url, query = body["next"], None
    return found


def page_rules(client, params: dict) -> list:
    found, number = [], 1
    while True:
        page = client.get(PAGE, {**params, "page": number}).context["page"]
        found += list(page.object_list)
        if not page.has_next():
            return found
        number += 1


@pytest.mark.parametrize("params", FILTERS, ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items()))
def test_the_api_and_the_rule_list_give_the_same_rules_in_the_same_order_with_the_same_verdicts(client, params):
    shown, served = page_rules(client, params), api_rules(client, params)
    assert shown, "the reference content should answer every filter here"
    assert [rule["slug"] for rule in served] == [rule.slug for rule in shown]
    assert client.get(RULES, params).json()["count"] == len(shown)
    for rule, item in zip(shown, served, strict=True):
        assert item["legal_status"] == rule.legal_status
        assert [(v["jurisdiction"], v["force"]) for v in item["verdicts"]] == [
            (verdict.jurisdiction.code, verdict.key) for verdict in rule.verdicts
        ]
        assert [[g["path"] for g in v["grounds"]] for v in item["verdicts"]] == [
            [reason.path for reason in verdict.grounds] for verdict in rule.verdicts
        ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"applies_in": "zz"}, "applies_in"),
        ({"topic": "no-such-topic"}, "topic"),
        ({"on": "2026-13-45"}, "on"),
        ({"level": "9"}, "level"),
        ({"status": "dormant"}, "status"),
        ({"sort": "random"}, "sort"),
        ({"q": "x" * 5000}, "q"),
        ({"force": "binding"}, "force"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_bad_input_is_a_400_in_problem_details_naming_the_parameter(client, params, field):
    response = client.get(RULES, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["title"] == "Bad Request" and body["type"] == "about:blank"
    assert body["errors"][field] and all(isinstance(message, str) for message in body["errors"][field])


def test_a_missing_rule_or_page_is_a_404_in_problem_details(client):
    for url in (reverse("api:rule-detail", args=["no-such-rule"]), RULES + "?page=999"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404


def test_a_rule_reads_whole_with_requirements_milestones_sources_and_relations(client):
    rule = m.Rule.objects.published().filter(requirements__isnull=False, outgoing_relations__isnull=False).first()
    body = client.get(reverse("api:rule-detail", args=[rule.slug.upper()])).json()
    assert body["slug"] == rule.slug and body["summary"] == rule.summary
    assert [r["key"] for r in body["requirements"]] == list(rule.requirements.values_list("key", flat=True))
    assert {s["url"] for s in body["sources"]} == set(rule.sources.values_list("url", flat=True))
    published = rule.outgoing_relations.filter(to_rule__state=m.CurationState.PUBLISHED)
    assert {(r["rule"], r["kind"]) for r in body["relations"] if r["direction"] == "to"} == set(
        published.values_list("to_rule__slug", "kind")
    )
    assert body["html_url"].endswith(reverse("regulations:rule-detail", args=[rule.slug]))


def test_nothing_unpublished_or_internal_comes_out(client):
    draft = RuleFactory(title="Zebra Crossing Data Draft", state=m.CurationState.DRAFT, internal_notes="SECRET-NOTE")
    published = RuleFactory(title="Zebra Crossing Data Act", internal_notes="SECRET-NOTE")
    SourceFactory(rule=published)
    replacement = RequirementFactory(rule=draft, internal_note="SECRET-NOTE")
    RequirementFactory(
        rule=published, superseded_by=replacement, superseded_on=dt.date(2026, 1, 1), internal_note="SECRET-NOTE"
    )
    listed = client.get(RULES, {"q": "zebra crossing"})
    assert [rule["slug"] for rule in listed.json()["results"]] == [published.slug]
    assert client.get(reverse("api:rule-detail", args=[draft.slug])).status_code == 404
    detail = client.get(reverse("api:rule-detail", args=[published.slug]))
    assert detail.json()["requirements"][0]["superseded_by"] is None  # a draft's requirement is never named
    for response in (listed, detail):
        text = json.dumps(response.json()).replace('"internal": null', "")  # the staff-only member, empty
        assert "SECRET-NOTE" not in text and draft.slug not in text and "internal" not in text


def test_list_queries_do_not_grow_with_the_rules_listed(client):
    params = {"applies_in": "de", "page_size": 100}
    with CaptureQueriesContext(connection) as before:
        assert client.get(RULES, params).status_code == 200
    country = m.Jurisdiction.objects.get(code="DE")
    RuleFactory.create_batch(30, jurisdiction=country)
    with CaptureQueriesContext(connection) as after:
        body = client.get(RULES, params).json()
    assert body["count"] >= 30
    assert len(after) == len(before)


def test_jurisdictions_read_with_their_memberships_by_code_in_any_case(client):
    body = client.get(reverse("api:jurisdiction-detail", args=["de"])).json()
    assert body["code"] == "DE" and body["name"] == "Germany"
    assert "EU" in {membership["body"]["code"] for membership in body["memberships"]}
    listed = client.get(reverse("api:jurisdiction-list"), {"page_size": 100}).json()
    assert listed["count"] == m.Jurisdiction.objects.count()


def test_the_openapi_schema_is_valid_and_served(client, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    parameters = {p["name"] for p in schema["paths"]["/api/v1/rules/"]["get"]["parameters"]}
    assert {"q", "applies_in", "topic", "status", "level", "on", "sort", "page", "page_size"} <= parameters


CHECKLISTS = [
    {"applies_in": "cn", "topic": "cross-border-data-transfer"},
    {"applies_in": ["de", "jp"], "level": "3", "on": "2027-01-01", "force": ["binding", "recognised"]},
]


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("params", CHECKLISTS, ids=["cn-transfer", "de-jp-level-3"])
def test_the_api_checklist_is_the_pages_checklist_row_for_row(client, params):
    page = json.loads(streamed(client.get(reverse("regulations:checklist"), {**params, "format": "json"})))
    served = client.get(reverse("api:checklist"), params)
    assert served.status_code == 200 and served["Content-Type"].startswith("application/json")
    api = json.loads(streamed(served))
    assert api["row_count"] == page["row_count"] > 0
    assert api["rows"] == page["rows"] and api["columns"] == page["columns"] and api["query"] == page["query"]
    as_csv = client.get(reverse("api:checklist"), {**params, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(streamed(as_csv).decode("utf-8-sig"))))
    assert len(rows) == page["row_count"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "applies_in"),
        ({"applies_in": "cn", "format": "html"}, "format"),
        ({"applies_in": "cn", "level": "7"}, "level"),
    ],
)
def test_a_checklist_that_cannot_be_built_is_a_400_in_problem_details(client, params, field):
    response = client.get(reverse("api:checklist"), params)
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][field]


def test_the_checklist_schema_lists_the_forms_parameters(client):
    schema = json.loads(client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/checklist/"]["get"]["parameters"]}
    assert {"applies_in", "topic", "level", "on", "vehicle", "company", "force", "layout", "format"} <= set(parameters)
    assert set(parameters["force"]["schema"]["items"]["enum"]) == {"binding", "recognised", "advisory"}


def test_an_address_outside_every_route_is_problem_details_under_the_api_and_the_sites_page_elsewhere(client):
    api = client.get("/api/v1/no-such-thing/")
    assert api.status_code == 404 and api["Content-Type"] == "application/problem+json"
    assert api.json()["instance"] == "/api/v1/no-such-thing/"
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_an_unchanged_answer_is_304_until_the_content_changes(client):
    first = client.get(RULES, {"applies_in": "de"})
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"') and "no-cache" in first["Cache-Control"]
    again = client.get(RULES, {"applies_in": "de"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    RuleFactory(jurisdiction=m.Jurisdiction.objects.get(code="DE"))
    changed = client.get(RULES, {"applies_in": "de"}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_any_site_may_read_the_api_from_a_browser_but_not_the_pages(client):
    api = client.get(RULES, HTTP_ORIGIN="https://dashboard.example.org")
    assert api["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in api["Access-Control-Expose-Headers"]
    page = client.get(PAGE, HTTP_ORIGIN="https://dashboard.example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_too_many_anonymous_requests_are_told_to_wait(client, settings):
    from django.core.cache import cache

    settings.API_ANON_RATE = "2/min"
    cache.clear()
    try:
        statuses = [client.get(reverse("api:jurisdiction-list")).status_code for _ in range(3)]
        refused = client.get(reverse("api:jurisdiction-list"))
    finally:
        cache.clear()
    assert statuses == [200, 200, 429]
    assert refused["Content-Type"] == "application/problem+json" and int(refused["Retry-After"]) > 0
    assert refused.json()["status"] == 429


REQUIREMENTS = reverse("api:requirement-list")


def api_requirements(client, params: dict) -> list[dict]:
    return api_list(client, REQUIREMENTS, params)


def test_requirements_of_a_market_are_those_of_the_rules_that_reach_it(client):
    params = {"applies_in": "cn", "topic": "cross-border-data-transfer"}
    served = api_requirements(client, params)
    reaching = {rule["slug"] for rule in api_rules(client, {"applies_in": "cn"})}
    topic = m.Topic.objects.filter(slug="cross-border-data-transfer")
    expected = (
        m.Requirement.objects.in_topics(topic)
        .filter(rule__state=m.CurationState.PUBLISHED, rule__slug__in=reaching)
        .order_by("rule_id", "order", "pk")
    )
    assert [(r["rule"]["slug"], r["key"]) for r in served] == list(expected.values_list("rule__slug", "key"))
    assert served, "China's transfer rules have requirements"
    item = served[0]
    shouted = reverse("api:requirement-detail", args=[item["rule"]["slug"].upper(), item["key"].upper()])
    detail = client.get(shouted)
    assert detail.status_code == 200 and detail.json()["api_url"] == item["api_url"]


def test_requirements_of_drafts_and_internal_notes_never_come_out(client):
    draft = RuleFactory(state=m.CurationState.DRAFT)
    RequirementFactory(rule=draft, obligation="Draft duty ZEBRA.", internal_note="SECRET-NOTE")
    published = RequirementFactory(internal_note="SECRET-NOTE")
    listed = client.get(REQUIREMENTS, {"rule": published.rule.slug})
    assert [r["key"] for r in listed.json()["results"]] == [published.key]
    assert client.get(REQUIREMENTS, {"rule": draft.slug}).status_code == 400  # no such published rule
    everything = json.dumps(api_requirements(client, {}))
    assert "SECRET-NOTE" not in everything and "ZEBRA" not in everything
    hidden = reverse("api:requirement-detail", args=[draft.slug, draft.requirements.get().key])
    assert client.get(hidden).status_code == 404


def test_requirement_list_queries_do_not_grow_with_the_requirements_listed(client):
    rule = RuleFactory()
    RequirementFactory(rule=rule)
    with CaptureQueriesContext(connection) as before:
        client.get(REQUIREMENTS, {"rule": rule.slug})
    RequirementFactory.create_batch(20, rule=rule)
    with CaptureQueriesContext(connection) as after:
        assert client.get(REQUIREMENTS, {"rule": rule.slug}).json()["count"] == 21
    assert len(after) == len(before)


def test_firms_read_with_their_markets_and_public_records_samples_marked(client):
    listed = client.get(reverse("api:company-list"), {"page_size": 100}).json()
    assert listed["count"] == m.Company.objects.count()
    samples = {firm["slug"] for firm in listed["results"] if firm["illustrative_sample"]}
    assert samples == set(m.Company.objects.filter(is_fictional=True).values_list("slug", flat=True))
    firm = m.Company.objects.filter(records__isnull=False, is_fictional=False).first()
    body = client.get(reverse("api:company-detail", args=[firm.slug])).json()
    assert {r["source_url"] for r in body["records"]} == set(firm.records.values_list("source_url", flat=True))
    assert {market["jurisdiction"] for market in body["markets"]} == set(
        firm.market_entries.values_list("jurisdiction__code", flat=True)
    )


def test_only_public_assessments_of_published_rules_come_out(client):
    firm = CompanyFactory(internal_notes="SECRET-NOTE")
    PublicRecordFactory(company=firm, internal_note="SECRET-NOTE", rule=RuleFactory(state=m.CurationState.DRAFT))
    shown = AssessmentFactory(company=firm, visibility=m.Visibility.PUBLIC, evidence="Public evidence.")
    AssessmentFactory(company=firm, visibility=m.Visibility.INTERNAL, evidence="SECRET-EVIDENCE")
    draft_rule = RuleFactory(state=m.CurationState.DRAFT)
    AssessmentFactory(company=firm, visibility=m.Visibility.PUBLIC, requirement=RequirementFactory(rule=draft_rule))
    listed = client.get(reverse("api:assessment-list"), {"company": firm.slug}).json()
    assert [(a["rule"], a["requirement"]) for a in listed["results"]] == [
        (shown.requirement.rule.slug, shown.requirement.key)
    ]
    assert listed["results"][0]["illustrative_sample"] is True
    detail = client.get(reverse("api:company-detail", args=[firm.slug])).json()
    assert detail["records"][0]["rule"] is None  # the record's rule is a draft: not named
    for text in (json.dumps(listed), json.dumps(detail)):
        assert "SECRET" not in text and draft_rule.slug not in text


@pytest.mark.parametrize(
    "params", [{}, {"on": "2027-01-01", "level": "2"}, {"topic": "cybersecurity", "force": "binding"}]
)
def test_what_applies_in_a_place_is_the_rule_lists_answer_for_it(client, params):
    place = api_list(client, reverse("api:applicability", args=["de"]), params)
    listed = api_rules(client, {**params, "applies_in": "de"})
    assert [rule["slug"] for rule in place] == [rule["slug"] for rule in listed]
    assert [rule["verdict"] for rule in place] == [rule["verdicts"][0] for rule in listed]


def test_a_vehicle_situation_picks_its_phase_in_date(client):
    dates = {}
    for vehicle in ("new_type", "registered"):
        found = api_list(client, reverse("api:applicability", args=["de"]), {"q": "UN R155", "vehicle": vehicle})
        r155 = next(rule for rule in found if rule["slug"] == "un-r155")
        dates[vehicle] = r155["binds_vehicle_from"]
        assert "2022" in r155["phase_in"] and "2024" in r155["phase_in"]
    assert dates == {"new_type": "2022-07-06", "registered": "2024-07-07"}  # GSR2's dates for UN R155 in the EU


@pytest.mark.parametrize("params", [{}, {"jurisdiction": "cn"}, {"topic": "cybersecurity"}])
def test_the_change_log_reads_as_on_its_page(client, params):
    shown = client.get(reverse("regulations:changes"), params).context["page"]
    served = client.get(reverse("api:change-list"), {**params, "page_size": len(shown.object_list)}).json()
    assert served["count"] == shown.paginator.count > 0
    assert [(e["kind"], e["day"], e["rule"], e["summary"]) for e in served["results"]] == [
        (event.kind, event.day.isoformat(), event.rule.slug, event.summary) for event in shown.object_list
    ]
    drafts = set(m.Rule.objects.exclude(state=m.CurationState.PUBLISHED).values_list("slug", flat=True))
    assert not drafts & {e["rule"] for e in served["results"]}


def grow_everything():
    """More of every kind of row an endpoint lists: rules, requirements, firms, records, assessments, events."""
    country = m.Jurisdiction.objects.get(code="DE")
    for _ in range(15):
        rule = RuleFactory(jurisdiction=country, topics=[m.Topic.objects.get(slug="cybersecurity")])
        SourceFactory(rule=rule)
        requirement = RequirementFactory(rule=rule)
        firm = CompanyFactory()
        PublicRecordFactory(company=firm, rule=rule)
        AssessmentFactory(company=firm, requirement=requirement, visibility=m.Visibility.PUBLIC)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/rules/?applies_in=de&applies_in=jp&page_size=100",
        "/api/v1/requirements/?applies_in=de&page_size=100",
        "/api/v1/jurisdictions/?page_size=100",
        "/api/v1/jurisdictions/de/",
        "/api/v1/jurisdictions/de/applicability/?page_size=100",
        "/api/v1/companies/?page_size=100",
        "/api/v1/assessments/?page_size=100",
        "/api/v1/changes/?page_size=100",
        "/api/v1/checklist/?applies_in=de&topic=cybersecurity",
    ],
)
def test_every_endpoint_runs_a_fixed_number_of_queries(client, url):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            assert response.status_code == 200
            b"".join(response.streaming_content) if response.streaming else response.content
        return len(captured)

    before = queries()
    grow_everything()
    assert queries() == before


@pytest.fixture
def staff_token(db):
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    staff = User.objects.create_user("curator-api", password="not-used-here", is_staff=True)
    return Token.objects.create(user=staff).key


def test_staff_with_a_token_see_internal_data_marked_and_no_one_else_does(client, staff_token):
    rule = RuleFactory(internal_notes="Check the 2027 amendment.")
    RequirementFactory(rule=rule, internal_note="Reference unclear.")
    firm = CompanyFactory(internal_notes="Ask their counsel.")
    AssessmentFactory(company=firm, visibility=m.Visibility.INTERNAL, evidence="Internal audit.")
    detail = reverse("api:rule-detail", args=[rule.slug])
    assessments = reverse("api:assessment-list")

    as_staff = {"HTTP_AUTHORIZATION": f"Token {staff_token}"}
    body = client.get(detail, **as_staff).json()
    assert body["internal"] == {"notes": "Check the 2027 amendment."}
    assert body["requirements"][0]["internal"] == {"notes": "Reference unclear."}
    firm_body = client.get(reverse("api:company-detail", args=[firm.slug]), **as_staff).json()
    assert firm_body["internal"] == {"notes": "Ask their counsel."}
    staff_list = client.get(assessments, {"company": firm.slug}, **as_staff)
    assert [a["visibility"] for a in staff_list.json()["results"]] == ["internal"]
    assert "ETag" not in staff_list and "Authorization" in staff_list["Vary"]
    rows = json.loads(streamed(client.get(reverse("api:checklist"), {"applies_in": "de"}, **as_staff)))
    assert any(column["key"] == "internal_note" for column in rows["columns"])

    anonymous = client.get(detail).json()
    assert anonymous["internal"] is None and anonymous["requirements"][0]["internal"] is None
    assert client.get(assessments, {"company": firm.slug}).json()["results"] == []
    assert "Ask their counsel" not in client.get(reverse("api:company-detail", args=[firm.slug])).content.decode()
    wrong = client.get(detail, HTTP_AUTHORIZATION="Token not-a-token")
    assert wrong.status_code == 401 and wrong["Content-Type"] == "application/problem+json"


def test_a_jurisdiction_says_how_far_its_law_was_researched_as_its_page_does(client):
    from regulations.coverage import coverage_of

    place = m.Jurisdiction.objects.get(code="DE")
    expected = coverage_of([place], timezone.localdate())[place.pk]
    body = client.get(reverse("api:jurisdiction-detail", args=["de"])).json()["coverage"]
    assert body["state"] == expected.state.value
    assert [(d["domain"], d["state"]) for d in body["domains"]] == [
        (domain.domain.slug, domain.state.value) for domain in expected.domains
    ]


@pytest.mark.parametrize(
    ("api", "site", "params"),
    [
        ("api:rule-list", "/rules.csv", {"applies_in": "de", "topic": "cybersecurity"}),
        ("api:jurisdiction-list", "/jurisdictions.csv", {}),
        ("api:company-list", "/companies.csv", {}),
    ],
)
def test_a_listing_as_csv_is_the_sites_table_for_the_same_parameters(client, api, site, params):
    served = client.get(reverse(api), {**params, "format": "csv"})
    assert served.status_code == 200 and served["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(streamed(served).decode("utf-8-sig"))))
    assert len(rows) > 1
    assert rows == list(csv.reader(io.StringIO(streamed(client.get(site, params)).decode("utf-8-sig"))))
    refused = client.get(reverse(api), {**params, "format": "xml"})
    assert refused.status_code == 400 and refused.json()["errors"]["format"]
