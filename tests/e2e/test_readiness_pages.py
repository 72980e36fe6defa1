"""Firms' readiness in the browser: the company page and the matrix, with screenshots kept as artefacts."""

from playwright.sync_api import expect

from .conftest import RESULTS

SCREENSHOTS = RESULTS / "screenshots"


def test_company_page_drills_into_the_requirements_behind_a_figure(page, live_url):
    page.goto(f"{live_url}/companies/example-motors/")
    expect(page.locator(".alert.kb-sample")).to_contain_text("Fictional firm.")
    expect(page.locator("#markets-heading")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "company-page.png", full_page=True)

    china = page.locator("tr", has=page.get_by_role("link", name="China", exact=True))
    china.locator("a[href*='status=partly_met']").click()
    expect(page.locator("#drilldown")).to_contain_text("Partly met in China")
    expect(page.locator("table").last).to_contain_text("via UN R156")
    expect(page.locator("table").last).to_contain_text("illustrative sample")


def test_readiness_matrix_is_a_heat_map_with_text(page, live_url):
    page.goto(f"{live_url}/readiness/?j=cn&j=de&j=fr")
    row = page.locator("tr", has=page.get_by_role("link", name="Example Motors (fictional)"))
    expect(row).to_contain_text("% met")
    expect(row).to_contain_text("illustrative sample")
    expect(row.locator("svg.kb-trend")).to_have_attribute("role", "img")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "readiness-matrix.png", full_page=True)

    page.select_option("#id_view", "topics")
    page.select_option("#id_j", "DE")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("caption")).to_contain_text("Firms by topic in Germany")
