"""Drafts and rules in review appear on no public page, in no search, under no guessed slug."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from regulations import models as m
from regulations.applicability import applicability

from .factories import (
    AssessmentFactory,
    MilestoneFactory,
    RequirementFactory,
    RequirementMappingFactory,
    RuleFactory,
    RuleRelationFactory,
)

pytestmark = pytest.mark.django_db

MARK = "Qwertyzed"
LEAKS = [f"{MARK} Vehicle Data Act", f"{MARK} VDA", f"{MARK} 1/2026", f"{MARK} obligation"]


def leaks(response, url: str) -> list[str]:
    """Which marks of the hidden rule a response shows (the bare mark is allowed where it was the search)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    page = body.decode("utf-8-sig")
    candidates = LEAKS if f"q={MARK}" in url else [*LEAKS, MARK]
    return [text for text in candidates if text in page]


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
    requirement = RequirementFactory(rule=rule, obligation=f"{MARK} obligation", deadline=soon)
    MilestoneFactory(rule=rule, requirement=requirement, date=soon, note=f"{MARK} milestone")
    gdpr = m.Rule.objects.get(slug="eu-gdpr")
    RuleRelationFactory(from_rule=gdpr, to_rule=rule, kind=m.RelationKind.REFERENCES)
    RuleRelationFactory(from_rule=rule, to_rule=m.Rule.objects.get(slug="un-r157"), kind=m.RelationKind.MAKES_BINDING)
    RuleRelationFactory(from_rule=rule, to_rule=m.Rule.objects.get(slug="jp-appi"), kind=m.RelationKind.IMPLEMENTS)
    # A hidden rule amending or repealing a published one must not show in that rule's legal events.
    RuleRelationFactory(from_rule=rule, to_rule=gdpr, kind=m.RelationKind.AMENDS)
    vietnam_decree = m.Rule.objects.get(slug="vn-decree-13-2023")
    RuleRelationFactory(from_rule=rule, to_rule=vietnam_decree, kind=m.RelationKind.REPEALS)
    m.ChangeEvent.objects.create(rule=rule, kind=m.ChangeKind.PUBLISHED, summary=f"{MARK} VDA added.")
    return rule


PAGES = [
    "/",
    "/rules/",
    f"/rules/?q={MARK}",
    "/rules/?applies_in=de",
    "/rules/?jurisdiction=de",
    "/rules/?status=adopted",
    "/rules/?applies_in=de&on=2027-01-01",
    "/rules/eu-gdpr/",
    "/rules/un-r157/",
    "/rules/jp-appi/",
    "/jurisdictions/",
    "/jurisdictions/de/",
    "/compare/?j=de&j=fr",
    "/changes/",
    "/changes/?jurisdiction=de",
    "/changes/?jurisdiction=eu",
    "/changes/?jurisdiction=vn",
    "/changes/feed/",
    "/changes/feed/?jurisdiction=eu",
    "/deadlines.ics",
    "/deadlines.ics?applies_in=de",
    "/sitemap.xml",
    "/checklist/?applies_in=de",
    "/checklist/?applies_in=de&vehicle=registered",
    "/checklist/?applies_in=de&format=csv",
    "/checklist/?applies_in=de&format=json",
    "/checklist/?applies_in=de&format=md",
    "/checklist/?applies_in=de&force=binding&force=recognised&force=advisory",
    "/rules/?applies_in=de&format=csv",
    "/rules.csv?applies_in=de",
    "/rules.json",
    "/jurisdictions.csv",
    "/companies.json",
    "/companies/",
    "/companies/example-motors/",
    "/readiness/",
    "/api/v1/rules/",
    f"/api/v1/rules/?q={MARK}",
    "/api/v1/rules/?applies_in=de&page_size=100",
    "/api/v1/rules/eu-gdpr/",
    "/api/v1/rules/vn-decree-13-2023/",
    "/api/v1/requirements/?applies_in=de&page_size=100",
    "/api/v1/jurisdictions/de/applicability/?page_size=100",
    "/api/v1/changes/?page_size=100",
    "/api/v1/changes/?jurisdiction=eu&page_size=100",
    "/api/v1/checklist/?applies_in=de",
    "/api/v1/checklist/?applies_in=de&format=csv",
    "/api/v1/companies/example-motors/",
    "/api/v1/assessments/?page_size=100",
    "/open-data/",
]


