"""The workspace (issue 17, step 3): a programme's checklist as a grid its firm's analysts edit in place,
with htmx or a plain form, filtered, and closed to everyone else."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regulations import models as m

from . import factories as f
from .test_workflow import as_user

pytestmark = pytest.mark.django_db


def build_firm(requirements: int = 3):
    """A programme targeting one market whose own law has ``requirements`` requirements; its firm's analyst."""
    market = f.JurisdictionFactory()
    f.CoverageFactory(jurisdiction=market, domain="data-security")
    rule = f.RuleFactory(jurisdiction=market)
    found = [f.RequirementFactory(rule=rule) for _ in range(requirements)]
    programme = f.ProgrammeFactory(sae_level=2)
    f.ProgrammeMarketFactory(programme=programme, jurisdiction=market, type_approval_on=dt.date(2027, 7, 1))
    analyst = f.UserFactory(username=f"analyst-{programme.pk}")
    analyst.groups.add(Group.objects.get(name="Analyst"))
    f.FirmMembershipFactory(user=analyst, company=programme.company)
    return {"programme": programme, "analyst": analyst, "requirements": found, "market": market}


@pytest.fixture
def firm():
    return build_firm()


def grid_url(programme, **params):
    url = reverse("regulations:workspace-programme", args=[programme.company.slug, programme.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def row_url(programme, requirement):
    return reverse("regulations:workspace-row", args=[programme.company.slug, programme.slug, requirement.pk])


def row_post(requirement, **values):
    prefix = f"r{requirement.pk}-"
    data = {"status": "unknown", "owner": "", "due_on": "", "seen_revision": 0} | values
    return {prefix + key: value for key, value in data.items()} | {"next": values.get("next", "")}


def test_the_grid_lists_the_programmes_requirements_with_where_it_stands(firm):
    programme, (first, second, third) = firm["programme"], firm["requirements"]
    f.AssessmentFactory(company=programme.company, requirement=first, status=m.AssessmentStatus.MET)
    f.ProgrammeAssessmentFactory(programme=programme, requirement=second, status=m.AssessmentStatus.GAP)
    html = as_user(firm["analyst"]).get(grid_url(programme)).content.decode()
    rows = dict(re.findall(r'<tr data-requirement="(\d+)".*?data-basis>([^<]+)<', html, re.S))
    assert rows == {str(first.pk): "firm-wide", str(second.pk): "this programme's own", str(third.pk): "not assessed"}
    assert f"{firm['market'].code}: " in html and "3 requirements" in html


def test_another_firms_programme_is_not_found_and_visitors_must_sign_in(firm, client):
    stranger = f.UserFactory(username="stranger")
    stranger.groups.add(Group.objects.get(name="Analyst"))
    programme, requirement = firm["programme"], firm["requirements"][0]
    assert as_user(stranger).get(grid_url(programme)).status_code == 404
    assert as_user(stranger).post(row_url(programme, requirement), row_post(requirement)).status_code == 404
    assert client.get(grid_url(programme)).status_code == 302  # to the sign-in page
    assert not m.ProgrammeAssessment.objects.exists()


def test_a_member_without_the_analyst_role_sees_but_cannot_edit(firm):
    viewer = f.UserFactory(username="viewer")
    f.FirmMembershipFactory(user=viewer, company=firm["programme"].company)
    programme, requirement = firm["programme"], firm["requirements"][0]
    html = as_user(viewer).get(grid_url(programme)).content.decode()
    assert "kb-row-form" not in html and "Unknown" in html
    assert as_user(viewer).post(row_url(programme, requirement), row_post(requirement)).status_code == 403


def test_without_javascript_a_row_posts_and_comes_back_to_the_grid_with_its_filters(firm):
    programme, requirement, analyst = firm["programme"], firm["requirements"][0], firm["analyst"]
    back = grid_url(programme, status="gap")
    client = as_user(analyst)
    response = client.post(
        row_url(programme, requirement),
        row_post(requirement, status="gap", owner=analyst.username, due_on="2027-01-31", next=back),
    )
    assert response.status_code == 302 and response["Location"] == back
    saved = m.ProgrammeAssessment.objects.get(programme=programme, requirement=requirement)
    assert (saved.status, saved.owner, saved.due_on, saved.assessed_by) == (
        "gap",
        analyst,
        dt.date(2027, 1, 31),
        analyst,
    )
    page = client.get(back).content.decode()
    assert "Saved: " in page and f'data-requirement="{requirement.pk}"' in page  # the message, the filtered row


def test_a_row_never_redirects_off_the_site(firm):
    programme, requirement = firm["programme"], firm["requirements"][0]
    response = as_user(firm["analyst"]).post(
        row_url(programme, requirement), row_post(requirement, status="met", next="https://evil.example/")
    )
    assert response["Location"] == grid_url(programme)


def test_with_htmx_the_row_is_swapped_and_a_stale_one_is_a_409_naming_the_change(firm):
    programme, requirement, analyst = firm["programme"], firm["requirements"][0], firm["analyst"]
    client = as_user(analyst)
    first = client.post(row_url(programme, requirement), row_post(requirement, status="met"), HTTP_HX_REQUEST="true")
    assert first.status_code == 200
    html = first.content.decode()
    assert html.startswith("<form") or html.lstrip().startswith("<form")
    assert 'role="status">Saved.' in html and "this programme's own" in html
    stale = client.post(row_url(programme, requirement), row_post(requirement, status="gap"), HTTP_HX_REQUEST="true")
    assert stale.status_code == 409
    assert "changed it meanwhile (now met, revision 1)" in stale.content.decode()
    assert m.ProgrammeAssessment.objects.get(programme=programme, requirement=requirement).status == "met"


def test_bad_row_input_is_a_400_beside_the_row_and_saves_nothing(firm):
    programme, requirement = firm["programme"], firm["requirements"][0]
    outsider = f.UserFactory(username="outsider")
    client = as_user(firm["analyst"])
    for bad in ({"status": "perfect"}, {"owner": outsider.username}, {"due_on": "2027-13-45"}):
        response = client.post(row_url(programme, requirement), row_post(requirement, **bad), HTTP_HX_REQUEST="true")
        assert response.status_code == 400 and "Not saved" in response.content.decode()
    assert not m.ProgrammeAssessment.objects.exists()


def test_filters_by_status_owner_and_overdue(firm):
    programme, (first, second, third), analyst = firm["programme"], firm["requirements"], firm["analyst"]
    f.ProgrammeAssessmentFactory(
        programme=programme, requirement=first, status="gap", owner=analyst, due_on=dt.date(2020, 1, 1)
    )
    f.ProgrammeAssessmentFactory(programme=programme, requirement=second, status="met", due_on=dt.date(2020, 1, 1))
    client = as_user(analyst)

    def shown(**params):
        html = client.get(grid_url(programme, **params)).content.decode()
        return {int(pk) for pk in re.findall(r'<tr data-requirement="(\d+)"', html)}

    assert shown(status="gap") == {first.pk}
    assert shown(status="unknown") == {third.pk}
    assert shown(owner="me") == {first.pk}
    assert shown(overdue="on") == {first.pk}  # a met requirement is never overdue
    assert shown(market=firm["market"].code) == {first.pk, second.pk, third.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "perfect"}, "status"),
        ({"market": "ZZ"}, "market"),
        ({"topic": "nope"}, "topic"),
        ({"owner": "nobody"}, "owner"),
        ({"page": "x"}, "page"),
    ],
)
def test_a_bad_filter_is_a_400_with_the_message_beside_it(firm, params, field):
    response = as_user(firm["analyst"]).get(grid_url(firm["programme"], **params))
    assert response.status_code == 400
    if field != "page":
        assert f'id="error-{field}"' in response.content.decode()


