"""Rule pages, jurisdiction profiles, comparison and the front page."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import escape

from regulations import models as m
from regulations.filters import RuleFilter
from regulations.profiles import profile
from regulations.views.jurisdictions import GROUP_RULES

from .factories import JurisdictionFactory, RuleFactory

pytestmark = pytest.mark.django_db


def get(client, name, *args, **params):
    response = client.get(reverse(f"regulations:{name}", args=args), params)
    assert response.status_code == 200, response.content[:400]
    return response, response.content.decode()


def test_rule_page_shows_summary_requirements_sources_relations_and_reach(client):
    _, page = get(client, "rule-detail", "un-r155")
    assert "UN Regulation No. 155" in page
    assert "Requirements" in page and "para 7.3.7" in page
    assert "https://unece.org/sustainable-development/press/three-landmark-un-vehicle-regulations-enter-force" in page
    assert "Official" in page
    assert "made binding by General Safety Regulation (GSR2)" in page
    assert "Recognised, not mandatory" in page
    assert "Facts checked against the official source" in page and "Last changed" in page
    assert "makes this rule binding" in page


def test_a_recognised_un_regulation_is_never_called_mandatory_for_a_mere_party(client):
    _, page = get(client, "jurisdiction-detail", "gb")
    answers, rules = page.split('id="rules-heading"')
    binding, recognised = rules.split('id="recognised-heading"')
    assert "UN R155" in recognised.split("<h3")[0]
    assert "UN R155" not in binding
    csms = answers.split('data-question="csms-type-approval"')[1].split("</tr>")[0]
    assert "Yes, but recognised, not mandatory" in csms


def test_rule_page_renders_markdown_and_strips_anything_unsafe(client):
    rule = RuleFactory(summary="**Bold** claim.\n\n<script>alert(1)</script> [link](javascript:alert(2))")
    _, page = get(client, "rule-detail", rule.slug)
    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)" not in page
    assert "javascript:alert(2)" not in page


def test_rule_slugs_are_case_insensitive(client):
    response = client.get("/rules/EU-GDPR/")
    assert response.status_code == 200


def test_internal_notes_never_reach_the_rule_page(client):
    rule = RuleFactory(internal_notes="CURATOR ONLY: check the date")
    requirement = rule.requirements.create(
        key="art-1", reference="Art. 1", obligation="Do it.", internal_note="CURATOR ONLY: clause?"
    )
    _, page = get(client, "rule-detail", rule.slug)
    assert requirement.obligation in page
    assert "CURATOR ONLY" not in page


def test_jurisdiction_profile_groups_rules_by_domain_with_memberships_and_deadlines(client):
    _, page = get(client, "jurisdiction-detail", "de")
    assert "Germany" in page and "Deutschland" in page
    for domain in ("Data security", "Road safety", "Cross-border data transfer"):
        assert domain in page
    assert "European Union</a>: member state since 1 January 1958" in page
    assert "Upcoming dates, next 24 months" in page
    assert "Cyber Resilience Act" in page  # applies from 11 December 2027, inside the window


def test_jurisdiction_profile_answers_for_another_day(client):
    _, today = get(client, "jurisdiction-detail", "gb")
    _, before = get(client, "jurisdiction-detail", "gb", on="2019-06-01")
    assert "via EU membership" not in today
    assert "via EU membership since 1 January 1973" in before


def test_subdivision_profile_includes_federal_rules(client):
    _, page = get(client, "jurisdiction-detail", "us-ca")
    assert "made by United States, of which California is part" in page


def test_union_profile_lists_members(client):
    _, page = get(client, "jurisdiction-detail", "eu")
    assert "Members and parties" in page and "Croatia" in page


def test_jurisdiction_directory(client):
    _, page = get(client, "jurisdiction-list")
    assert "Europe" in page and "Asia" in page
    assert "Germany" in page and "Every other country" in page


def test_compare_puts_topics_in_rows_and_jurisdictions_in_columns(client):
    response, _page = get(client, "compare", j=["de", "jp", "br"])
    assert [j.code for j in response.context["chosen"]] == ["DE", "JP", "BR"]
    rows = {topic.slug: cells for topic, cells in response.context["comparison"].rows}
    germany, japan, brazil = rows["personal-data"]
    assert "eu-gdpr" in {shown.rule.slug for shown in germany.rules}
    assert "jp-appi" in {shown.rule.slug for shown in japan.rules}
    assert "br-lgpd" in {shown.rule.slug for shown in brazil.rules}
    r155_in_japan = [shown.force for shown in rows["cybersecurity"][1].rules if shown.rule.slug == "un-r155"]
    assert r155_in_japan == ["binding"]


def test_home_shows_search_counts_jurisdictions_deadlines_and_changes(client):
    response, page = get(client, "home")
    assert response.context["counts"]["rules"] == m.Rule.objects.published().count()
    published_requirements = m.Requirement.objects.filter(rule__state=m.CurationState.PUBLISHED).count()
    assert response.context["counts"]["requirements"] == published_requirements
    assert 'role="search"' in page
    assert "Upcoming dates, next 24 months" in page
    assert "Recent legal events" in page
    assert "Germany" in page


def test_health_probe(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": response.json()["database"]}


def profile_groups(context) -> list:
    return [*context["binding_groups"], *(context[force] for force in ("recognised", "advisory", "unrecorded"))]


def listed_by(link: str) -> set[int]:
    """The rules the rule list shows at ``link``, through its own FilterSet."""
    query = QueryDict(link.split("?", 1)[1])
    filterset = RuleFilter(query, queryset=m.Rule.objects.published())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))


def test_a_profile_lists_a_groups_first_rules_with_its_count_and_the_rule_list_of_all_of_them(client):
    """Issue 14: a domain with more binding rules than a group lists shows its first, its count and a link."""
    topic = m.Topic.objects.get(slug="cybersecurity")
    place = JurisdictionFactory(code="QG", name="Grouplandia", region="Europe")
    RuleFactory.create_batch(GROUP_RULES + 3, jurisdiction=place, topics=[topic])
    RuleFactory(jurisdiction=place, topics=[topic], applies_until=dt.date(2022, 1, 1))  # repealed, still counted
    response, page = get(client, "jurisdiction-detail", "qg", on="2026-11-25")
    (group,) = response.context["binding_groups"]
    assert (group.domain, group.count, len(group.rules)) == (topic.parent or topic, GROUP_RULES + 4, GROUP_RULES)
    assert f"{GROUP_RULES} of {GROUP_RULES + 4} shown" in page
    assert f'href="{escape(group.link)}">All {GROUP_RULES + 4} rules on' in page
    listed = client.get(group.link)
    assert listed.status_code == 200 and listed.context["page"].paginator.count == GROUP_RULES + 4
    assert m.Rule.objects.filter(pk__in=group.ids).count() == GROUP_RULES


@pytest.mark.parametrize("code", ["de", "gb", "no", "kr", "us-ca", "cn"])
def test_each_profile_groups_link_lists_exactly_the_rules_it_counts(client, code):
    """On real content, binding by domain and the weaker forces: the link's list is the group, rule for rule."""
    response, _ = get(client, "jurisdiction-detail", code, on="2026-11-25")
    context = response.context
    every = profile(context["jurisdiction"], context["on"])
    groups = [group for group in profile_groups(every) if group and not group.every_domain]
    assert groups
    for group in groups:
        assert listed_by(group.link) == set(group.ids) and len(group.ids) == group.count, (code, group.force)
    shown = {(group.force, group.domain): group for group in profile_groups(context) if group}
    assert {key: group.count for key, group in shown.items()} == {(g.force, g.domain): g.count for g in groups}
    assert all(len(group.rules) == min(group.count, GROUP_RULES) for group in shown.values())
