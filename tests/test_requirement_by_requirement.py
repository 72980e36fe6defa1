"""Requirement by requirement (issue 11, items 8-11): own topics, supersession, one row per requirement, full exports.

Factory-made rules pin the mechanics; the reference content carries the issue's own
examples (a CN cross-border checklist, the Standard Contract Measures' thresholds
replaced by the 2024 Provisions, a DE+FR checklist).
"""

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regulations import models as m
from regulations.checklists import ChecklistQuery, Layout, build_checklist
from regulations.content.bundle import read_content
from regulations.content.entries import ContentError

from .admin_forms import form_data
from .factories import (
    JurisdictionFactory,
    RequirementFactory,
    RuleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 11, 25)
URL = reverse("regulations:checklist")
CROSS_BORDER = {"Cross-border data transfer", "Data localisation", "Export controls"}


def places(*codes):
    return list(m.Jurisdiction.objects.select_related("parent").filter(code__in=codes).order_by("code"))


def topic(slug):
    return m.Topic.objects.get(slug=slug)


def rows(codes, on=ON, rules=None, **query) -> list[dict]:
    return list(build_checklist(ChecklistQuery(applies_in=places(*codes), on=on, **query), rules=rules).rows)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def mixed_rule():
    """A Testland rule about personal data and localisation, one requirement narrower than the rule."""
    rule = RuleFactory(
        jurisdiction=JurisdictionFactory(code="QT", name="Testland"),
        topics=[topic("personal-data"), topic("data-localisation")],
    )
    SourceFactory(rule=rule)
    consent = RequirementFactory(rule=rule, key="consent", reference="Art. 1")
    consent.topics.set([topic("personal-data")])
    local = RequirementFactory(rule=rule, key="local", reference="Art. 2")
    local.topics.set([topic("data-localisation")])
    general = RequirementFactory(rule=rule, key="general", reference="Art. 3")  # takes the rule's topics
    return rule, consent, local, general


# -- 8. Topics per requirement ---------------------------------------------------------------------


def test_a_requirement_is_filtered_by_its_own_topics_else_its_rules(mixed_rule):
    rule, consent, local, general = mixed_rule
    cross_border = m.Requirement.objects.filter(rule=rule).in_topics([topic("cross-border-data-transfer")])
    assert set(cross_border) == {local, general}  # the parent domain takes in data localisation
    personal = m.Requirement.objects.filter(rule=rule).in_topics([topic("personal-data")])
    assert set(personal) == {consent, general}


@pytest.mark.usefixtures("mixed_rule")
def test_a_checklist_on_a_topic_keeps_only_the_requirements_about_it():
    found = rows(["QT"], topics=[topic("cross-border-data-transfer")])
    assert [row["reference"] for row in found] == ["Art. 2", "Art. 3"]
    assert found[0]["topics"] == "Data localisation"
    assert found[1]["topics"] == "Personal data, Data localisation"  # the rule's, by topic order


def test_a_cn_cross_border_checklist_holds_no_off_topic_requirement():
    found = rows(["CN"], topics=[topic("cross-border-data-transfer")])
    assert found and all(CROSS_BORDER & set(row["topics"].split(", ")) for row in found)
    references = {(row["rule"], row["reference"]) for row in found}
    csl = m.Rule.objects.get(slug="cn-csl")
    csl_rows = {reference for rule, reference in references if rule == csl.short_name}
    localisation = m.Requirement.objects.get(rule=csl, topics__slug="data-localisation")
    assert csl_rows == {localisation.reference}  # not the protection scheme, consent or fines
    every_requirement_of_those_rules = m.Requirement.objects.filter(rule__short_name__in={r for r, _ in references})
    assert len(found) < every_requirement_of_those_rules.count()


def test_the_content_tags_requirements_with_their_own_topics():
    tagged = m.Requirement.objects.filter(topics__isnull=False).distinct()
    assert tagged.count() >= 100
    for requirement in tagged.prefetch_related("topics", "rule__topics"):
        rule_topics = set(requirement.rule.topics.all())
        assert all(t in rule_topics or t.parent in rule_topics for t in requirement.topics.all()), requirement


def test_content_rejects_a_requirement_topic_outside_its_rule(content_copy):
    with content_copy.edit("rules/eu.yaml") as data:
        gdpr = next(rule for rule in data["rules"] if rule["slug"] == "eu-gdpr")
        gdpr["requirements"][0]["topics"] = ["automated-driving"]
        gdpr["requirements"][1]["superseded_by"] = "eu-gdpr/no-such-key"
        gdpr["requirements"][1]["superseded_on"] = dt.date(2025, 1, 1)

    with pytest.raises(ContentError) as error:
        read_content(content_copy.folder)

    assert "topic 'automated-driving' is neither a topic of its rule nor beneath one" in str(error.value)
    assert "superseded by unknown requirement eu-gdpr/no-such-key" in str(error.value)


