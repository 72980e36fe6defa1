"""The provision matrix (issue 16): standard questions answered per market, carried by the rules they cite."""

import csv
import datetime as dt
import io
import json
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regulations import models as m
from regulations.force import Force
from regulations.provisions.matrix import Status, provision_cells

from .factories import CoverageFactory, JurisdictionFactory, MembershipFactory, RequirementFactory, RuleFactory

pytestmark = pytest.mark.django_db

URL = reverse("regulations:provisions")
MAP_URL = reverse("regulations:provision-map")
ON = dt.date(2026, 11, 30)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def question():
    return m.Question.objects.select_related("topic__parent").get(slug="csms-type-approval")


@pytest.fixture
def world(question):
    """A union with a researched member, an outsider and a researched country with no answer of its own."""
    domain = question.topic.parent.slug
    member, outsider, silent = JurisdictionFactory(), JurisdictionFactory(), JurisdictionFactory()
    union = MembershipFactory(member=member).body
    CoverageFactory(jurisdiction=member, domain=domain)
    CoverageFactory(jurisdiction=silent, domain=domain)
    return {"union": union, "member": member, "outsider": outsider, "silent": silent}


def answer(question, jurisdiction, *requirements, state=m.CurationState.PUBLISHED, **fields):
    fields = {"value": m.AnswerValue.YES, "explanation": "Certify the CSMS."} | fields
    found = m.Answer.objects.create(question=question, jurisdiction=jurisdiction, state=state, **fields)
    found.rests_on.set(requirements)
    return found


def cell(market, question, on=ON):
    market = m.Jurisdiction.objects.select_related("parent").get(pk=market.pk)
    return provision_cells([market], [question], on)[market.pk, question.pk]


def test_an_answer_reaches_every_market_its_cited_rules_reach(world, question):
    rule = RuleFactory(jurisdiction=world["union"], applies_from=dt.date(2022, 7, 6))
    union_answer = answer(question, world["union"], RequirementFactory(rule=rule))

    found = cell(world["member"], question)
    assert found.status == Status.YES and found.headline.answer == union_answer
    assert found.holds_from == dt.date(2022, 7, 6) and found.force == Force.BINDING
    assert world["union"].code in found.headline.through
    assert cell(world["outsider"], question).status == Status.NOT_COVERED
    silent = cell(world["silent"], question)
    assert silent.status == Status.NONE_FOUND and "researched" in silent.explanation


def test_a_duty_not_yet_applying_reads_not_yet_with_its_date(world, question):
    rule = RuleFactory(jurisdiction=world["member"], applies_from=dt.date(2027, 7, 1))
    answer(question, world["member"], RequirementFactory(rule=rule))

    coming = cell(world["member"], question)
    assert coming.status == Status.NOT_YET and coming.label == "Not yet: yes from 1 July 2027"
    assert cell(world["member"], question, on=dt.date(2027, 7, 1)).status == Status.YES


def test_a_phase_in_milestone_or_a_deadline_sets_the_date(world, question):
    rule = RuleFactory(jurisdiction=world["member"], applies_from=dt.date(2020, 1, 1))
    answer(question, world["member"], RequirementFactory(rule=rule, deadline=dt.date(2028, 1, 1)))
    assert cell(world["member"], question).holds_from == dt.date(2028, 1, 1)


def test_bills_repealed_rules_and_unpublished_content_answer_nothing(world, question):
    member = world["member"]
    bill = RuleFactory(jurisdiction=member, instrument=m.Instrument.BILL, applies_from=None)
    repealed = RuleFactory(jurisdiction=member, applies_until=dt.date(2025, 1, 1))
    hidden = RuleFactory(jurisdiction=member, state=m.CurationState.IN_REVIEW)
    answer(question, member, *(RequirementFactory(rule=rule) for rule in (bill, repealed, hidden)))
    assert cell(member, question).status == Status.NONE_FOUND

    m.Answer.objects.all().delete()
    answer(question, member, RequirementFactory(rule=RuleFactory(jurisdiction=member)), state=m.CurationState.DRAFT)
    assert cell(member, question).status == Status.NONE_FOUND


