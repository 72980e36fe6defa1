"""Findings (issue 16): a market's dated "no rule" on a question, with what was searched and the rules read.

A finding answers for its own market only, and only while no answer reaches it; it is
curated like any answer, and nothing unpublished about it leaks.
"""

import csv
import datetime as dt
import io
import re
import sqlite3

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from regulations import content_version
from regulations import models as m
from regulations.content.bundle import read_content
from regulations.content.entries import ContentError
from regulations.provisions.matrix import Status

from . import test_provisions
from .factories import RequirementFactory, RuleFactory
from .test_provisions import ON, URL, answer, body, cell
from .test_provisions_admin import act, answer_form
from .test_workflow import as_user

pytestmark = pytest.mark.django_db
world = test_provisions.world  # the same union, member, outsider and silent country, asked another question

CHECKED = dt.date(2026, 11, 20)


@pytest.fixture
def question():
    return m.Question.objects.select_related("topic__parent").get(slug="crash-reporting")


def finding(question, jurisdiction, *read, state=m.CurationState.PUBLISHED, **fields):
    fields = {
        "value": m.AnswerValue.NONE,
        "explanation": "No law makes makers report crashes of automated vehicles.",
        "checked_on": CHECKED,
        "searched": "Read the road traffic act and searched the official gazette for crash reporting.",
    } | fields
    found = m.Answer.objects.create(question=question, jurisdiction=jurisdiction, state=state, **fields)
    found.checked_rules.set(read)
    return found


def test_a_finding_answers_for_its_own_market_with_its_day(world, question):
    read = RuleFactory(jurisdiction=world["member"], short_name="Road Traffic Act")
    finding(question, world["member"], read)

    found = cell(world["member"], question)
    assert found.status == Status.NO_RULE and found.label == "No rule: checked 20 November 2026"
    assert found.explanation.startswith("No law makes makers report")
    assert [str(rule) for rule in found.finding.read] == [str(read)]
    assert cell(world["silent"], question).status == Status.NONE_FOUND  # it travels nowhere


def test_any_answer_reaching_the_market_outranks_its_finding(world, question):
    finding(question, world["member"], RuleFactory(jurisdiction=world["member"]))
    union_rule = RuleFactory(jurisdiction=world["union"], applies_from=dt.date(2022, 7, 6))
    answer(question, world["union"], RequirementFactory(rule=union_rule))
    assert cell(world["member"], question).status == Status.YES


def test_a_finding_needs_its_day_and_what_was_searched(question):
    germany = m.Jurisdiction.objects.get(code="DE")
    undated = m.Answer(question=question, jurisdiction=germany, value="none", explanation="None.", searched="x")
    with pytest.raises(ValidationError, match="day of the search"):
        undated.full_clean()
    dated_answer = m.Answer(question=question, jurisdiction=germany, value="yes", explanation="Yes.", checked_on=ON)
    with pytest.raises(ValidationError, match="day of the search"):
        dated_answer.full_clean()


# ---- where it shows


@pytest.fixture
def german_finding(question):
    germany = m.Jurisdiction.objects.get(code="DE")
    m.Answer.objects.filter(question=question, jurisdiction=germany).delete()  # whatever the content says
    assert cell(germany, question).status == Status.NONE_FOUND
    return finding(question, germany, m.Rule.objects.published().get(slug="de-stvg-autonomous-2021"))


def test_the_matrix_and_the_profile_show_the_finding_with_the_rules_read(client, german_finding):
    for url in (URL + "?j=de", reverse("regulations:jurisdiction-detail", args=["de"])):
        html = client.get(url).content.decode()
        assert 'data-status="no_rule"' in html and "No rule: checked 20 November 2026" in html
        assert "Searched: Read the road traffic act" in html
        assert 'href="/rules/de-stvg-autonomous-2021/"' in html


def test_the_map_shades_it_and_its_legend_counts_it(client, german_finding):
    response = client.get(reverse("regulations:provision-map"), {"q": "crash-reporting"})
    assert re.search(r'<path class="kb-prov-no_rule" d="[^"]+" data-code="DE"', response.content.decode())
    legend = {status: count for status, _, count in response.context["map"].legend}
    entries = response.context["map"].entries
    assert legend[Status.NO_RULE] == sum(cell.status == Status.NO_RULE for _, cell in entries) >= 1


