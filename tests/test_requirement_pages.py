"""Every requirement has a stable page of its own: /rules/<rule>/requirements/<key>/."""

import pytest
from django.urls import reverse

from regulations import models as m

from .factories import RequirementFactory, RuleFactory

pytestmark = pytest.mark.django_db


def test_a_requirement_has_a_page_at_a_stable_url(client):
    requirement = m.Requirement.objects.get(rule__slug="un-r155", reference="para 7.3.7")
    url = f"/rules/un-r155/requirements/{requirement.key}/"
    assert reverse("regulations:requirement-detail", args=["un-r155", requirement.key]) == url
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert requirement.obligation in page
    assert "UN Regulation No. 155" in page and "para 7.3.7" in page
    assert f'<link rel="canonical" href="http://testserver{url}">' in page


def test_the_rule_page_links_each_requirement_to_its_page(client):
    page = client.get("/rules/un-r155/").content.decode()
    for requirement in m.Requirement.objects.filter(rule__slug="un-r155"):
        assert f'href="/rules/un-r155/requirements/{requirement.key}/"' in page


def test_a_reference_still_to_confirm_says_so(client):
    requirement = m.Requirement.objects.filter(reference_checked=False, rule__state="published").first()
    page = client.get(reverse("regulations:requirement-detail", args=[requirement.rule.slug, requirement.key]))
    assert "not yet been checked against the official text" in page.content.decode()


def test_codes_are_case_insensitive_and_unknown_keys_are_404(client):
    requirement = m.Requirement.objects.filter(rule__slug="un-r155").first()
    assert client.get(f"/rules/UN-R155/requirements/{requirement.key.upper()}/").status_code == 200
    assert client.get("/rules/un-r155/requirements/no-such-clause/").status_code == 404
    assert client.get(f"/rules/eu-gdpr/requirements/{requirement.key}/").status_code in (200, 404)


@pytest.mark.parametrize("state", [m.CurationState.DRAFT, m.CurationState.IN_REVIEW])
def test_a_requirement_of_an_unpublished_rule_has_no_page(client, state):
    requirement = RequirementFactory(rule=RuleFactory(state=state), internal_note="Qwertyzed note")
    url = reverse("regulations:requirement-detail", args=[requirement.rule.slug, requirement.key])
    assert client.get(url).status_code == 404


def test_internal_notes_never_reach_the_requirement_page(client):
    requirement = RequirementFactory(rule=RuleFactory(), internal_note="Qwertyzed internal note")
    url = reverse("regulations:requirement-detail", args=[requirement.rule.slug, requirement.key])
    assert "Qwertyzed" not in client.get(url).content.decode()


def test_the_requirement_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    requirement = m.Requirement.objects.filter(rule__slug="eu-gdpr").first()
    with django_assert_max_num_queries(9):
        assert (
            client.get(reverse("regulations:requirement-detail", args=["eu-gdpr", requirement.key])).status_code == 200
        )
