"""Firms' readiness in the browser: the company page and the matrix, with screenshots kept as artefacts."""

from playwright.sync_api import expect

from .conftest import RESULTS, overflow

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


def test_the_matrix_shows_only_firms_in_its_markets_with_a_legend_sticky_headers_and_a_readable_trend(page, live_url):
    """Issue 13, item 7: no rows of "not a market", a legend, headers that stay, a trend with its values."""
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_url}/readiness/?j=cn&j=de&j=fr")
    matrix = page.locator("table.kb-matrix")
    for row in matrix.locator("tbody tr").all():
        cells = row.locator("td").all_inner_texts()[1:]
        assert any(cell.strip() != "not a market" for cell in cells), row.inner_text()
    expect(page.locator(".kb-legend")).to_contain_text("80% met or more")
    expect(page.get_by_text("left out; add a column to see more")).to_be_visible()

    region = page.get_by_role("region", name="Readiness matrix")
    header = matrix.locator("thead th").nth(2)
    before = header.bounding_box()["y"]
    region.evaluate("element => element.scrollBy(0, 400)")
    assert abs(header.bounding_box()["y"] - before) < 2  # the column headings stay in view

    sample = matrix.locator("tr", has=page.get_by_role("link", name="Example Motors (fictional)"))
    expect(sample.locator(".kb-trend-text")).to_contain_text("→")
    expect(sample.locator("svg.kb-trend")).to_contain_text("100%")
    assert overflow(page) <= 0  # nothing cut off at the right of a 1366 px screen
