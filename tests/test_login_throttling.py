"""Repeated wrong passwords lock the account out at that address for a while (django-axes).

Every test signs in through the real admin login form, as a person or a script would.
"""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse

PASSWORD = "a-long-test-password"
ATTACKER = "203.0.113.7"
COLLEAGUE = "198.51.100.20"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("clerk", "clerk@example.org", PASSWORD, is_staff=True)


def sign_in(username: str, password: str, address: str = ATTACKER):
    """POST the admin login form from an address; return the response and whether it signed in."""
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"})
    return response, "_auth_user_id" in client.session


def fail(times: int, username: str = "clerk", address: str = ATTACKER):
    return [sign_in(username, f"wrong-{n}", address)[0].status_code for n in range(times)]


@pytest.mark.django_db
def test_thirty_wrong_passwords_then_the_right_one_is_refused(staff):
    statuses = fail(30)
    response, signed_in = sign_in("clerk", PASSWORD)
    assert not signed_in
    assert response.status_code == 429
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert set(statuses[limit - 1 :]) == {429}


@pytest.mark.django_db
def test_the_lock_out_says_what_happened_and_what_to_do(staff):
    fail(settings.AXES_FAILURE_LIMIT)
    response, _ = sign_in("clerk", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "Too many failed sign-in attempts" in page
    assert "15 minutes" in page
    assert "ask an administrator" in page


@pytest.mark.django_db
def test_a_right_password_before_the_limit_signs_in_and_starts_the_count_afresh(staff):
    fail(settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in("clerk", PASSWORD)[1]
    assert fail(settings.AXES_FAILURE_LIMIT - 1) == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in("clerk", PASSWORD)[1]


@pytest.mark.django_db
def test_the_lock_is_per_account_and_address(staff, django_user_model):
    django_user_model.objects.create_user("other", "other@example.org", PASSWORD, is_staff=True)
    fail(settings.AXES_FAILURE_LIMIT)
    assert sign_in("clerk", PASSWORD, address=COLLEAGUE)[1]  # the same account elsewhere
    assert sign_in("other", PASSWORD, address=ATTACKER)[1]  # another account from that address


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off(staff):
    fail(settings.AXES_FAILURE_LIMIT)
    assert not sign_in("clerk", PASSWORD)[1]
    # The failures happened longer ago than the cool-off (rather than a test that sleeps for it).
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))
    assert sign_in("clerk", PASSWORD)[1]


@pytest.mark.django_db
def test_an_administrator_unlocks_the_account(staff):
    fail(settings.AXES_FAILURE_LIMIT)
    assert not sign_in("clerk", PASSWORD)[1]
    call_command("axes_reset_username", "clerk", verbosity=0)
    assert sign_in("clerk", PASSWORD)[1]
