"""The provision matrix and its maps in the browser (issue 16): maps render, link to profiles, say it in text."""

from playwright.sync_api import expect

from .conftest import RESULTS

SCREENSHOTS = RESULTS / "screenshots"


def test_the_map_shades_countries_links_them_and_has_a_text_equivalent(page, live_url):
    page.goto(f"{live_url}/provisions/map/?q=csms-type-approval")
    world = page.locator("svg.kb-map-world")
    expect(world).to_be_visible()
    assert world.bounding_box()["width"] > 600
    assert page.locator("svg.kb-map-world path.kb-prov-yes").count() >= 20
    expect(page.locator("svg.kb-map-europe path[data-code='DE']")).to_be_visible()
    expect(page.locator("#map-table-caption")).to_contain_text("text equivalent")
    expect(page.locator("tr[data-code='DE']")).to_contain_text("Yes")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "provision-map.png", full_page=True)

    page.locator("svg.kb-map-europe path[data-code='DE']").click()
    expect(page).to_have_url(f"{live_url}/jurisdictions/de/")
    expect(page.locator("#answers-heading")).to_be_visible()


def test_the_matrix_keeps_the_chosen_columns_and_downloads_from_the_page(page, live_url):
    page.goto(f"{live_url}/provisions/?j=cn&j=de&j=jp&domain=cross-border-data-transfer")
    headers = page.locator("table.kb-provisions thead th[data-code]")
    expect(headers).to_have_count(3)
    assert [headers.nth(i).get_attribute("data-code") for i in range(3)] == ["CN", "DE", "JP"]
    expect(page.locator("tr[data-question='vehicle-data-localisation']")).to_contain_text("China")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "provisions.csv"


def test_the_jurisdiction_list_shows_the_coverage_map(page, live_url):
    page.goto(f"{live_url}/jurisdictions/")
    expect(page.locator("svg.kb-map-world path.kb-cov-covered").first).to_be_visible()