def test_pages_show_a_requirements_own_topics(client, mixed_rule):
    rule, consent, *_ = mixed_rule
    page = client.get(reverse("regulations:requirement-detail", args=[rule.slug, consent.key])).content.decode()
    assert "Personal data" in page and "Data localisation" not in page
    general = client.get(reverse("regulations:requirement-detail", args=[rule.slug, "general"])).content.decode()
    assert "Data localisation" in general and "(the rule's)" in general


# -- 9. Superseded requirements leave ---------------------------------------------------------------


@pytest.fixture
def superseded(mixed_rule):
    rule, _, local, _ = mixed_rule
    newer = RuleFactory(jurisdiction=rule.jurisdiction, topics=[topic("data-localisation")], short_name="New Act")
    SourceFactory(rule=newer)
    successor = RequirementFactory(rule=newer, key="art-8", reference="Art. 8")
    local.superseded_by, local.superseded_on = successor, dt.date(2026, 3, 1)
    local.save()
    return local, successor


@pytest.mark.usefixtures("superseded")
def test_a_superseded_requirement_leaves_checklists_from_its_day():
    before = {row["reference"] for row in rows(["QT"], on=dt.date(2026, 2, 28))}
    after = {row["reference"] for row in rows(["QT"], on=dt.date(2026, 3, 1))}
    assert {"Art. 2", "Art. 8"} <= before
    assert "Art. 2" not in after and "Art. 8" in after


def test_a_superseded_requirement_says_so_on_its_pages(client, superseded):
    local, successor = superseded
    page = client.get(reverse("regulations:requirement-detail", args=[local.rule.slug, local.key])).content.decode()
    assert "Superseded." in page and "1 March 2026" in page
    assert reverse("regulations:requirement-detail", args=[successor.rule.slug, successor.key]) in page
    newer = client.get(reverse("regulations:requirement-detail", args=[successor.rule.slug, successor.key]))
    assert "Replaces" in newer.content.decode()
    rule_page = client.get(reverse("regulations:rule-detail", args=[local.rule.slug])).content.decode()
    assert "superseded since 1 Mar 2026" in rule_page


def test_an_unpublished_successor_is_never_named(client, superseded):
    local, successor = superseded
    successor.rule.state = m.CurationState.IN_REVIEW
    successor.rule.save()
    page = client.get(reverse("regulations:requirement-detail", args=[local.rule.slug, local.key])).content.decode()
    assert "Superseded." in page and "another requirement applies instead" in page
    assert successor.rule.short_name not in page


def test_a_supersession_needs_its_day(mixed_rule):
    _, consent, local, _ = mixed_rule
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Requirement.objects.filter(pk=local.pk).update(superseded_by=consent)


def test_the_standard_contract_thresholds_gave_way_to_the_2024_provisions(client):
    old = m.Requirement.objects.select_related("superseded_by__rule").get(
        rule__slug="cn-standard-contract", key="art-4"
    )
    assert old.superseded_by.rule.slug == "cn-cross-border-flows-2024"
    assert old.superseded_by.reference.startswith("Art. 8")
    assert old.superseded_on == m.Rule.objects.get(slug="cn-cross-border-flows-2024").applies_from
    found = {(row["rule"], row["reference"]) for row in rows(["CN"], topics=[topic("cross-border-data-transfer")])}
    assert (old.rule.short_name, "Art. 4") not in found
    assert (old.superseded_by.rule.short_name, old.superseded_by.reference) in found


# -- 10. One row per requirement in a multi-market checklist --------------------------------------


def test_a_de_fr_checklist_has_one_row_per_requirement():
    merged = rows(["DE", "FR"])
    per_market = rows(["DE", "FR"], layout=Layout.MARKET)
    keys = [row["permalink"] for row in merged]
    assert len(keys) == len(set(keys))  # every requirement once
    assert set(keys) == {row["permalink"] for row in per_market}
    assert len(per_market) > len(merged)
    gdpr = [row for row in merged if row["citation"] == "Regulation (EU) 2016/679"]
    assert gdpr and all(row["applies_in"] == "DE, FR" for row in gdpr)
    german_only = [row for row in merged if row["applies_in"] == "DE"]
    assert german_only and all("Germany" in row["reason"] for row in german_only)
    assert sum(len(row["applies_in"].split(", ")) for row in merged) == len(per_market)


def test_a_merged_row_gives_per_market_what_differs():
    r155 = [row for row in rows(["DE", "JP"]) if row["citation"] == "UN Regulation No. 155"]
    assert r155 and all(row["applies_in"] == "DE, JP" for row in r155)
    reason = r155[0]["reason"]
    assert reason.startswith("DE: made binding by") and "; JP: made binding by" in reason


