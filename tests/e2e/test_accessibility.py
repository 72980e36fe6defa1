"""axe-core finds no serious or critical accessibility violation on any public page."""

import pytest

from .conftest import axe_violations

PUBLIC_PAGES = [
    "/",
    "/rules/",
    "/rules/?applies_in=de&level=2&in_force_on=2027-01-01",
    "/rules/?q=cyber+secruity",
    "/rules/?applies_in=xx",
    "/rules/eu-gdpr/",
    "/rules/un-r155/",
    "/rules/cn-auto-data-provisions/",
    "/jurisdictions/",
    "/jurisdictions/de/",
    "/jurisdictions/us-ca/",
    "/compare/",
    "/compare/?j=de&j=jp&j=br",
    "/checklist/",
    "/checklist/?applies_in=de&applies_in=fr&topic=cybersecurity",
    "/checklist/?applies_in=xx",
    "/companies/",
    "/companies/example-motors/",
    "/companies/example-motors/?j=cn&status=partly_met",
    "/companies/nio/",
    "/readiness/",
    "/readiness/?view=topics&j=de",
    "/changes/",
    "/changes/?jurisdiction=xx",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_serious_or_critical_violations(page, live_url, path):
    page.goto(f"{live_url}{path}")
    assert axe_violations(page) == []
