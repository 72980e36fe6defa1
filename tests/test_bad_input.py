"""Bad input gets a 400 with the message beside the field, unknown pages a 404, never a 500."""

import pytest
from django.contrib import admin
from django.urls import reverse

from regulations.fields import EARLIEST_DAY, LATEST_DAY
from regulations.models import Rule

pytestmark = pytest.mark.django_db

RULES = reverse("regulations:rule-list")


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"applies_in": "xx"}, "applies_in", "Unknown jurisdiction code: XX."),
        ({"jurisdiction": "ZZ"}, "jurisdiction", "Unknown jurisdiction code: ZZ."),
        ({"topic": "astrology"}, "topic", "Unknown topic: astrology."),
        ({"status": "alive"}, "status", "Select a valid choice."),
        ({"instrument": "poem"}, "instrument", "Select a valid choice."),
        ({"level": "9"}, "level", "Select a valid choice."),
        ({"level": "two"}, "level", "Select a valid choice."),
        ({"in_force_on": "2027-13-01"}, "in_force_on", "Give the date as YYYY-MM-DD, for example 2027-01-01."),
        ({"in_force_on": "tomorrow"}, "in_force_on", "Give the date as YYYY-MM-DD, for example 2027-01-01."),
        ({"in_force_on": "9999-12-31"}, "in_force_on", "Give a date between 1950-01-01 and 2099-12-31."),
        ({"on": "2027-02-30"}, "on", "Give the date as YYYY-MM-DD, for example 2027-01-01."),
        ({"on": "1949-12-31"}, "on", "Give a date between 1950-01-01 and 2099-12-31."),
        ({"sort": "random"}, "sort", "Select a valid choice."),
        ({"q": "x" * 5000}, "q", "Ensure this value has at most 200 characters (it has 5000)."),
        ({"q": "abc\x00def"}, "q", "Null characters are not allowed."),
    ],
)
def test_bad_filter_values_are_answered_400_beside_the_field(client, params, field, message):
    response = client.get(RULES, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="error-{field}"' in page
    error_block = page.split(f'id="error-{field}"', 1)[1][:400]
    assert message.replace("'", "&#x27;") in error_block or message in error_block


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("abc", "Give the page as a whole number"),
        ("0", "There is no page 0"),
        ("999", "There is no page 999"),
    ],
)
def test_bad_page_numbers_are_400(client, page, message):
    response = client.get(RULES, {"page": page})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_htmx_gets_the_400_fragment_to_swap_in(client):
    response = client.get(RULES, {"applies_in": "xx"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "<html" not in response.content.decode()
    assert "Unknown jurisdiction code: XX." in response.content.decode()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/jurisdictions/de/?on=31-12-2027", "on"),
        ("/compare/?j=de&j=atlantis", "j"),
        ("/compare/?j=de&on=never", "on"),
        ("/compare/?j=de&j=fr&j=it&j=es&j=jp&j=br&j=cn", "j"),
    ],
)
def test_other_pages_answer_400_beside_the_field(client, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert f'id="error-{field}"' in response.content.decode()


@pytest.mark.parametrize("url", ["/rules/no-such-rule/", "/jurisdictions/zz/", "/jurisdictions/atlantis/"])
def test_unknown_pages_are_404(client, url):
    assert client.get(url).status_code == 404


def test_a_nul_byte_in_compare_is_answered_beside_the_field(client):
    response = client.get("/compare/", {"j": ["de", "jp\x00"]})
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode().split('id="error-j"', 1)[1][:200]


@pytest.mark.parametrize(
    "url",
    [
        "/jurisdictions/de%00/",
        "/jurisdictions/de\x00/",
        "/jurisdictions/" + "d" * 13 + "/",
        "/jurisdictions/汽车/",
        "/rules/eu-gdpr%00/",
        "/rules/" + "a" * 101 + "/",
        "/companies/byd%00/",
        "/companies/" + "b" * 101 + "/",
    ],
)
def test_a_code_or_slug_that_cannot_name_anything_is_404_before_any_query(client, django_assert_num_queries, url):
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 404


DATED = [
    ("/rules/", "in_force_on"),
    ("/rules/", "on"),
    ("/jurisdictions/de/", "on"),
    ("/compare/?j=de&j=jp", "on"),
    ("/checklist/?applies_in=de", "on"),
    ("/companies/example-motors/", "on"),
    ("/readiness/", "on"),
]
WINDOW_MESSAGE = "Give a date between 1950-01-01 and 2099-12-31."


@pytest.mark.parametrize(("url", "field"), DATED)
@pytest.mark.parametrize("day", ["9998-12-31", "9999-11-30", "9999-12-01", "9999-12-31", "0001-01-01", "1949-12-31"])
def test_a_date_outside_the_window_is_400_beside_the_field(client, url, field, day):
    response = client.get(f"{url}{'&' if '?' in url else '?'}{field}={day}")
    assert response.status_code == 400
    page = response.content.decode()
    assert WINDOW_MESSAGE in page.split(f'id="error-{field}"', 1)[1][:300]
    assert len(page) < 200_000


@pytest.mark.parametrize(("url", "field"), DATED)
@pytest.mark.parametrize("day", [EARLIEST_DAY, LATEST_DAY])
def test_the_first_and_last_days_of_the_window_answer(client, url, field, day):
    response = client.get(f"{url}{'&' if '?' in url else '?'}{field}={day.isoformat()}")
    assert response.status_code == 200
    assert len(response.content) < 500_000


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "md", "json"])
def test_an_export_for_a_day_outside_the_window_is_400(client, fmt):
    response = client.get("/checklist/", {"applies_in": "de", "on": "9999-12-31", "format": fmt})
    assert response.status_code == 400
    assert WINDOW_MESSAGE in response.content.decode()


