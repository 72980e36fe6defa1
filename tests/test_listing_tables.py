"""Every listing downloads as CSV and JSON for its current filter, with the rows the page shows."""

import csv
import io
import json

import pytest
from django.urls import reverse

from regulations.models import Company, Rule

from .factories import RuleFactory

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def read_json(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(b"".join(response.streaming_content))


def listed_slugs(client, params: dict) -> list[str]:
    """Every rule the list shows for ``params``, page after page, in its order."""
    slugs, number = [], 1
    while True:
        page = client.get(reverse("regulations:rule-list"), {**params, "page": number}).context["page"]
        slugs += [rule.slug for rule in page]
        if not page.has_next():
            return slugs
        number += 1


@pytest.mark.parametrize(
    "params", [{"applies_in": "de"}, {"q": "data", "sort": "title"}, {"topic": "cybersecurity", "on": "2027-01-01"}]
)
def test_the_rules_download_is_the_list_it_was_asked_from(client, params):
    expected = listed_slugs(client, params)
    assert expected
    rows = read_csv(client.get("/rules.csv", params))
    assert [row["Id"] for row in rows] == expected
    document = read_json(client.get("/rules.json", params))
    assert [row["slug"] for row in document["rows"]] == expected
    assert document["row_count"] == len(expected)
    assert document["query"] == params


def test_a_rule_row_says_what_the_list_says(client):
    rows = {row["Id"]: row for row in read_csv(client.get("/rules.csv", {"on": "2026-01-01"}))}
    gdpr = Rule.objects.get(slug="eu-gdpr")
    row = rows["eu-gdpr"]
    assert row["Address"] == "http://testserver/rules/eu-gdpr/"
    assert (row["Made by (code)"], row["Citation"]) == ("EU", gdpr.citation)
    assert row["Legal status on the day"] == "in_force"
    assert row["Applies from"] == "2018-05-25"
    assert set(row["Topics"].split("; ")) == {topic.name for topic in gdpr.topics.all()}


def test_a_formula_in_a_title_is_guarded_in_the_csv(client):
    RuleFactory(title="=HYPERLINK(1) data formula act", short_name="")
    rows = read_csv(client.get("/rules.csv", {"q": "formula act"}))
    assert rows[0]["Title"] == "'=HYPERLINK(1) data formula act"


def test_a_bad_filter_is_a_400_naming_the_field(client):
    response = client.get("/rules.json", {"applies_in": "zz", "on": "someday"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"applies_in", "on"}
    assert "Unknown jurisdiction code" in errors["applies_in"][0]["message"]
    assert client.get("/rules.xml").status_code == 404


def test_the_jurisdictions_download_has_the_directorys_rows_and_counts(client):
    page = client.get(reverse("regulations:jurisdiction-list"))
    listed = {place.code: place for _, places in page.context["regions"] for place in places}
    rows = read_csv(client.get("/jurisdictions.csv"))
    assert {row["Code"] for row in rows} == set(listed)
    germany = next(row for row in rows if row["Code"] == "DE")
    assert int(germany["Rules that apply there"]) == listed["DE"].applicable
    assert int(germany["Own rules"]) == listed["DE"].own_rules
    assert germany["Part of"] == "" and germany["Address"].endswith("/jurisdictions/de/")
    assert read_json(client.get("/jurisdictions.json"))["row_count"] == len(listed)


def test_the_firms_download_lists_every_firm_and_marks_samples(client):
    document = read_json(client.get("/companies.json"))
    rows = {row["slug"]: row for row in document["rows"]}
    assert set(rows) == set(Company.objects.values_list("slug", flat=True))
    assert rows["example-motors"]["illustrative_sample"] is True
    assert rows["byd"]["illustrative_sample"] is False
    assert "internal_notes" not in json.dumps(document)
    byd = Company.objects.get(slug="byd")
    assert rows["byd"]["markets"].count(":") == byd.market_entries.count() > 0
    assert len(read_csv(client.get("/companies.csv"))) == len(rows)


@pytest.mark.parametrize(
    ("page", "download"),
    [
        ("/rules/?applies_in=de&page=2", "/rules.csv?applies_in=de"),
        ("/rules/?applies_in=de&page=2", "/rules.json?applies_in=de"),
        ("/jurisdictions/", "/jurisdictions.csv"),
        ("/companies/", "/companies.json"),
    ],
)
def test_each_listing_links_its_downloads(client, page, download):
    assert f'href="{download}"' in client.get(page).content.decode().replace("&amp;", "&")
