"""Force, one verdict per place, separate treaties, per-regulation recognition, transposition.

The issue's named examples, against the real reference content (UN R155 in DE, NO, KR,
JP, GB and CN; the EDPB guidelines in DE; the 1998 Agreement in DE and CN; the R155
page), through the pages a compliance officer reads and the checklist rows they export.
"""

import datetime as dt
import re

import pytest

from regulations import models as m
from regulations.applicability import applicability
from regulations.checklists import ChecklistQuery, build_checklist
from regulations.force import Force

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 11, 25)
GSR_IN_NORWAY = (
    "made binding by General Safety Regulation (GSR2) from 6 July 2022, "
    "incorporated in Norway by Bilforskriften (vehicle approval regulation) from 1 October 2022"
)
NOT_RECORDED = "whether it applies this regulation is not recorded"


def place(code: str) -> m.Jurisdiction:
    return m.Jurisdiction.objects.select_related("parent").get(code=code)


def verdict(code: str, slug: str, on: dt.date = ON):
    rule = m.Rule.objects.get(slug=slug)
    return applicability(place(code), on).verdicts([rule])[rule.pk]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def result_card(html: str, name: str) -> str:
    """The rule list's card for the rule shown as ``name``."""
    cards = [card for card in html.split('<li class="kb-result') if f">{name}</a></h3>" in card]
    assert len(cards) == 1, name
    return cards[0]


def section(html: str, heading: str) -> str:
    """A jurisdiction profile's section, from its heading to the next one (empty when absent)."""
    parts = html.split(f'id="{heading}"')
    return parts[1].split("<h3")[0] if len(parts) > 1 else ""


def rows(codes, **query) -> list[dict]:
    applies_in = [place(code) for code in codes]
    return list(build_checklist(ChecklistQuery(applies_in=applies_in, on=ON, **query)).rows)


# ---- 1. Guidance is never mandatory


def test_the_edpb_guidelines_are_advisory_in_germany_never_mandatory(client):
    html = page(client, "/rules/?applies_in=de&jurisdiction=eu&instrument=guidance&in_force_on=2026-11-25")
    card = result_card(html, "EDPB Guidelines 01/2020 (connected vehicles)")
    assert "Advisory, not mandatory in Germany" in card
    assert "Mandatory" not in card and "Binding" not in card
    assert verdict("DE", "eu-edpb-gl-01-2020").force == Force.ADVISORY


def test_the_german_profile_lists_the_edpb_guidelines_as_advisory_not_binding(client):
    html = page(client, "/jurisdictions/de/?on=2026-11-25")
    rules = html.split('id="rules-heading"')[1]  # the answers above cite what they rest on, whatever its force
    assert "EDPB Guidelines 01/2020" not in rules.split('id="advisory-heading"')[0]
    assert "EDPB Guidelines 01/2020" in section(html, "advisory-heading")


def test_a_recommended_standard_is_advisory_and_a_mandatory_gb_standard_binds():
    assert verdict("CN", "cn-gbt-41871").force == Force.ADVISORY  # GB/T: recommended
    assert verdict("CN", "cn-gb-44496").force == Force.BINDING  # GB: mandatory


def test_a_standard_made_binding_by_a_rule_binds_and_keeps_its_own_advisory_path_as_detail():
    found = verdict("US", "us-cisa-restricted-transactions")
    assert found.force == Force.BINDING
    assert [reason.path for reason in found.grounds] == [
        "made binding by DOJ Data Security Program (bulk sensitive data rule) from 8 April 2025, "
        "a rule of United States"
    ]
    assert [(r.force, r.path) for r in found.detail] == [(Force.ADVISORY, "made by United States")]


def test_checklists_hold_binding_rules_by_default_and_advisory_ones_only_when_asked():
    default = rows(["DE"])
    assert default and {row["force"] for row in default} == {"binding"}
    assert not [row for row in default if row["citation"].startswith("EDPB Guidelines")]
    asked = rows(["DE"], forces=[Force.BINDING, Force.ADVISORY])
    edpb = [row for row in asked if row["citation"].startswith("EDPB Guidelines")]
    assert edpb and {row["force"] for row in edpb} == {"advisory"}


# ---- 2. One verdict per rule and place


@pytest.mark.parametrize("name", ["UN R155", "UN R156", "UN R160 (EDR)"])
def test_a_un_regulation_gets_one_verdict_in_germany(client, name):
    card = result_card(page(client, "/rules/?applies_in=de&jurisdiction=unece&in_force_on=2026-11-25"), name)
    assert card.count("data-force=") == 1
    assert 'data-force="binding"' in card and "Binding in Germany:" in card
    assert "Recognised" not in card


def test_un_r155_binds_in_germany_with_the_treaty_path_as_detail_only():
    found = verdict("DE", "un-r155")
    assert found.force == Force.BINDING
    assert {reason.steps[0].rule.slug for reason in found.grounds} == {"eu-gsr-2019-2144"}
    assert [reason.force for reason in found.detail] == [None]


def test_the_r155_page_lists_each_place_under_one_verdict(client):
    html = page(client, "/rules/un-r155/")
    coverage = html.split('class="list-unstyled kb-coverage"')[1].split("</ul>")[0]
    forces: dict[str, set[str]] = {}
    for force, body in re.findall(r'data-force="(\w+)">(.*?)</li>', coverage, re.S):
        listed = body.split('class="small kb-detail"')[0]
        for code in re.findall(r'href="/jurisdictions/([a-z-]+)/"', listed):
            forces.setdefault(code.upper(), set()).add(force)
    assert all(len(found) == 1 for found in forces.values()), forces
    for code in ("EU", "FR", "DE", "JP", "NO"):
        assert forces[code] == {"binding"}, code
    assert forces["GB"] == {"recognised"}
    assert forces["KR"] == {"unrecorded"}
    assert "CN" not in forces


