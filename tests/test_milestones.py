"""Phase-in milestones (issue 11, item 7): dated data per rule, requirement and market, and the vehicle they bite on.

The real reference content carries the issue's examples: UN R155 in the EU (new types
6 July 2022, all new vehicles 7 July 2024, reaching Germany through the EU) and GB
44495/44496-2024 in China (new types 1 January 2026, all vehicles 1 January 2028).
"""

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from regulations import models as m
from regulations.checklists import ChecklistQuery, Layout, build_checklist
from regulations.content.bundle import read_content
from regulations.content.entries import ContentError

from .admin_forms import logged_in
from .factories import MilestoneFactory, RequirementFactory, RuleFactory, SourceFactory

pytestmark = pytest.mark.django_db

EU_R155 = {"new_types": dt.date(2022, 7, 6), "all_new_vehicles": dt.date(2024, 7, 7)}
CN_GB = {"new_types": dt.date(2026, 1, 1), "all_new_vehicles": dt.date(2028, 1, 1)}


def places(*codes):
    return list(m.Jurisdiction.objects.select_related("parent").filter(code__in=codes).order_by("code"))


def rows(codes, on, vehicle, rules=None) -> list[dict]:
    query = ChecklistQuery(applies_in=places(*codes), on=on, vehicle=vehicle, layout=Layout.MARKET)
    return list(build_checklist(query, rules=rules).rows)


def by_citation(found, citation) -> list[dict]:
    return [row for row in found if row["citation"] == citation]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# The model and the content


def test_the_eu_dates_for_un_r155_are_recorded_on_r155_for_the_eu_market():
    found = {ms.kind: ms for ms in m.Milestone.objects.filter(rule__slug="un-r155", jurisdiction__code="EU")}
    assert {kind: ms.date for kind, ms in found.items()} == EU_R155
    assert all(ms.requirement is None and ms.source_url.startswith("https://") for ms in found.values())


@pytest.mark.parametrize("slug", ["cn-gb-44495", "cn-gb-44496"])
def test_the_chinese_standards_phase_in_for_new_types_then_all_vehicles(slug):
    found = m.Milestone.objects.filter(rule__slug=slug, requirement__isnull=True)
    assert {ms.kind: ms.date for ms in found} == CN_GB


def test_a_milestone_names_a_requirement_of_its_own_rule():
    milestone = MilestoneFactory.build(rule=RuleFactory(), requirement=RequirementFactory())
    with pytest.raises(ValidationError, match="requirement of this rule"):
        milestone.full_clean()


def test_milestones_keep_their_history():
    milestone = MilestoneFactory()
    milestone.date += dt.timedelta(days=1)
    milestone.save()
    assert milestone.history.count() == 2


def test_bad_milestones_in_the_content_are_each_reported(content_copy):
    with content_copy.edit("milestones.yaml") as data:
        first = data["milestones"][0]
        data["milestones"] += [
            {**first, "rule": "no-such-rule"},
            {**first, "key": "x-1", "requirement": "no-such-clause"},
            {**first, "key": "x-2", "kind": "someday"},
            {**first, "key": "x-3", "date": None},
            dict(first),
        ]
    with pytest.raises(ContentError) as error:
        read_content(content_copy.folder)
    problems = str(error.value)
    assert "unknown rule 'no-such-rule'" in problems
    assert "unknown requirement 'no-such-clause' of un-r155" in problems
    assert "kind 'someday' is not one of" in problems
    assert "date is required" in problems
    assert "(un-r155 eu-new-types): key used twice for this rule" in problems


def test_only_reviewers_change_the_milestones_of_published_rules(curator, reviewer):
    published, draft = RuleFactory(), RuleFactory(state=m.CurationState.DRAFT)
    url = reverse("admin:regulations_milestone_add")

    def add(user, rule):
        data = {"rule": rule.pk, "key": "x", "kind": "new_types", "date": "2027-01-01"}
        return logged_in(user).post(url, {**data, "source_url": "https://example.org/x"})

    assert add(curator, published).status_code == 200 and not published.milestones.exists()
    assert add(curator, draft).status_code == 302 and draft.milestones.exists()
    assert add(reviewer, published).status_code == 302
    assert published.milestones.get().history.get().history_user == reviewer


# The checklist: from when each row bites, for which vehicle


@pytest.mark.parametrize(
    ("vehicle", "start"), [("new_type", EU_R155["new_types"]), ("registered", EU_R155["all_new_vehicles"])]
)
def test_un_r155_in_germany_takes_the_eus_dates(vehicle, start):
    r155 = by_citation(rows(["DE"], dt.date(2026, 1, 1), vehicle), "UN Regulation No. 155")
    assert r155
    for row in r155:
        assert row["applies_from"] == start
        assert row["bites"] == "yes"
        assert "New types 2022-07-06 (EU)" in row["milestones"]
        assert "All new vehicles 2024-07-07 (EU)" in row["milestones"]


