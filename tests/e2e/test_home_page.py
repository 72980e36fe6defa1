"""The front page tells the truth at a glance (issue 13, item 6)."""

import re

from django.conf import settings
from playwright.sync_api import expect

from regulations.content.bundle import read_content


def test_the_home_page_counts_real_firms_and_groups_places_under_their_continent(page, live_url):
    content = read_content(settings.BASE_DIR / "fixtures")
    real_firms = [company for company in content.companies if not company.fictional]
    assert len(real_firms) < len(content.companies)  # the content does carry a made-up sample firm

    page.goto(f"{live_url}/")

    firms = page.locator(".kb-stat", has_text="firms tracked")
    expect(firms.locator(".display-6")).to_have_text(str(len(real_firms)))
    regions = page.locator("h3.kb-region").all_inner_texts()
    assert {"Europe", "Asia", "Americas"} <= set(regions)
    assert regions[-1] == "Unions and treaties"
    europe = page.get_by_role("list", name="Europe")
    expect(europe.get_by_role("link", name=re.compile(r"^Germany \d+$"))).to_be_visible()
    unions = page.get_by_role("list", name="Unions and treaties")
    expect(unions.get_by_role("link", name=re.compile(r"^United Nations Economic Commission"))).to_be_visible()
    expect(europe.get_by_role("link", name=re.compile(r"^Japan"))).to_have_count(0)
