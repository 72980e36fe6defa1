"""The curators' start page in a browser: its lists, counts that match the rule list, links, axe, phones
(issue 13, item 11)."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, overflow

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
HEADINGS = [
    "Rules in review",
    "Rules due for review",
    "Requirements with unconfirmed references",
    "Open questions",
    "Recent changes by others",
    "Your imports awaiting confirmation",
    "All models",
]


def test_the_start_page_lists_the_work_with_counts_the_rule_list_agrees_with(admin_page, live_url):
    page = admin_page
    page.set_viewport_size(WIDE)
    page.goto(f"{live_url}/admin/")
    for heading in HEADINGS:
        expect(page.get_by_role("heading", name=re.compile(f"^{heading}"))).to_be_visible()
    expect(page.get_by_role("link", name="Rules", exact=True).first).to_be_visible()  # the stock model list
    assert axe_violations(page) == []
    assert overflow(page) <= 0

    shown = int(page.locator("#start-in-review-heading .kb-count").inner_text())
    assert shown > 0
    expect(page.locator("#start-in-review tbody tr")).to_have_count(min(shown, 10))
    page.get_by_role("link", name=f"All {shown} rules in review").click()
    expect(page.locator("#changelist")).to_be_visible()
    assert f"{shown} rules" in page.locator("p.paginator").inner_text()

    page.go_back()
    first = page.locator("#start-in-review tbody tr").first
    title = first.locator("td").first.inner_text()
    first.get_by_role("link").click()
    expect(page.locator("#rule_form")).to_be_visible()
    expect(page.locator("#id_short_name, #id_title").first).to_be_visible()
    assert title in (page.locator("#id_short_name").input_value(), page.locator("#id_title").input_value())


def test_the_start_page_fits_a_phone(admin_page, live_url):
    page = admin_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_url}/admin/")
    expect(page.get_by_role("heading", name=re.compile("^Rules in review"))).to_be_visible()
    assert overflow(page) <= 0
    assert axe_violations(page) == []
