"""Settings come from the environment, with secure defaults when DEBUG is off."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from tests.servers import PYTEST_ENV


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in PYTEST_ENV}
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = manage("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_allowed_hosts_are_required_when_debug_is_off():
    """Without them every request would answer 400: refuse to start instead, and say what to set."""
    result = manage("check", SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set ALLOWED_HOSTS" in result.stderr


def test_blank_allowed_hosts_count_as_missing():
    result = manage("check", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS=" , ")
    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS" in result.stderr


def test_debug_serves_localhost_without_allowed_hosts():
    result = manage("check", DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="kb.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_tests_run_with_debug_off():
    assert settings.DEBUG is False
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_health_probe_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_the_wsgi_application_leaves_its_start_up_objects_out_of_garbage_collection():
    env = {key: value for key, value in os.environ.items() if key not in PYTEST_ENV}
    env |= {"DEBUG": "1"}
    code = "import gc, kb.wsgi; print(gc.get_freeze_count())"
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own module
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert int(result.stdout) > 10_000


def test_an_api_rate_that_does_not_read_as_one_stops_the_start():
    result = manage("check", DEBUG="1", API_ANON_RATE="lots")
    assert result.returncode != 0
    assert "API_ANON_RATE must read like 120/min" in result.stderr
