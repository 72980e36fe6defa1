"""Compare what markets require (issue 11, item 14): per topic and market, in the chosen order, exported."""

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regulations import models as m
from regulations.checklists import build_checklist
from regulations.comparison import CELL_RULES, compare_query

from .factories import RequirementFactory, RuleFactory, SourceFactory

pytestmark = pytest.mark.django_db

URL = reverse("regulations:compare")
ON = "2026-11-25"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def comparison(client, *codes, **params):
    response = client.get(URL, {"j": list(codes), "on": ON, **params})
    assert response.status_code == 200
    return response.context["comparison"]


def rows_by_topic(found):
    return {topic.slug: cells for topic, cells in found.rows}


def test_columns_keep_the_order_chosen(client):
    found = comparison(client, "jp", "de", "br")
    assert [market.code for market, _ in found.columns] == ["JP", "DE", "BR"]
    page = client.get(URL, {"j": ["jp", "de", "br"]}).content.decode()
    headers = [page.index(f'data-code="{code}"') for code in ("JP", "DE", "BR")]
    assert headers == sorted(headers)
    ticked = [j.code for j in client.get(URL, {"j": ["jp", "de", "br"]}).context["candidates"]][:3]
    assert ticked == ["JP", "DE", "BR"]  # the form lists them first, so re-submitting keeps the order


def test_cells_name_rules_with_their_force_milestones_and_requirement_counts(client):
    found = comparison(client, "de", "jp", "kr")
    cells = rows_by_topic(found)["cybersecurity"]
    germany, japan, korea = ({shown.rule.slug: shown for shown in cell.rules} for cell in cells)
    r155 = germany["un-r155"]
    assert r155.force == "binding"
    assert "New types 2022-07-06" in r155.milestones
    assert japan["un-r155"].force == "binding"
    assert "un-r155" not in korea or korea["un-r155"].force != "binding"
    rows = list(build_checklist(compare_query(found.query.applies_in, found.query.on)).rows)
    for code, named in zip(("DE", "JP"), (germany, japan), strict=True):
        in_cell = [r for r in rows if r["applies_in"] == code and "cybersecurity" in r["topic_slugs"]]
        for slug, shown in named.items():
            assert shown.requirements == sum(r["rule_slug"] == slug for r in in_cell) > 0
            assert {r["force"] for r in in_cell if r["rule_slug"] == slug} == {shown.force}


def test_a_cell_puts_binding_rules_first_and_then_those_with_most_requirements(client):
    for cells in rows_by_topic(comparison(client, "de", "jp", "br")).values():
        for cell in cells:
            order = [(shown.force != "binding", -shown.requirements) for shown in cell.rules]
            assert order == sorted(order)


def test_a_domain_row_is_the_union_of_its_sub_topics(client):
    found = comparison(client, "de", "cn")
    rows = list(build_checklist(compare_query(found.query.applies_in, found.query.on)).rows)
    domain = m.Topic.objects.get(slug="data-security")
    family = {domain.slug, *domain.children.values_list("slug", flat=True)}
    for column, (market, _) in enumerate(found.columns):
        expected = {r["permalink"] for r in rows if r["applies_in"] == market.code and family & set(r["topic_slugs"])}
        cell = rows_by_topic(found)["data-security"][column]
        assert cell.count == len(expected) > 0
        children = [rows_by_topic(found)[slug][column].count for slug in family - {domain.slug}]
        assert cell.count >= max(children)


def test_a_cell_is_bounded_and_links_to_the_full_checklist(client):
    cybersecurity = m.Topic.objects.get(slug="cybersecurity")
    for _ in range(CELL_RULES + 2):
        rule = RuleFactory(jurisdiction=m.Jurisdiction.objects.get(code="DE"), topics=[cybersecurity])
        SourceFactory(rule=rule)
        RequirementFactory.create_batch(3, rule=rule)
    cell = rows_by_topic(comparison(client, "de"))["cybersecurity"][0]
    assert len(cell.rules) == CELL_RULES
    assert cell.more_rules == cell.rule_count - CELL_RULES >= 2
    assert cell.more == cell.count - sum(shown.requirements for shown in cell.rules) >= 6
    assert "applies_in=de" in cell.more_url and "topic=cybersecurity" in cell.more_url
    rows = build_checklist(compare_query([m.Jurisdiction.objects.get(code="DE")], dt.date.fromisoformat(ON))).rows
    unrecorded = sum(r["force"] == "unrecorded" and "cybersecurity" in r["topic_slugs"] for r in rows)
    checklist = client.get(cell.more_url)  # its force filter has no "unrecorded": those rows make no checklist
    assert checklist.status_code == 200 and checklist.context["checklist"].totals().rows == cell.count - unrecorded
    page = client.get(URL, {"j": ["de"], "on": ON}).content.decode()
    assert f"+{cell.more_rules} more rules ({cell.more} requirements)" in page


def test_the_page_costs_the_same_queries_whatever_the_rows(client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(URL, {"j": ["de", "fr"], "on": ON})
        return len(captured)

    before = queries()
    rule = RuleFactory(
        jurisdiction=m.Jurisdiction.objects.get(code="DE"), topics=[m.Topic.objects.get(slug="cybersecurity")]
    )
    SourceFactory(rule=rule)
    RequirementFactory.create_batch(40, rule=rule)
    assert queries() == before


def test_the_comparison_exports_like_a_checklist(client):
    response = client.get(URL, {"j": ["jp", "de"], "on": ON, "format": "csv"})
    table = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert [row["Applies in"] for row in table][:1] == ["JP"] and table[-1]["Applies in"] == "DE"
    assert {row["Force"] for row in table} >= {"binding", "recognised"}
    assert all(row["Link"] for row in table)
    document = json.loads(body(client.get(URL, {"j": ["jp", "de"], "on": ON, "format": "json"})))
    assert document["query"]["applies_in"] == ["JP", "DE"] and document["row_count"] == len(table)
    workbook = openpyxl.load_workbook(
        io.BytesIO(body(client.get(URL, {"j": ["jp", "de"], "on": ON, "format": "xlsx"})))
    )
    assert workbook["Checklist"].max_row == len(table) + 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"j": ["de"], "format": "docx"}, "Unsupported format docx"),
        ({"format": "csv"}, "Choose at least one jurisdiction"),
        ({"j": ["de"], "vehicle": "bicycle"}, "Select a valid choice"),
    ],
)
def test_bad_compare_input_is_a_400_beside_the_field(client, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400 and message in response.content.decode()