def test_the_download_gives_the_day_what_was_searched_and_the_rules_read(client, german_finding):
    data = body(client.get(URL, {"j": "de", "format": "csv"}))
    rows = {r["Question (id)"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    row = rows["crash-reporting"]
    assert row["Answer (key)"] == "no_rule" and row["No rule: searched on"] == CHECKED.isoformat()
    assert row["No rule: what was searched"].startswith("Read the road traffic act")
    assert "StVG" in row["No rule: rules read"] and row["Rests on (requirements)"] == ""


def test_open_data_holds_published_findings_with_the_published_rules_read(tmp_path, settings, german_finding):
    hidden = RuleFactory(jurisdiction=german_finding.jurisdiction, state=m.CurationState.IN_REVIEW)
    german_finding.checked_rules.add(hidden)
    mapping = m.Question.objects.get(slug="mapping-or-encryption-licence")
    m.Answer.objects.filter(question=mapping, jurisdiction=german_finding.jurisdiction).delete()
    draft = finding(
        mapping,
        german_finding.jurisdiction,
        state=m.CurationState.DRAFT,
        searched="Zyxwvuq draft",
    )
    settings.OPEN_DATA_DIR = tmp_path
    call_command("publish_open_data")
    with sqlite3.connect(tmp_path / f"kb-{content_version.current()}.sqlite3") as database:
        rows = database.execute("SELECT id, value, checked_on, searched FROM answers WHERE value = 'none'").fetchall()
        read = database.execute("SELECT rule_id FROM answer_rules_read WHERE answer_id = ?", (german_finding.pk,))
        read = {rule for (rule,) in read}
    assert (german_finding.pk, "none", CHECKED.isoformat(), german_finding.searched) in rows
    assert draft.pk not in {pk for pk, *_ in rows}
    assert read == {m.Rule.objects.get(slug="de-stvg-autonomous-2021").pk}


# ---- curation


def test_a_finding_is_published_only_when_a_rule_it_read_is(reviewer, question, client):
    germany = m.Jurisdiction.objects.get(code="DE")
    m.Answer.objects.filter(question=question, jurisdiction=germany).delete()
    in_review = RuleFactory(jurisdiction=germany, state=m.CurationState.IN_REVIEW, short_name="Zyxwvuq Act")
    held = finding(question, germany, in_review, state=m.CurationState.IN_REVIEW)
    page = act(as_user(reviewer), "publish", held).content.decode()
    held.refresh_from_db()
    assert held.state == m.CurationState.IN_REVIEW and "none of the rules it read is published" in page

    held.checked_rules.add(m.Rule.objects.published().get(slug="de-stvg-autonomous-2021"))
    act(as_user(reviewer), "publish", held)
    held.refresh_from_db()
    assert held.state == m.CurationState.PUBLISHED
    html = client.get(URL, {"j": "de"}).content.decode()
    assert 'href="/rules/de-stvg-autonomous-2021/"' in html and "Zyxwvuq" not in html  # only published ones show


def test_the_admin_form_keeps_findings_and_answers_apart(curator):
    requirement = RequirementFactory(rule=RuleFactory(jurisdiction=m.Jurisdiction.objects.get(code="DE")))
    add = reverse("admin:regulations_answer_add")
    client = as_user(curator)

    no_rules_read = answer_form(requirement, value="none", checked_on=CHECKED.isoformat(), searched="The act.")
    html = client.post(add, no_rules_read).content.decode()
    assert "A finding rests on no requirement" in html and "Name the rules that were read" in html

    nothing_cited = answer_form(requirement, rests_on=[])
    assert "Cite the requirements it rests on" in client.post(add, nothing_cited).content.decode()

    good = answer_form(
        requirement,
        value="none",
        rests_on=[],
        checked_on=CHECKED.isoformat(),
        searched="The act.",
        checked_rules=[requirement.rule.pk],
    )
    assert client.post(add, good).status_code == 302
    saved = m.Answer.objects.get(value="none", jurisdiction__code="DE", question__slug="dcas-accepted")
    assert list(saved.checked_rules.all()) == [requirement.rule] and saved.history.exists()


# ---- the content files


def test_findings_in_the_content_are_checked(content_copy):
    with content_copy.edit("provisions/answers/us.yaml") as data:
        base = {
            "question": "crash-reporting",
            "jurisdiction": "DE",
            "value": "none",
            "explanation": "No rule.",
            "state": "published",
            "internal_note": None,
        }
        data["answers"] += [
            {**base, "question": "emergency-call", "checked_on": "2026-11-20", "searched": "x", "checked_rules": []},
            {**base, "question": "dcas-accepted", "searched": "x", "checked_rules": ["de-stvg-autonomous-2021"]},
            {
                **base,
                "question": "event-data-recorder",
                "checked_on": "2026-11-20",
                "searched": "x",
                "checked_rules": ["no-such-rule"],
                "rests_on": ["eu-gdpr/art-33"],
            },
            {
                **base,
                "question": "crash-reporting",
                "checked_on": "2026-11-20",
                "searched": "x",
                "checked_rules": ["eu-obd-access-2026-699"],
            },  # in review
            {
                **base,
                "value": "no",
                "question": "csms-type-approval",
                "checked_on": "2026-11-20",
                "rests_on": ["eu-gdpr/art-33"],
            },
        ]
    with pytest.raises(ContentError) as error:
        read_content(content_copy.folder)
    problems = str(error.value)
    assert "a finding needs checked_rules" in problems
    assert "a finding needs checked_on" in problems
    assert "unknown rule 'no-such-rule' in checked_rules" in problems
    assert "none of the rules it read is published" in problems
    assert "a finding (value none) rests on no requirement" in problems
    assert "belong to a finding (value none) only" in problems


def test_a_finding_in_the_content_loads_with_the_rules_read(content_copy):
    from regulations.content.loading import load_reference

    with content_copy.edit("provisions/answers/us.yaml") as data:
        data["answers"].append(
            {
                "question": "crash-reporting",
                "jurisdiction": "AF",  # a country the content answers nothing for
                "value": "none",
                "explanation": "No German law makes makers report crashes of automated vehicles.",
                "checked_on": "2026-11-20",
                "searched": "Read the StVG.",
                "checked_rules": ["de-stvg-autonomous-2021"],
                "state": "published",
                "internal_note": None,
            }
        )
    load_reference(content_copy.folder)
    loaded = m.Answer.objects.get(jurisdiction__code="AF", question__slug="crash-reporting")
    assert loaded.is_finding and loaded.checked_on == CHECKED
    assert [rule.slug for rule in loaded.checked_rules.all()] == ["de-stvg-autonomous-2021"]


def gaps(*args) -> dict[str, tuple[int, list[str]]]:
    """The provision_gaps command's listing: country code -> (questions answered, slugs of the open ones)."""
    out = io.StringIO()
    call_command("provision_gaps", "--questions", *args, stdout=out)
    listing, code = {}, None
    for line in out.getvalue().splitlines()[1:]:
        if line.startswith("\t"):
            listing[code][1].append(line.rsplit("\t", 1)[1])
        else:
            code, answered, _ = line.split("\t")
            listing[code] = (int(answered.split()[0]), [])
    return listing


def test_the_gap_listing_counts_a_new_finding_and_drops_its_question():
    before = gaps()
    published = m.Rule.objects.published()
    code, (answered, open_) = next(
        (code, row) for code, row in before.items() if row[1] and published.filter(jurisdiction__code=code).exists()
    )
    country = m.Jurisdiction.objects.get(code=code)
    question = m.Question.objects.get(slug=open_[0])
    finding(question, country, m.Rule.objects.published().filter(jurisdiction=country).first())

    after = gaps()
    assert after[code][0] == answered + 1
    assert question.slug not in after[code][1]
    assert all(count < 20 for count, _ in gaps("--below", "20").values())
