"""Ranked search: the same cases on SQLite and PostgreSQL (the suite runs on both)."""

import pytest
from django.urls import reverse

from regulations.models import CurationState, Rule
from regulations.search import search_rules

from .factories import RequirementFactory, RuleFactory

pytestmark = pytest.mark.django_db


def ranked(query: str) -> list[str]:
    results = search_rules(Rule.objects.published(), query).order_by("-search_rank", "jurisdiction__code", "title")
    return list(results.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("R155", "un-r155"),
        ("2016/679", "eu-gdpr"),
        ("PIPL", "cn-pipl"),
        ("GDPR", "eu-gdpr"),
        ("gdpr", "eu-gdpr"),
        ("ALKS", "un-r157"),
    ],
)
def test_names_and_numbers_come_first(query, expected):
    assert ranked(query)[0] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cyber secruity managment system", "un-r155"),  # typos
        ("softwre update", "un-r156"),  # another
        ("汽车数据", "cn-auto-data-provisions"),  # Chinese original title
        ("personal information protection", "cn-pipl"),
        ("cross border data flow", "cn-cross-border-flows-2024"),
    ],
)
def test_typos_words_and_other_scripts_still_find_the_rule(query, expected):
    assert expected in ranked(query)[:10]


def test_title_outranks_citation_outranks_summary_outranks_requirements():
    word = "quokkaprotocol"
    in_title = RuleFactory(title=f"The {word} Act", short_name="")
    in_citation = RuleFactory(citation=f"Order {word} No. 5", short_name="")
    in_summary = RuleFactory(summary=f"Explains the {word} in detail.", short_name="")
    in_requirement = RuleFactory(short_name="")
    RequirementFactory(rule=in_requirement, obligation=f"Follow the {word} each year.")

    order = list(ranked(word))
    expected = [in_title.slug, in_citation.slug, in_summary.slug, in_requirement.slug]
    assert [slug for slug in order if slug in expected] == expected


def test_search_vector_follows_requirement_edits(is_postgres):
    rule = RuleFactory(short_name="")
    requirement = RequirementFactory(rule=rule, obligation="Nothing special.")
    assert rule.slug not in ranked("wombatcheck")
    requirement.obligation = "Run the wombatcheck quarterly."
    requirement.save()
    assert rule.slug in ranked("wombatcheck")
    requirement.delete()
    assert rule.slug not in ranked("wombatcheck")


def test_drafts_are_never_found(client):
    RuleFactory(title="Secret draft zanzibarite act", state=CurationState.DRAFT)
    RuleFactory(title="Zanzibarite act in review", state=CurationState.IN_REVIEW)
    assert ranked("zanzibarite") == []
    response = client.get(reverse("regulations:rule-list"), {"q": "zanzibarite"})
    assert response.context["page"].paginator.count == 0
    assert "Secret draft" not in response.content.decode()


def test_empty_query_is_no_filter():
    assert len(ranked("   ")) == Rule.objects.published().count()
