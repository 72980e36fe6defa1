"""Every page sends a strict Content-Security-Policy, and our templates carry nothing it would refuse."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from regulations.models import Rule
from tests.public_pages import PUBLIC_PAGES

STRICT = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],  # Bootstrap draws its form controls' icons as data: SVG
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
INLINE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


def assert_strict(response):
    directives = policy(response)
    for name, values in STRICT.items():
        assert sorted(directives.pop(name)) == sorted(values), name
    # One exception: django-simple-history's history list carries one fixed inline style.
    assert directives.pop("style-src-attr") == [
        "'unsafe-hashes'",
        "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
    ]
    assert directives == {}  # scripts and styles fall back to default-src 'self': no inline code, no eval


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_sends_the_policy(client, path):
    assert_strict(client.get(path))


@pytest.mark.django_db
def test_error_pages_send_the_policy(client):
    assert_strict(client.get("/rules/no-such-rule/"))
    assert_strict(client.get("/rules/?in_force_on=2027-02-30"))


@pytest.mark.django_db
def test_admin_pages_send_the_policy(client, content_admin_client):
    rule = Rule.objects.published().first()
    assert_strict(client.get(reverse("admin:login")))
    for url in (
        reverse("admin:index"),
        reverse("admin:regulations_rule_changelist"),
        reverse("admin:regulations_rule_change", args=[rule.pk]),
        reverse("admin:regulations_rule_history", args=[rule.pk]),
    ):
        response = content_admin_client.get(url)
        assert response.status_code == 200
        assert_strict(response)


@pytest.mark.database_independent
def test_templates_carry_no_inline_script_style_or_event_handler():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0).strip()}"
        for path in sorted((settings.BASE_DIR / "templates").rglob("*.html"))
        for match in INLINE.finditer(path.read_text())
    ]
    assert found == []
