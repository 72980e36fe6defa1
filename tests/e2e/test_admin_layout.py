"""The curator admin fits a 1366 px screen (issue 13, item 10)."""

from playwright.sync_api import expect

from .conftest import overflow

WIDE = {"width": 1366, "height": 900}


def test_the_rule_list_and_change_form_fit_the_screen_with_whole_titles_and_right_plurals(admin_page, live_url):
    page = admin_page
    page.set_viewport_size(WIDE)
    page.goto(f"{live_url}/admin/regulations/rule/")
    assert overflow(page) <= 0
    expect(page.locator("#result_list thead th", has_text="State")).to_be_in_viewport()

    page.goto(f"{live_url}/admin/regulations/rule/?q=R155")
    page.locator("#result_list tbody tr th a").first.click()
    expect(page.locator("#rule_form")).to_be_visible()
    assert overflow(page) <= 0
    title = page.locator("#id_title")
    assert title.bounding_box()["width"] >= 600  # long official titles are seen whole
    expect(page.get_by_role("heading", name="Relations to other rules")).to_be_visible()
