"""Drafts and rules in review appear on no public page, in no search, under no guessed slug."""

import datetime as dt

import pytest
from django.utils import timezone

from regulations import models as m
from regulations.applicability import applicability

from .factories import RequirementFactory, RuleFactory, RuleRelationFactory

pytestmark = pytest.mark.django_db

MARK = "Qwertyzed"
LEAKS = [f"{MARK} Vehicle Data Act", f"{MARK} VDA", f"{MARK} 1/2026", f"{MARK} obligation"]


def leaks(response) -> list[str]:
    page = response.content.decode()
    return [text for text in LEAKS if text in page]


@pytest.fixture(params=[m.CurationState.DRAFT, m.CurationState.IN_REVIEW])
def hidden_rule(request):
    germany = m.Jurisdiction.objects.get(code="DE")
    soon = timezone.localdate() + dt.timedelta(days=60)
    rule = RuleFactory(
        jurisdiction=germany,
        title=f"{MARK} Vehicle Data Act",
        short_name=f"{MARK} VDA",
        citation=f"{MARK} 1/2026",
        applies_from=soon,
        state=request.param,
    )
    RequirementFactory(rule=rule, obligation=f"{MARK} obligation", deadline=soon)
    gdpr = m.Rule.objects.get(slug="eu-gdpr")
    RuleRelationFactory(from_rule=gdpr, to_rule=rule, kind=m.RelationKind.REFERENCES)
    RuleRelationFactory(from_rule=rule, to_rule=m.Rule.objects.get(slug="un-r157"), kind=m.RelationKind.MAKES_BINDING)
    return rule


PAGES = [
    "/",
    "/rules/",
    f"/rules/?q={MARK}",
    "/rules/?applies_in=de",
    "/rules/?jurisdiction=de",
    "/rules/?status=adopted",
    "/rules/eu-gdpr/",
    "/rules/un-r157/",
    "/jurisdictions/",
    "/jurisdictions/de/",
    "/compare/?j=de&j=fr",
]


@pytest.mark.parametrize("url", PAGES)
def test_hidden_rules_do_not_leak_onto_public_pages(client, hidden_rule, url):
    response = client.get(url)
    assert response.status_code == 200
    assert leaks(response) == []
    assert leaks(client.get(url, headers={"HX-Request": "true"})) == []


def test_guessing_the_slug_finds_nothing(client, hidden_rule):
    assert client.get(f"/rules/{hidden_rule.slug}/").status_code == 404


def test_a_hidden_rule_makes_nothing_binding(hidden_rule):
    germany, alks = m.Jurisdiction.objects.get(code="DE"), m.Rule.objects.get(slug="un-r157")
    reasons = applicability(germany, timezone.localdate()).reasons([alks])[alks.pk]
    assert all(step.rule != hidden_rule for reason in reasons for step in reason.steps)


def test_counts_leave_hidden_rules_out(client, hidden_rule):
    before = client.get("/rules/?jurisdiction=de").context["page"].paginator.count
    assert before == m.Rule.objects.published().filter(jurisdiction__code="DE").count()
