"""Vehicle programmes (issue 17, step 1): who sees them, what they hold, and the checklist they ask for."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from regulations import models as m
from regulations.programmes import checklist_queries, programme_checklists

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_firms():
    """Firm A with its analyst and a programme; firm B with a programme A's analyst must not see."""
    analyst = f.UserFactory(username="a-analyst")
    analyst.groups.add(Group.objects.get(name="Analyst"))
    mine = f.ProgrammeFactory(name="Model A1")
    f.FirmMembershipFactory(user=analyst, company=mine.company)
    theirs = f.ProgrammeFactory(name="Model B1")
    return analyst, mine, theirs


def test_a_member_sees_their_firms_programmes_only(two_firms):
    analyst, mine, _theirs = two_firms
    assert list(m.Programme.objects.visible_to(analyst)) == [mine]
    stranger = f.UserFactory(username="stranger")
    assert not m.Programme.objects.visible_to(stranger).exists()
    assert not m.Programme.objects.visible_to(AnonymousUser()).exists()


def test_see_every_firm_or_superuser_sees_all(two_firms, django_user_model):
    _, mine, theirs = two_firms
    lead = f.UserFactory(username="consultancy-lead")
    lead.user_permissions.add(Permission.objects.get(codename="see_every_firm"))
    assert set(m.Programme.objects.visible_to(django_user_model.objects.get(pk=lead.pk))) == {mine, theirs}
    owner = django_user_model.objects.create_superuser("owner", "owner@example.org", "a-long-test-password")
    assert set(m.Programme.objects.visible_to(owner)) == {mine, theirs}
    lead.is_active = False
    assert not m.Programme.objects.visible_to(lead).filter(pk=theirs.pk).exists()
    owner.is_active = False  # a superuser's flag alone opens nothing once the account is switched off
    assert not m.Programme.objects.visible_to(owner).exists()


def test_the_admin_shows_an_analyst_only_their_firms_programmes(two_firms, client):
    analyst, mine, theirs = two_firms
    client.force_login(analyst)
    listing = client.get(reverse("admin:regulations_programme_changelist"))
    assert listing.status_code == 200
    assert "Model A1" in listing.text and "Model B1" not in listing.text
    assert client.get(reverse("admin:regulations_programme_change", args=[mine.pk])).status_code == 200
    other = client.get(reverse("admin:regulations_programme_change", args=[theirs.pk]))
    assert other.status_code == 302  # the admin's answer to an object it cannot find
    add = client.get(reverse("admin:regulations_programme_add"))
    firms = add.context["adminform"].form.fields["company"].queryset
    assert list(firms) == [mine.company]


def test_an_analyst_cannot_add_a_programme_to_another_firm(two_firms, client):
    analyst, _mine, theirs = two_firms
    client.force_login(analyst)
    response = client.post(
        reverse("admin:regulations_programme_add"),
        {
            "company": theirs.company.pk,
            "slug": "sneaky",
            "name": "Sneaky",
            "vehicle_category": "M1",
            "sae_level": 2,
            "markets-TOTAL_FORMS": 0,
            "markets-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "company" in response.context["adminform"].form.errors
    assert not m.Programme.objects.filter(slug="sneaky").exists()


def test_a_programme_keeps_its_facts_consistent():
    programme = f.ProgrammeFactory(slug="s1")
    with pytest.raises(ValidationError, match="already has a programme with this slug"):
        f.ProgrammeFactory.build(company=programme.company, slug="s1").validate_constraints()
    with pytest.raises(ValidationError):
        f.ProgrammeFactory.build(sae_level=6).full_clean()
    market = f.ProgrammeMarketFactory.build(
        programme=programme,
        jurisdiction=f.JurisdictionFactory(code="QP"),
        type_approval_on=dt.date(2027, 7, 1),
        first_registration_on=dt.date(2027, 6, 1),
    )
    with pytest.raises(ValidationError, match="cannot come before type approval"):
        market.validate_constraints()


def test_a_programme_asks_each_market_on_its_own_type_approval_day():
    programme = f.ProgrammeFactory(sae_level=3)
    germany, japan = m.Jurisdiction.objects.get(code="DE"), m.Jurisdiction.objects.get(code="JP")
    f.ProgrammeMarketFactory(programme=programme, jurisdiction=japan, type_approval_on=None, first_registration_on=None)
    f.ProgrammeMarketFactory(programme=programme, jurisdiction=germany, type_approval_on=dt.date(2027, 7, 1))
    today = dt.date(2026, 12, 1)

    queries = checklist_queries(programme, today)

    assert [(q.applies_in, q.on, q.level, q.company) for q in queries] == [
        ([germany], dt.date(2027, 7, 1), 3, programme.company),
        ([japan], today, 3, programme.company),
    ]
    assert {q.vehicle for q in queries} == {m.VehicleSituation.NEW_TYPE}


def test_a_programmes_checklist_holds_what_binds_a_new_type_in_its_market():
    """UN R155's CSMS certificate binds a new type approved in Germany through the EU's type-approval law."""
    programme = f.ProgrammeFactory(sae_level=2)
    f.ProgrammeMarketFactory(programme=programme, jurisdiction=m.Jurisdiction.objects.get(code="DE"))

    [checklist] = programme_checklists(programme, dt.date(2026, 12, 1))

    rows = list(checklist.rows)
    assert {row["applies_in"] for row in rows} == {"DE"}
    assert "un-r155" in {row["rule_slug"] for row in rows}
    assert all(row["force"] == "binding" for row in rows)