# ---- 3. Treaties are separate


def test_the_1998_agreement_reaches_germany_as_a_party_to_the_1998_agreement(client):
    html = page(client, "/rules/?applies_in=de&jurisdiction=unece&in_force_on=2026-11-25")
    card = result_card(html, "1998 Agreement (Global Technical Regulations)")
    assert "party to the 1998 Agreement" in card
    assert "1958 Agreement" not in card
    assert verdict("DE", "unece-1998-agreement").force == Force.ADVISORY


def test_china_is_reached_by_the_1998_agreement_and_by_nothing_of_the_1958_agreement(client):
    html = page(client, "/rules/?applies_in=cn&jurisdiction=unece&in_force_on=2026-11-25")
    assert "party to the 1998 Agreement" in result_card(html, "1998 Agreement (Global Technical Regulations)")
    assert ">UN R155</a>" not in html and ">1958 Agreement</a>" not in html
    assert verdict("CN", "un-r155").reasons == ()
    assert not applicability(place("CN"), ON).rules().filter(slug="un-r155").exists()


# ---- 4. Recognition is per regulation


def test_korea_is_not_shown_recognising_un_r155_on_its_treaty_membership_alone(client):
    card = result_card(page(client, "/rules/?applies_in=kr&jurisdiction=unece&in_force_on=2026-11-25"), "UN R155")
    assert "party to the 1958 Agreement" in card and NOT_RECORDED in card
    assert "Recognised" not in card and "Binding" not in card
    assert verdict("KR", "un-r155").force is None
    asked = rows(["KR"], forces=list(Force))
    assert asked and not [row for row in asked if row["citation"] == "UN Regulation No. 155"]


def test_the_korean_profile_never_counts_un_r155_as_recognised(client):
    html = page(client, "/jurisdictions/kr/?on=2026-11-25")
    assert "UN R155" not in section(html, "recognised-heading")
    assert "UN R155" in section(html, "unrecorded-heading")


def test_the_uk_recognises_un_r155_because_it_is_recorded_applying_it(client):
    application = m.RegulationApplication.objects.get(party__code="GB", regulation__slug="un-r155")
    assert application.source_url.startswith("https://www.gov.uk/")
    assert verdict("GB", "un-r155").force == Force.RECOGNISED
    html = page(client, "/jurisdictions/gb/?on=2026-11-25")
    assert "UN R155" in section(html, "recognised-heading")
    assert not [row for row in rows(["GB"]) if row["citation"] == "UN Regulation No. 155"]
    asked = [row for row in rows(["GB"], forces=[Force.RECOGNISED]) if row["citation"] == "UN Regulation No. 155"]
    assert asked and {row["force"] for row in asked} == {"recognised"}


def test_un_r155_binds_in_japan_through_its_own_safety_regulations():
    found = verdict("JP", "un-r155")
    assert found.force == Force.BINDING
    assert [reason.steps[0].rule.slug for reason in found.grounds] == ["jp-safety-regulations-road-vehicles"]


# ---- 5. National transposition reaches through


def test_un_r155_binds_in_norway_through_the_eea_incorporation_of_the_gsr(client):
    found = verdict("NO", "un-r155")
    assert found.force == Force.BINDING
    assert [reason.path for reason in found.grounds] == [GSR_IN_NORWAY]
    assert found.grounds[0].effective_from == dt.date(2022, 10, 1)
    card = result_card(page(client, "/rules/?applies_in=no&jurisdiction=unece&in_force_on=2026-11-25"), "UN R155")
    assert "Binding in Norway:" in card and GSR_IN_NORWAY in card


def test_the_gsr_itself_applies_in_norway_through_its_incorporation():
    found = verdict("NO", "eu-gsr-2019-2144")
    assert found.force == Force.BINDING
    assert [reason.path for reason in found.grounds] == [
        "incorporated in Norway by Bilforskriften (vehicle approval regulation) from 1 October 2022"
    ]


def test_a_norwegian_checklist_carries_un_r155_with_its_path():
    r155 = [row for row in rows(["NO"]) if row["citation"] == "UN Regulation No. 155"]
    assert r155 and all(row["reason"] == GSR_IN_NORWAY and row["force"] == "binding" for row in r155)
    assert {row["applies_from"] for row in r155 if row["reference"] == "para 7.2"} <= {dt.date(2022, 10, 1)}


def test_the_checklist_preview_says_the_force_of_each_rule_and_keeps_the_choice(client):
    html = page(client, "/checklist/?applies_in=gb&force=binding&force=recognised&on=2026-11-25")
    assert 'data-force="recognised"' in html and 'data-force="binding"' in html
    assert 'id="f-recognised" checked' in html and 'id="f-advisory" checked' not in html
    default = page(client, "/checklist/?applies_in=gb&on=2026-11-25")
    assert 'data-force="recognised"' not in default and 'id="f-binding" checked' in default


def test_the_unece_page_keeps_working_and_lists_both_agreements_and_the_un_regulations(client):
    html = page(client, "/jurisdictions/unece/")
    assert ">1958 Agreement</a>" in html and ">1998 Agreement (Global Technical Regulations)</a>" in html
    assert ">UN R155</a>" in html
    assert "China" in html  # a party to the 1998 Agreement, among the members and parties