# Staff doors


@pytest.fixture
def reviewer_client(client, make_role_user):
    client.force_login(make_role_user("Reviewer"))
    return client


@pytest.mark.parametrize("object_id", ["abc", "1%00", "1.5", "99999999999999999999999"])
def test_a_transition_of_a_rule_that_cannot_exist_is_404(reviewer_client, object_id):
    response = reviewer_client.post(f"/admin/regulations/rule/{object_id}/transition/published/")
    assert response.status_code == 404


def test_a_transition_by_id_still_moves_the_rule(reviewer_client):
    rule = Rule.objects.published().first()
    response = reviewer_client.post(f"/admin/regulations/rule/{rule.pk}/transition/draft/")
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.state == "draft"


def changelists():
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]


def test_a_nul_byte_in_any_admin_search_box_is_400(admin_client):
    for url in changelists():
        response = admin_client.get(url, {"q": "gdpr\x00"})
        assert response.status_code == 400, url
        assert "Null characters are not allowed" in response.content.decode(), url


@pytest.mark.parametrize(
    "query",
    [
        {"state": "published\x00"},
        {"jurisdiction__id__exact": "1\x00"},
        {"q": "\x00", "state": "draft"},
    ],
)
def test_a_nul_byte_in_any_admin_list_parameter_is_400(admin_client, query):
    assert admin_client.get("/admin/regulations/rule/", query).status_code == 400


def test_a_nul_byte_in_the_admin_autocomplete_is_400(admin_client):
    query = {"term": "r155\x00", "app_label": "regulations", "model_name": "requirement", "field_name": "rule"}
    assert admin_client.get("/admin/autocomplete/", query).status_code == 400


def test_the_admin_search_box_still_searches(admin_client):
    response = admin_client.get("/admin/regulations/rule/", {"q": "GDPR"})
    assert response.status_code == 200
    assert "Regulation (EU) 2016/679" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"applies_from__year": "99999999999"},
        {"applies_from__year": "2024", "applies_from__month": "99999999999999999999"},
        {"applies_from__year": "2024", "applies_from__month": "1", "applies_from__day": "-1"},
    ],
)
def test_an_impossible_date_drill_down_in_the_admin_is_400(admin_client, query):
    response = admin_client.get("/admin/regulations/rule/", query)
    assert response.status_code == 400
    assert "applies_from__" in response.content.decode()


def test_the_admin_date_drill_down_still_drills(admin_client):
    response = admin_client.get("/admin/regulations/rule/", {"applies_from__year": "2018"})
    assert response.status_code == 200
    assert "Regulation (EU) 2016/679" in response.content.decode()