def test_the_strongest_reading_heads_the_cell_and_the_others_stay_beside_it(world, question):
    own = answer(question, world["member"], RequirementFactory(rule=RuleFactory(jurisdiction=world["member"])))
    own.value = m.AnswerValue.PARTLY
    own.save()
    union_answer = answer(question, world["union"], RequirementFactory(rule=RuleFactory(jurisdiction=world["union"])))

    found = cell(world["member"], question)
    assert [r.answer for r in found.readings] == [union_answer, own]
    assert found.headline.through != "its own law" and found.readings[1].through == "its own law"


def test_an_answer_resting_on_advisory_rules_is_not_mandatory(world, question):
    guidance = RuleFactory(jurisdiction=world["member"], instrument=m.Instrument.GUIDANCE, binding_by_itself=False)
    answer(question, world["member"], RequirementFactory(rule=guidance))

    found = cell(world["member"], question)
    assert found.status == Status.NOT_MANDATORY and found.force == Force.ADVISORY
    assert found.label == "Yes, but advisory, not mandatory"


# ---- the page and its downloads


def page_cells(html: str) -> dict[str, list[tuple[str, str]]]:
    """{question: [(status, codes)]} as the page shows them."""
    found = {}
    for row in re.finditer(r'<tr data-question="([^"]+)">(.*?)</tr>', html, re.S):
        found[row.group(1)] = re.findall(r'<td data-codes="([^"]+)".*?data-status="([^"]+)"', row.group(2), re.S)
    return found


def test_markets_are_columns_in_the_order_chosen_and_questions_rows_grouped_by_domain(client):
    response = client.get(URL, {"j": ["jp", "de", "cn"], "on": ON.isoformat()})
    assert response.status_code == 200
    assert [j.code for j in response.context["markets"]] == ["JP", "DE", "CN"]
    groups = [label for label, _ in response.context["rows"]]
    assert groups == [label for _, label in m.QuestionGroup.choices]
    cells = page_cells(response.content.decode())
    assert len(cells) == m.Question.objects.count() >= 25
    for merged in cells.values():
        assert " ".join(codes for codes, _ in merged).split() == ["JP", "DE", "CN"]


def test_neighbours_saying_the_same_share_one_cell(client):
    response = client.get(URL, {"group": "eu", "domain": "data-security", "on": ON.isoformat()})
    members = [j.code for j in response.context["markets"]]
    assert len(members) == 27 and "DE" in members and "GB" not in members
    html = response.content.decode()
    gdpr_row = page_cells(html)["breach-notification-deadline"]
    assert len(gdpr_row) < len(members)  # the EU's answer spans the members that add nothing of their own
    assert 'colspan="' in html


@pytest.mark.parametrize(
    ("group", "inside", "outside"), [("asean", "SG", "JP"), ("gulf", "SA", "TR"), ("eaeu", "RU", "UA")]
)
def test_a_market_group_shows_its_members(client, group, inside, outside):
    codes = [j.code for j in client.get(URL, {"group": group}).context["markets"]]
    assert inside in codes and outside not in codes


