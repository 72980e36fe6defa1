"""axe-core finds no serious or critical violation on the admin pages curators use (issue 13, item 9).

Lists (filtered too), change forms with every kind of inline, a row added by the inline script, an
autocomplete opened, the import page, history and the comparison of two versions.
"""

import re

from playwright.sync_api import expect

from .conftest import axe_violations

LISTS = [
    "/admin/regulations/rule/",
    "/admin/regulations/rule/?state__exact=in_review&q=data",
    "/admin/regulations/requirement/?reference_checked__exact=0",
    "/admin/regulations/source/",
    "/admin/regulations/jurisdiction/",
    "/admin/regulations/assessment/",
    "/admin/regulations/rule/curation/",
    "/admin/regulations/rule/import/",
    "/admin/regulations/rule/add/",
    "/admin/regulations/assessment/add/",
    "/admin/regulations/programme/",
    "/admin/regulations/programme/add/",  # its target markets (tabular inline)
]
# A change form of each model with inlines, found by searching its list.
CHANGE_FORMS = [
    ("rule", "R155"),  # requirements (stacked), sources, milestones and relations (tabular)
    ("requirement", "Art. 37"),
    ("jurisdiction", "Germany"),  # memberships
    ("company", "BYD"),  # markets (tabular), public records (stacked)
    ("user", "e2e-admin"),  # Django's own: date-and-time boxes, the two-list permission selector
]


def violations_on(page) -> list[dict]:
    return [{"url": page.url, **violation} for violation in axe_violations(page)]


def open_change_form(page, live_url, model, query):
    app = "auth" if model == "user" else "regulations"
    page.goto(f"{live_url}/admin/{app}/{model}/?q={query}")
    page.locator("#result_list tbody tr th a").first.click()
    expect(page.locator(f"#{model}_form")).to_be_visible()


def test_admin_lists_and_forms_have_no_serious_violations(admin_page, live_url):
    found = []
    for path in LISTS:
        admin_page.goto(f"{live_url}{path}")
        found += violations_on(admin_page)
    assert found == []


def test_change_forms_with_inlines_have_no_serious_violations(admin_page, live_url):
    found = []
    for model, query in CHANGE_FORMS:
        open_change_form(admin_page, live_url, model, query)
        found += violations_on(admin_page)
    assert found == []


def test_rows_added_and_autocompletes_opened_are_named(admin_page, live_url):
    page = admin_page
    open_change_form(page, live_url, "rule", "R155")
    for group in ("#sources-group", "#milestones-group", "#outgoing_relations-group"):
        page.locator(f"{group} .add-row a").click()
    new_milestone = page.locator("#milestones-group tr.dynamic-milestones").last
    expect(new_milestone.get_by_role("combobox", name="Requirement")).to_be_visible()
    expect(new_milestone.get_by_role("checkbox", name="Delete this milestone")).to_have_count(0)  # new rows: a link
    expect(page.locator("#sources-group").get_by_role("checkbox", name="Delete this source").first).to_be_visible()
    page.locator("#id_topics").locator("xpath=following-sibling::span[1]").get_by_role("searchbox").click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    assert violations_on(page) == []


def test_history_and_the_comparison_of_two_versions_have_no_serious_violations(admin_page, live_url):
    page = admin_page
    open_change_form(page, live_url, "rule", "R155")
    page.get_by_role("link", name="History").click()
    assert violations_on(page) == []

    page.goto(f"{live_url}/admin/regulations/rule/?state__exact=in_review")
    page.locator("#result_list tbody tr th a").first.click()
    page.locator("#id_internal_notes").fill("A note to make a second version (e2e accessibility test).")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.get_by_role("link", name="History").click()
    page.get_by_role("button", name=re.compile("Compare")).click()
    expect(page.get_by_role("heading", name=re.compile("Compare versions"))).to_be_visible()
    assert violations_on(page) == []