def test_the_grid_runs_the_same_queries_for_three_requirements_as_for_forty():
    def queries(size):
        built = build_firm(size)
        client = as_user(built["analyst"])
        client.get(grid_url(built["programme"]))  # sessions and permissions warmed
        with CaptureQueriesContext(connection) as captured:
            assert client.get(grid_url(built["programme"])).status_code == 200
        return len(captured)

    assert queries(3) == queries(40)


def test_the_workspace_lists_my_programmes_and_my_open_items_overdue_first(firm):
    programme, (first, second, _), analyst = firm["programme"], firm["requirements"], firm["analyst"]
    f.ProgrammeAssessmentFactory(programme=programme, requirement=second, status="gap", owner=analyst)
    f.ProgrammeAssessmentFactory(
        programme=programme, requirement=first, status="partly_met", owner=analyst, due_on=dt.date(2020, 1, 1)
    )
    f.ProgrammeAssessmentFactory(programme=f.ProgrammeFactory(), requirement=first, status="gap")  # another firm
    html = as_user(analyst).get(reverse("regulations:workspace")).content.decode()
    assert programme.name in html
    assert html.index(first.reference) < html.index(second.reference) and "overdue" in html
    assert html.count("<tr") == 3  # the header and my two items


@pytest.mark.parametrize(
    ("categories", "category", "fits"),
    [
        (None, "M1", True),
        ("M, N, O", "N3", True),
        ("M1, N1", "M1", True),
        ("M1, N1", "N3", False),
        ("M3", "M1", False),
        ("passenger cars (M1), pick-ups (N1)", "N3", True),  # prose: a curator reads it, we do not guess
    ],
)
def test_a_rule_reaches_a_programme_unless_its_category_list_leaves_it_out(categories, category, fits):
    from regulations.programmes import fits_category

    assert fits_category(categories, category) is fits


def test_the_grid_leaves_out_rules_for_other_vehicle_categories():
    built = build_firm(1)
    buses_only = f.RuleFactory(jurisdiction=built["market"], vehicle_categories="M2, M3")
    for_buses = f.RequirementFactory(rule=buses_only)
    html = as_user(built["analyst"]).get(grid_url(built["programme"])).content.decode()  # an M1 programme
    shown = {int(pk) for pk in re.findall(r'<tr data-requirement="(\d+)"', html)}
    assert shown == {built["requirements"][0].pk} and for_buses.pk not in shown


def test_every_workspace_door_is_closed_to_another_firms_member(firm):
    """Issue 17, item 6: pages, row saves, the export, the upload and apply, evidence and review marks."""
    programme, requirement = firm["programme"], firm["requirements"][0]
    outsider = f.UserFactory(username="outsider-analyst")
    outsider.groups.add(Group.objects.get(name="Analyst"))
    f.FirmMembershipFactory(user=outsider)  # a member of another firm
    args = [programme.company.slug, programme.slug]
    client = as_user(outsider)
    for name, method in [
        ("workspace-programme", "get"),
        ("workspace-export", "get"),
        ("workspace-upload", "get"),
        ("workspace-upload", "post"),
        ("workspace-apply", "post"),
        ("workspace-reviewed", "post"),
    ]:
        assert getattr(client, method)(reverse(f"regulations:{name}", args=args)).status_code == 404, name
    for name in ("workspace-row", "workspace-evidence"):
        assert client.post(reverse(f"regulations:{name}", args=[*args, requirement.pk])).status_code == 404, name
    expiring = reverse("regulations:workspace-expiring", args=[programme.company.slug])
    assert client.get(expiring).status_code == 404
    assert programme.name not in client.get(reverse("regulations:workspace")).content.decode()
    assert not m.ProgrammeAssessment.objects.exists() and not m.ProgrammeReview.objects.exists()