def test_a_domain_keeps_its_own_questions(client):
    response = client.get(URL, {"j": "de", "domain": "road-safety"})
    assert [label for label, _ in response.context["rows"]] == ["Road safety"]
    assert "csms-type-approval" in page_cells(response.content.decode())


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"j": "zz"}, "j", "Unknown jurisdiction code: ZZ."),
        ({"j": ["de", "fr", "it", "es", "nl", "be", "at", "pl", "se", "fi", "dk", "ie", "pt"]}, "j", "at most 12"),
        ({"group": "mars"}, "group", "Unknown market group mars"),
        ({"domain": "tax"}, "domain", "Unknown domain tax"),
        ({"on": "2026-13-01"}, "on", ""),
        ({"format": "pdf"}, "format", "Unknown format pdf"),
    ],
)
def test_bad_input_is_a_400_with_the_message_beside_its_field(client, params, field, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="error-{field}"' in html and message in html


def test_a_bad_json_download_is_a_400_in_json(client):
    response = client.get(URL, {"j": "zz", "format": "json"})
    assert response.status_code == 400 and "j" in response.json()["errors"]


def page_and_download(client, fmt):
    params = {"j": ["cn", "de", "us-ca"], "on": ON.isoformat()}
    page = client.get(URL, params)
    cells = [
        (c.market.code, q.slug, c.label, c.explanation) for _, qs in page.context["rows"] for q, cs, _ in qs for c in cs
    ]
    response = client.get(URL, {**params, "format": fmt})
    assert response.status_code == 200
    return cells, body(response)


def test_the_csv_download_has_the_pages_rows(client):
    cells, data = page_and_download(client, "csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["Market (code)"], r["Question (id)"], r["Answer"], r["Explanation"]) for r in rows] == cells
    assert any(r["Rests on (requirements)"] and "/requirements/" in r["Requirement addresses"] for r in rows)


def test_the_xlsx_download_has_the_pages_rows(client):
    cells, data = page_and_download(client, "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Provision matrix"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    rows = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert [(r["Market (code)"], r["Question (id)"], r["Answer"], r["Explanation"] or "") for r in rows] == cells
    about = {row[0].value: row[1].value for row in workbook["About"].iter_rows(min_row=2)}
    assert about["As of"] == ON.isoformat()


def test_the_json_download_has_the_pages_rows(client):
    cells, data = page_and_download(client, "json")
    found = json.loads(data)
    assert [(r["market"], r["question"], r["answer"], r["explanation"]) for r in found["rows"]] == cells
    assert found["as_of"] == ON.isoformat()


def test_the_page_runs_the_same_queries_for_two_markets_as_for_ten(client):
    def queries(codes):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"j": codes}).status_code == 200
        return len(captured)

    assert queries(["de", "jp"]) == queries(["de", "jp", "cn", "us", "gb", "fr", "kr", "br", "au", "sg"])


# ---- the map


def test_the_map_shades_each_researched_country_by_its_answer_and_says_so_in_a_table(client, question):
    response = client.get(MAP_URL, {"q": question.slug, "on": ON.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    world, europe = re.findall(r"<svg [^>]*kb-map-(?:world|europe)[^>]*>.*?</svg>", html, re.S)
    shaded = re.findall(r'<path class="kb-prov-(\w+)" d="[^"]+" data-code="(\w+)"', world)
    entries = response.context["map"].entries
    assert {code for _, code in shaded} == {place.code for place, _ in entries} and len(entries) >= 40
    assert ("yes", "DE") in shaded and 'href="/jurisdictions/de/"' in world
    assert 'data-code="DE"' in europe and 'data-code="BR"' not in europe
    table = html[html.index('id="map-table-caption"') :]
    assert all(f'<tr data-code="{place.code}">' in table for place, _ in entries)
    legend = response.context["map"].legend
    assert sum(count for _, _, count in legend) == len(entries)


def test_the_map_asks_a_known_question(client):
    response = client.get(MAP_URL, {"q": "nonsense"})
    assert response.status_code == 400 and 'id="error-q"' in response.content.decode()


def test_the_map_runs_a_fixed_number_of_queries(client):
    def queries(slug):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(MAP_URL, {"q": slug}).status_code == 200
        return len(captured)

    assert queries("csms-type-approval") == queries("personal-data-law")


def test_the_jurisdiction_list_maps_how_far_each_country_was_researched(client):
    html = client.get(reverse("regulations:jurisdiction-list")).content.decode()
    assert re.search(r'<a href="/jurisdictions/de/" tabindex="-1"><path class="kb-cov-covered"', html)
    assert "kb-cov-partial" in html and "Not covered yet" in html


# ---- where else the answers show


def test_a_profile_answers_every_question_before_listing_its_rules(client):
    html = client.get(reverse("regulations:jurisdiction-detail", args=["de"])).content.decode()
    answers = html.index('id="answers-heading"')
    assert answers < html.index('id="rules-heading"')
    assert len(re.findall(r'<tr data-question="', html)) == m.Question.objects.count()


def test_compare_shows_the_answers_of_the_markets_compared(client):
    response = client.get(reverse("regulations:compare"), {"j": ["de", "jp"]})
    assert [j.code for j in response.context["markets"]] == ["DE", "JP"]
    assert 'id="answers-heading"' in response.content.decode()


# ---- the content


def test_every_covered_market_answers_every_question_on_sourced_ground():
    from regulations.content.bundle import read_content
    from regulations.content.coverage import covered_markets
    from tests.test_content import FIXTURES

    content = read_content(FIXTURES)
    codes = covered_markets(content.coverage, {body.code for body in content.bodies})
    markets = list(m.Jurisdiction.objects.select_related("parent").filter(code__in=codes))
    questions = list(m.Question.objects.select_related("topic__parent"))
    assert len(questions) >= 25 and len(markets) == len(codes) >= 40
    cells = provision_cells(markets, questions, ON)
    for found in cells.values():
        assert found.status != Status.NOT_COVERED, found.market  # every covered market is researched for each
        for reading in found.readings:
            assert reading.requirements, reading.answer
            assert all(r.rule.state == m.CurationState.PUBLISHED for r in reading.requirements)
    for published in m.Answer.objects.published().exclude(value=m.AnswerValue.NONE).prefetch_related("rests_on__rule"):
        assert {r.rule.jurisdiction_id for r in published.rests_on.all()} == {published.jurisdiction_id}
    for found in m.Answer.objects.published().filter(value=m.AnswerValue.NONE).prefetch_related("checked_rules"):
        assert found.checked_on and found.searched and not found.rests_on.exists(), found
        assert any(rule.is_published for rule in found.checked_rules.all()), found


# ---- nothing unreviewed leaks

MARK = "Zyxwvuq"


@pytest.fixture
def hidden_answers():
    """A draft answer, a published one with an internal note, a published one resting only on a rule in review, and a
    draft finding."""
    germany = m.Jurisdiction.objects.get(code="DE")
    published = RequirementFactory(rule=RuleFactory(jurisdiction=germany))
    hidden_rule = RequirementFactory(rule=RuleFactory(jurisdiction=germany, state=m.CurationState.IN_REVIEW))
    slugs = ["dcas-accepted", "crash-reporting", "bulk-data-restrictions", "foreign-connected-vehicle-restrictions"]
    m.Answer.objects.filter(question__slug__in=slugs, jurisdiction=germany).delete()  # whatever the content says
    unreviewed, noted, draft, foreign = m.Question.objects.filter(slug__in=slugs).order_by("slug")
    answer(draft, germany, published, state=m.CurationState.DRAFT, explanation=f"{MARK} draft")
    answer(noted, germany, published, internal_note=f"{MARK} internal")
    answer(unreviewed, germany, hidden_rule, explanation=f"{MARK} resting on a rule in review")
    draft_finding = m.Answer.objects.create(
        question=foreign,
        jurisdiction=germany,
        value=m.AnswerValue.NONE,
        explanation=f"{MARK} draft finding",
        checked_on=ON,
        searched=f"{MARK} searched",
        state=m.CurationState.DRAFT,
    )
    draft_finding.checked_rules.set([published.rule])


LEAK_DOORS = [
    "/provisions/?j=de",
    "/provisions/?j=de&format=csv",
    "/provisions/?j=de&format=json",
    "/provisions/?group=eu",
    "/provisions/map/?q=dcas-accepted",
    "/provisions/map/?q=crash-reporting",
    "/provisions/map/?q=bulk-data-restrictions",
    "/provisions/map/?q=foreign-connected-vehicle-restrictions",
    "/jurisdictions/de/",
    "/compare/?j=de&j=fr",
]


@pytest.mark.parametrize("url", LEAK_DOORS)
def test_drafts_internal_notes_and_answers_on_unpublished_rules_never_show(client, hidden_answers, url):
    response = client.get(url)
    assert response.status_code == 200
    assert MARK not in body(response).decode("utf-8-sig")


def test_drafts_and_internal_notes_stay_out_of_the_workbook(client, hidden_answers):
    data = body(client.get(URL, {"j": "de", "format": "xlsx"}))
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cells = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert not [text for text in cells if MARK in text]