@pytest.mark.parametrize("url", PAGES)
def test_hidden_rules_do_not_leak_onto_public_pages(client, hidden_rule, url):
    response = client.get(url)
    assert response.status_code == 200
    assert leaks(response, url) == []
    assert leaks(client.get(url, headers={"HX-Request": "true"}), url) == []


def test_hidden_rules_do_not_leak_into_xlsx_exports(client, hidden_rule):
    for url in ["/checklist/?applies_in=de&format=xlsx", "/rules/?applies_in=de&format=xlsx"]:
        response = client.get(url)
        workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        cells = [str(c.value) for row in workbook["Checklist"].iter_rows() for c in row]
        assert not [cell for cell in cells if MARK in cell], url


def test_guessing_the_slug_finds_nothing(client, hidden_rule):
    assert client.get(f"/rules/{hidden_rule.slug}/").status_code == 404
    requirement = hidden_rule.requirements.get()
    assert client.get(f"/rules/{hidden_rule.slug}/requirements/{requirement.key}/").status_code == 404


def test_a_hidden_rule_makes_nothing_binding(hidden_rule):
    germany, alks = m.Jurisdiction.objects.get(code="DE"), m.Rule.objects.get(slug="un-r157")
    reasons = applicability(germany, timezone.localdate()).reasons([alks])[alks.pk]
    assert all(step.rule != hidden_rule for reason in reasons for step in reason.steps)


def test_a_hidden_rule_incorporates_nothing(hidden_rule):
    germany, appi = m.Jurisdiction.objects.get(code="DE"), m.Rule.objects.get(slug="jp-appi")
    reach = applicability(germany, timezone.localdate())
    assert reach.reasons([appi])[appi.pk] == []
    assert not reach.rules().filter(pk=appi.pk).exists()


def test_counts_leave_hidden_rules_out(client, hidden_rule):
    before = client.get("/rules/?jurisdiction=de").context["page"].paginator.count
    assert before == m.Rule.objects.published().filter(jurisdiction__code="DE").count()


@pytest.fixture
def carried_from_hidden(hidden_rule):
    """A public assessment on the hidden rule's requirement, mapped as equal to a published one in Germany."""
    company = m.Company.objects.get(slug="example-motors")
    published = RuleFactory(jurisdiction=m.Jurisdiction.objects.get(code="DE"), applies_from=dt.date(2020, 1, 1))
    target = RequirementFactory(rule=published, obligation="Published duty.")
    RequirementMappingFactory(
        from_requirement=hidden_rule.requirements.get(),
        to_requirement=target,
        relationship=m.MappingRelationship.EQUAL,
    )
    AssessmentFactory(
        company=company,
        requirement=hidden_rule.requirements.get(),
        status=m.AssessmentStatus.MET,
        visibility=m.Visibility.PUBLIC,
        is_sample=True,
    )
    return company, target


CARRIED_PAGES = [
    "/companies/",
    "/companies/example-motors/?j=de",
    "/companies/example-motors/?j=de&status=met",
    "/companies/example-motors/?j=de&status=unknown",
    "/readiness/",
    "/readiness/?view=topics&j=de",
    *[f"/checklist/?applies_in=de&company=example-motors&format={fmt}" for fmt in ("html", "csv", "json", "md")],
]


@pytest.mark.parametrize("url", CARRIED_PAGES)
def test_statuses_carried_from_hidden_rules_do_not_show(client, carried_from_hidden, url):
    response = client.get(url)
    assert response.status_code == 200
    assert leaks(response, url) == []


def test_statuses_carried_from_hidden_rules_do_not_count(client, carried_from_hidden):
    company, target = carried_from_hidden
    assert not m.PublicEffectiveStatus.objects.filter(company=company, requirement=target).exists()
    assert m.EffectiveStatus.objects.filter(company=company, requirement=target, carried=True).exists()  # staff
    response = client.get("/companies/example-motors/?j=de&status=unknown")
    assert "Published duty." in response.content.decode()


def test_statuses_carried_from_hidden_rules_stay_out_of_xlsx_checklists(client, carried_from_hidden):
    response = client.get("/checklist/?applies_in=de&company=example-motors&format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [str(c.value) for row in workbook["Checklist"].iter_rows() for c in row]
    assert not [cell for cell in cells if MARK in cell]