def test_markets_in_common_come_first():
    codes = [row["applies_in"] for row in rows(["DE", "JP"])]
    first_single = next(n for n, code in enumerate(codes) if code != "DE, JP")
    assert codes[0] == "DE, JP" and "DE, JP" not in codes[first_single:]


def test_the_merged_layout_costs_no_more_queries_than_a_row_per_market():
    markets = ["DE", "FR", "JP", "GB"]
    with CaptureQueriesContext(connection) as per_market:
        assert len(rows(markets, layout=Layout.MARKET)) > 100
    with CaptureQueriesContext(connection) as merged:
        assert len(rows(markets)) > 100
    assert len(merged) <= len(per_market)


def test_the_layout_is_asked_and_recorded(client):
    response = client.get(URL, {"applies_in": ["de", "fr"], "layout": "market", "format": "json"})
    document = json.loads(body(response))
    assert document["query"]["layout"] == "market"
    assert {row["applies_in"] for row in document["rows"]} == {"DE", "FR"}
    bad = client.get(URL, {"applies_in": ["de"], "layout": "sideways"})
    assert bad.status_code == 400 and "Unknown layout sideways" in bad.content.decode()


# -- 11. Nothing is lost in an export -------------------------------------------------------------


def test_exports_carry_the_flag_short_name_kind_milestones_and_a_permalink(client):
    response = client.get(URL, {"applies_in": ["de"], "format": "csv"})
    table = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    unconfirmed = [row for row in table if row["Clause reference"] == "to confirm"]
    assert unconfirmed and {row["Clause reference"] for row in table} == {"to confirm", "checked"}
    expected = m.Requirement.objects.filter(reference_checked=False, rule__state="published")
    assert {row["Link"].rsplit("/", 2)[-2] for row in unconfirmed} <= set(expected.values_list("key", flat=True))
    r155 = [row for row in table if row["Rule citation"] == "UN Regulation No. 155"]
    assert r155 and all(row["Rule"] == "UN R155" for row in r155)
    assert {row["Kind"] for row in table} >= {"Obligation", "Reporting"}
    assert any("New types 2022-07-06" in row["Phase-in milestones"] for row in r155)
    link = r155[0]["Link"]
    assert link.startswith("http://testserver/rules/un-r155/requirements/")
    assert client.get(link.removeprefix("http://testserver")).status_code == 200


def test_xlsx_links_each_requirement_and_source(client):
    response = client.get(URL, {"applies_in": ["de"], "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(body(response)))["Checklist"]
    header = [cell.value for cell in sheet[1]]
    link, source = header.index("Link"), header.index("Source")
    rows_ = list(sheet.iter_rows(min_row=2))
    assert all(row[link].hyperlink and row[link].hyperlink.target == row[link].value for row in rows_)
    assert all(row[source].hyperlink for row in rows_ if row[source].value)
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"


# -- Curators keep both in the admin ---------------------------------------------------------------


def requirement_form(client, requirement) -> dict:
    response = client.get(reverse("admin:regulations_requirement_change", args=[requirement.pk]))
    return form_data(response.context["adminform"].form)


def test_a_curator_narrows_a_requirements_topics_within_its_rule(content_admin_client, mixed_rule):
    rule, consent, *_ = mixed_rule
    rule.state = m.CurationState.DRAFT
    rule.save()
    url = reverse("admin:regulations_requirement_change", args=[consent.pk])
    data = requirement_form(content_admin_client, consent)
    outside = content_admin_client.post(url, {**data, "topics": [str(topic("automated-driving").pk)]})
    assert outside.status_code == 200
    assert "Not a topic of its rule, nor beneath one: Automated driving." in outside.content.decode()
    assert list(consent.topics.all()) == [topic("personal-data")]
    inside = content_admin_client.post(url, {**data, "topics": [str(topic("data-localisation").pk)]})
    assert inside.status_code == 302
    assert list(consent.topics.all()) == [topic("data-localisation")]


def test_a_curator_records_a_supersession_only_with_its_day(content_admin_client, superseded):
    local, successor = superseded
    local.rule.state = m.CurationState.DRAFT
    local.rule.save()
    url = reverse("admin:regulations_requirement_change", args=[local.pk])
    data = requirement_form(content_admin_client, local)
    assert data["superseded_by"] == str(successor.pk)
    undated = content_admin_client.post(url, {**data, "superseded_on": ""})
    assert "Say from which day the replacing requirement takes over." in undated.content.decode()
    local.refresh_from_db()
    assert local.superseded_on == dt.date(2026, 3, 1)
