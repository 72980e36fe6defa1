"""On a phone (390 x 844): a menu that folds, the answer before the filters, no page wider
than the screen (issue 13, item 1). Wide tables scroll inside their own labelled region."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import overflow

PHONE = {"width": 390, "height": 844}
MAIN_PAGES = [
    "/",
    "/rules/",
    "/rules/un-r155/",
    "/jurisdictions/",
    "/jurisdictions/de/",
    "/compare/?j=de&j=jp&j=cn",
    "/companies/",
    "/companies/byd/",
    "/readiness/",
    "/checklist/?applies_in=de",
    "/changes/",
]


@pytest.mark.parametrize("path", MAIN_PAGES)
def test_no_page_is_wider_than_a_phone(page, live_url, path):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_url}{path}")
    wider = overflow(page)
    assert wider <= 0, f"{path} is {wider}px wider than the screen"
    for region in page.locator(".table-responsive").all():
        assert region.get_attribute("role") == "region" and region.get_attribute("aria-label")


def test_the_menu_folds_on_a_phone_and_opens_on_a_tap(page, live_url):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_url}/")
    rules = page.get_by_role("navigation", name="Main").get_by_role("link", name="Rules", exact=True)
    expect(rules).to_be_hidden()
    header = page.locator("header").bounding_box()
    assert header["height"] < PHONE["height"] * 0.15  # the header no longer takes 40% of the screen
    page.get_by_role("button", name="Menu").click()
    expect(rules).to_be_visible()
    rules.click()
    expect(page).to_have_url(re.compile(r"/rules/$"))


def test_on_a_phone_the_rule_list_answers_first_and_the_filters_open_on_a_tap(page, live_url):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_url}/rules/")
    heading = page.locator("#results-heading")
    expect(heading).to_be_visible()
    assert heading.bounding_box()["y"] < PHONE["height"]  # the count is on the first screen
    germany = page.locator("#f-applies_in-de")
    expect(germany).to_be_hidden()

    page.get_by_role("button", name=re.compile(r"^Filters")).click()
    expect(germany).to_be_visible()
    germany.check()
    expect(heading).to_contain_text("applying in Germany")
    expect(page.get_by_role("button", name=re.compile(r"^Filters \(1 chosen\)"))).to_be_visible()
    expect(page.locator("#f-applies_in-de")).to_be_visible()  # still open after the list was swapped in


def test_on_a_phone_a_checklist_answers_first_and_its_builder_and_contents_open_on_a_tap(page, live_url):
    """Issue 13, items 1 and 5: once a preview is shown, the builder and the contents fold away."""
    page.set_viewport_size(PHONE)
    page.goto(f"{live_url}/checklist/?applies_in=de&applies_in=fr")
    heading = page.locator("#checklist-heading")
    expect(heading).to_contain_text("in 2 markets")
    assert heading.bounding_box()["y"] < PHONE["height"]
    assert page.locator("details.kb-checklist-rule").first.bounding_box()["y"] < 2 * PHONE["height"]

    germany = page.locator("#m-de")
    expect(germany).to_be_hidden()
    page.get_by_role("button", name="Change the checklist").click()
    expect(germany).to_be_visible()
    expect(germany).to_be_checked()

    contents = page.get_by_role("navigation", name="Contents")
    by_topic = contents.get_by_role("list", name="By topic")
    expect(by_topic).to_be_hidden()
    contents.get_by_role("button", name=re.compile("^Show the contents")).click()
    expect(by_topic).to_be_visible()
    assert overflow(page) <= 0


def test_before_a_preview_the_builder_is_not_folded(page, live_url):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_url}/checklist/")
    expect(page.locator("#m-de")).to_be_visible()
    expect(page.get_by_role("button", name="Change the checklist")).to_have_count(0)
