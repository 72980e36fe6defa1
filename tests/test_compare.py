"""Compare what markets require (issue 11, item 14): per topic and market, in the chosen order, exported."""

import csv
import io
import json

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regulations import models as m
from regulations.checklists import build_checklist
from regulations.comparison import CELL_RULES, RULE_REFERENCES, compare_query

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


def test_cells_list_requirements_with_their_force_and_milestones(client):
    cells = rows_by_topic(comparison(client, "de", "jp", "kr"))["cybersecurity"]
    germany, japan, korea = ({rule.slug: rule for rule in cell.rules.values()} for cell in cells)
    r155 = germany["un-r155"]
    assert r155.force == "binding" and r155.requirements
    assert all(row["permalink"].endswith(f"/requirements/{row['requirement_key']}/") for row in r155.requirements)
    assert "New types 2022-07-06" in r155.milestones
    assert japan["un-r155"].force == "binding"
    assert "un-r155" not in korea or korea["un-r155"].force != "binding"


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
    rule = RuleFactory(
        jurisdiction=m.Jurisdiction.objects.get(code="DE"), topics=[m.Topic.objects.get(slug="cybersecurity")]
    )
    SourceFactory(rule=rule)
    RequirementFactory.create_batch(RULE_REFERENCES + 5, rule=rule)
    cell = rows_by_topic(comparison(client, "de"))["cybersecurity"][0]
    assert len(cell.rules) <= CELL_RULES
    assert all(len(shown.requirements) <= RULE_REFERENCES for shown in cell.rules.values())
    assert cell.more == cell.count - cell.shown > 0
    assert "applies_in=de" in cell.more_url and "topic=cybersecurity" in cell.more_url
    assert client.get(cell.more_url).status_code == 200


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
