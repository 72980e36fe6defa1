"""axe-core finds no serious or critical accessibility violation on any public page."""

import pytest

from tests.public_pages import PUBLIC_PAGES

from .conftest import axe_violations


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_serious_or_critical_violations(page, live_url, path):
    page.goto(f"{live_url}{path}")
    assert axe_violations(page) == []
