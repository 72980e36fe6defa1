"""The site works under its Content-Security-Policy: nothing inline, nothing from elsewhere, the admin included.

The page fixture (conftest.py) fails any test during which the browser reported a violation.
"""

import re

from playwright.sync_api import expect

from .conftest import is_csp_report

INLINE_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.inlineRan = true";
  document.body.append(script);
}"""


def test_pages_run_under_the_policy_and_a_violation_is_caught(page, live_url, csp_violations):
    response = page.goto(f"{live_url}/rules/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    with page.expect_console_message(lambda message: is_csp_report(message.text)):
        page.evaluate(INLINE_SCRIPT)
    assert page.evaluate("window.inlineRan") is None
    assert any("script-src" in violation for violation in csp_violations)
    csp_violations.clear()  # the one this test provoked on purpose


def test_the_admin_works_under_the_policy(admin_page, live_url):
    page = admin_page
    page.goto(f"{live_url}/admin/regulations/rule/?q=R155")
    page.locator("#result_list tbody tr th a").first.click()
    expect(page.locator("#rule_form")).to_be_visible()
    page.locator(".datetimeshortcuts a", has_text="Today").first.click()  # the admin's date widget script
    page.locator(".select2-selection").first.click()  # an autocomplete opens and asks the server
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")
    page.locator(".add-row a").filter(visible=True).first.click()  # an inline row added by the admin's script
    page.get_by_role("link", name="History").click()
    expect(page).to_have_url(re.compile(r"/history/"))

    for path in ("regulations/rule/import/", "regulations/assessment/add/", "axes/accessattempt/"):
        page.goto(f"{live_url}/admin/{path}")
        expect(page.locator("#content")).to_be_visible()


def test_a_locked_out_sign_in_is_told_why_under_the_policy(page, live_url):
    page.goto(f"{live_url}/admin/login/")
    for attempt in range(5):  # the default LOGIN_FAILURE_LIMIT
        page.locator("#id_username").fill("nobody-e2e")
        page.locator("#id_password").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Too many failed sign-in attempts")
    expect(page.locator("#content-main")).to_contain_text("locked for 15 minutes")