def test_an_already_approved_type_registered_before_the_all_vehicles_date_is_not_yet_bound():
    r155 = by_citation(rows(["DE"], dt.date(2023, 6, 1), "registered"), "UN Regulation No. 155")
    assert r155 and all(row["bites"] == "not yet" for row in r155)
    new_type = by_citation(rows(["DE"], dt.date(2023, 6, 1), "new_type"), "UN Regulation No. 155")
    assert all(row["bites"] == "yes" for row in new_type)


def test_un_r155_in_japan_takes_japans_dates_not_the_eus():
    r155 = by_citation(rows(["JP"], dt.date(2026, 1, 1), "new_type"), "UN Regulation No. 155")
    assert r155 and all(row["applies_from"] == dt.date(2022, 7, 1) for row in r155)
    assert all("(EU)" not in row["milestones"] for row in r155)


@pytest.mark.parametrize(
    ("vehicle", "start", "bites"),
    [("new_type", CN_GB["new_types"], "yes"), ("registered", CN_GB["all_new_vehicles"], "not yet")],
)
def test_gb_44495_and_44496_in_china(vehicle, start, bites):
    standards = m.Rule.objects.filter(slug__in=["cn-gb-44495", "cn-gb-44496"])  # 44495 is still in review
    found = rows(["CN"], dt.date(2027, 1, 1), vehicle, rules=standards)
    assert {row["citation"] for row in found} == {"GB 44495-2024", "GB 44496-2024"}
    assert all(row["applies_from"] == start and row["bites"] == bites for row in found)


def test_a_requirement_with_its_own_milestones_phases_in_on_them():
    found = rows(["DE"], dt.date(2026, 1, 1), "registered")
    addw = next(r for r in found if r["citation"] == "Regulation (EU) 2019/2144" and r["reference"] == "Art. 6(1)(d)")
    assert (addw["applies_from"], addw["bites"]) == (dt.date(2026, 7, 7), "not yet")
    cra = {r["reference"]: r for r in by_citation(found, "Regulation (EU) 2024/2847")}
    assert cra["Art. 14"]["applies_from"] == dt.date(2026, 9, 11)  # reporting starts before the rest
    assert cra["Art. 13 and Annex I"]["applies_from"] == dt.date(2027, 12, 11)
    assert cra["Art. 13 and Annex I"]["bites"] == "not yet"


def test_a_de_fr_checklist_dates_rows_by_the_milestones_that_matter_for_the_vehicle():
    on = dt.date(2026, 1, 1)
    registered, new_type = rows(["DE", "FR"], on, "registered"), rows(["DE", "FR"], on, "new_type")
    assert len(registered) == len(new_type) > 150
    phased = [r for r in registered if r["milestones"]]
    assert {r["applies_in"] for r in phased} == {"DE", "FR"}
    gsr = m.Rule.objects.get(slug="eu-gsr-2019-2144")
    isa = [r for r in registered if r["citation"] == gsr.citation and r["reference"] == "Art. 6(1)(a), 6(2)"]
    assert [r["applies_from"] for r in isa] == [dt.date(2024, 7, 7)] * 2  # not the rule's 6 July 2022
    changed = sum(a["applies_from"] != b["applies_from"] for a, b in zip(registered, new_type, strict=True))
    assert changed >= 20  # R155, R156 and the GSR systems, in both markets
    assert {r["bites"] for r in registered} == {"yes", "not yet", "date not recorded"}
    ecall = [r for r in registered if r["citation"] == "Regulation (EU) 2015/758" and r["reference"] == "Art. 4"]
    assert [(r["applies_from"], r["bites"]) for r in ecall] == [(None, "date not recorded")] * 2  # new types only


def test_a_date_for_new_types_says_nothing_about_already_approved_types():
    jp = by_citation(rows(["JP"], dt.date(2026, 1, 1), "registered"), "UN Regulation No. 155")
    assert jp and all((r["applies_from"], r["bites"]) == (None, "date not recorded") for r in jp)
    assert all("New types 2022-07-01 (JP)" in r["milestones"] for r in jp)


def test_without_milestones_a_row_applies_from_its_own_deadline_or_its_rules_date():
    found = rows(["DE"], dt.date(2026, 1, 1), "registered")
    gdpr = next(r for r in found if r["citation"] == "Regulation (EU) 2016/679" and r["reference"] == "Art. 27")
    assert (gdpr["applies_from"], gdpr["bites"], gdpr["milestones"]) == (dt.date(2018, 5, 25), "yes", "")


def test_the_checklist_says_which_vehicle_it_is_about():
    query = ChecklistQuery(applies_in=places("DE"), on=dt.date(2026, 1, 1))
    assert query.vehicle == "new_type"  # the default: a firm entering a market approves a new type there
    assert ("Vehicle", "A new type approved on or after the day") in query.describe()
    assert query.as_dict()["vehicle"] == "new_type"


# Pages, the calendar and exports


def test_the_checklist_page_asks_about_the_vehicle(client):
    url = reverse("regulations:checklist")
    page = client.get(url, {"applies_in": "de", "on": "2026-01-01", "vehicle": "registered"}).content.decode()
    assert 'name="vehicle" value="registered"' in page and "checked" in page.split('value="registered"', 1)[1][:40]
    assert "Applies from" in page and "not yet" in page
    bad = client.get(url, {"applies_in": "de", "vehicle": "spaceship"})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode().split('id="error-vehicle"', 1)[1][:300]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "md", "json"])
def test_every_export_carries_the_applies_from_and_milestones(client, fmt):
    params = {"applies_in": "de", "on": "2026-01-01", "vehicle": "registered", "topic": "cybersecurity"}
    response = client.get(reverse("regulations:checklist"), {**params, "format": fmt})
    assert response.status_code == 200
    data = body(response)
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data))["Checklist"]
        text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
        header = [c.value for c in sheet[1]]
        column = header.index("Applies from")
        assert all(row[column].is_date for row in sheet.iter_rows(min_row=2) if row[column].value)
    else:
        text = data.decode("utf-8-sig")
    assert "Applies from" in text and "Phase-in milestones" in text
    assert "All new vehicles 2024-07-07 (EU)" in text
    if fmt == "json":
        document = json.loads(data)
        assert document["query"]["vehicle"] == "registered"
        r155 = [r for r in document["rows"] if r["citation"] == "UN Regulation No. 155"]
        assert r155 and all(r["applies_from"] == "2024-07-07" for r in r155)


def test_the_rule_page_lists_its_milestones(client):
    page = client.get("/rules/un-r155/").content.decode()
    section = page.split('id="milestones-heading"', 1)[1]
    assert "6 July 2022" in section and "7 July 2024" in section and "New types" in section
    assert "European Union" in section
    gsr = client.get("/rules/eu-gsr-2019-2144/").content.decode()
    addw = gsr.split('id="req-art-6-1-d"', 1)[1].split("</tr>", 1)[0]
    assert "7 Jul 2024" in addw and "7 Jul 2026" in addw


def test_the_jurisdiction_page_lists_upcoming_milestones(client):
    page = client.get("/jurisdictions/cn/", {"on": "2026-06-01"}).content.decode()
    upcoming = page.split('id="deadlines-heading"', 1)[1]
    assert "1 Jan 2028" in upcoming and "All new vehicles" in upcoming and "GB 44496-2024" in upcoming
    germany = client.get("/jurisdictions/de/", {"on": "2026-01-01"}).content.decode().split('id="deadlines-heading"')[1]
    assert "Reporting starts" in germany and "11 Sep 2026" in germany
    assert "GB 44496" not in germany


def test_the_calendar_has_one_event_per_milestone_with_a_stable_uid(client):
    soon = timezone.localdate() + dt.timedelta(days=40)
    rule = RuleFactory(jurisdiction=m.Jurisdiction.objects.get(code="FR"), applies_from=dt.date(2025, 1, 1))
    SourceFactory(rule=rule)
    milestone = MilestoneFactory(rule=rule, key="fr-all-new", kind="all_new_vehicles", date=soon)
    url = reverse("regulations:deadlines-ics")

    def events(**params):
        calendar = Calendar.from_ical(client.get(url, params).content)
        return {str(e.get("uid")): e for e in calendar.walk("VEVENT") if rule.slug in str(e.get("uid"))}

    first = events(applies_in="fr")
    assert list(first) == [f"{rule.slug}-milestone-fr-all-new@smart-vehicle-kb"]
    assert first[f"{rule.slug}-milestone-fr-all-new@smart-vehicle-kb"].decoded("dtstart") == soon
    milestone.date += dt.timedelta(days=3)
    milestone.save()
    assert list(events(applies_in="fr")) == list(first)  # a corrected date moves the event, not a new one
    assert not events(applies_in="jp")


def test_market_milestones_stay_in_their_market_in_the_calendar(client):
    soon = timezone.localdate() + dt.timedelta(days=40)
    rule = m.Rule.objects.get(slug="un-r155")
    MilestoneFactory(rule=rule, key="jp-test", jurisdiction=m.Jurisdiction.objects.get(code="JP"), date=soon)
    url = reverse("regulations:deadlines-ics")
    assert "un-r155-milestone-jp-test" in client.get(url, {"applies_in": "jp"}).content.decode()
    assert "un-r155-milestone-jp-test" not in client.get(url, {"applies_in": "de"}).content.decode()


def test_a_hidden_rules_milestones_stay_hidden(client):
    soon = timezone.localdate() + dt.timedelta(days=40)
    rule = RuleFactory(
        jurisdiction=m.Jurisdiction.objects.get(code="DE"), state=m.CurationState.IN_REVIEW, short_name="Zyxhidden"
    )
    RequirementFactory(rule=rule)
    MilestoneFactory(rule=rule, key="hidden", date=soon, note="Zyxhidden milestone")
    for url in [
        "/deadlines.ics",
        "/deadlines.ics?applies_in=de",
        "/jurisdictions/de/",
        "/",
        "/checklist/?applies_in=de",
    ]:
        assert "Zyxhidden" not in client.get(url).content.decode(), url
