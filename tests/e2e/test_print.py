"""Printing and PDF downloads (issue 13, item 8): what a browser prints, and the PDF links."""

import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import axe_violations, overflow

CHECKLIST = "/checklist/?applies_in=de&applies_in=fr"
A4_LANDSCAPE, A4_PORTRAIT = (842, 595), (595, 842)
PDF_TIMEOUT = 90_000  # WeasyPrint lays out a few pages a second on a busy machine
# Every table inside a rule's <details> has a height: its rows are shown, folded or not.
HIDDEN_RULE_TABLES = "[...document.querySelectorAll('details.kb-checklist-rule table')].filter(t => !t.offsetHeight)"


def page_sizes(pdf: bytes) -> set[tuple[int, int]]:
    return {tuple(round(float(side)) for side in page.mediabox[2:]) for page in PdfReader(io.BytesIO(pdf)).pages}


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def chrome_is_hidden(page) -> None:
    for selector in (".kb-header", ".kb-footer-links", "main form", ".breadcrumb"):
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()


def test_a_checklist_prints_landscape_with_a_wide_obligation_and_every_rule_unfolded(page, live_url):
    page.goto(f"{live_url}{CHECKLIST}")
    rules = page.locator("details.kb-checklist-rule")
    assert rules.count() > 10
    for rule in (rules.nth(0), rules.nth(3)):
        rule.locator("summary").click()
    expect(rules.nth(3).locator("table")).to_be_hidden()
    folded_obligation = rules.nth(3).locator("tbody tr td").nth(1).inner_text().split("\n")[0]

    page.emulate_media(media="print")
    chrome_is_hidden(page)
    expect(page.locator(".kb-toc")).to_be_hidden()
    expect(page.get_by_role("group", name="Export")).to_be_hidden()
    expect(page.locator("#checklist-heading")).to_be_visible()
    assert page.evaluate(HIDDEN_RULE_TABLES) == []
    expect(rules.nth(3).locator("table")).to_be_visible()

    table = rules.first.locator("table").bounding_box()
    reference, obligation = (rules.first.locator("thead th").nth(n).bounding_box() for n in (0, 1))
    assert reference["width"] < obligation["width"] / 2
    assert obligation["width"] >= 0.35 * table["width"]
    assert reference["width"] >= 0.08 * table["width"]  # not squeezed to a few characters either

    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    assert page_sizes(pdf) == {A4_LANDSCAPE}
    text = text_of(pdf)
    assert "Requirement checklist" in text and "Contents" not in text and "Preview checklist" not in text
    assert folded_obligation[:60] in text  # a folded rule is printed whole


def test_before_print_unfolds_the_folded_rules_and_after_print_folds_them_back(page, live_url):
    """For browsers without ::details-content, kb.js opens folded rules for the print only."""
    page.goto(f"{live_url}{CHECKLIST}")
    rules = page.locator("details.kb-checklist-rule")
    rules.nth(1).locator("summary").click()
    assert page.evaluate("document.querySelectorAll('details.kb-checklist-rule:not([open])').length") == 1
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate("document.querySelectorAll('details.kb-checklist-rule:not([open])').length") == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    expect(rules.nth(1)).not_to_have_attribute("open", "")
    expect(rules.nth(0)).to_have_attribute("open", "")


def test_a_rule_page_prints_its_content_without_the_site_chrome(page, live_url):
    page.goto(f"{live_url}/rules/eu-gdpr/")
    page.emulate_media(media="print")
    chrome_is_hidden(page)
    expect(page.get_by_role("heading", name="Requirements")).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    table = page.locator(".kb-requirements-table")
    reference, obligation = (table.locator("thead th").nth(n).bounding_box() for n in (0, 1))
    assert reference["width"] < obligation["width"] / 2
    assert obligation["width"] >= 0.35 * table.bounding_box()["width"]
    source = page.locator("#sources-heading + ul a").first
    spelled = source.evaluate("a => getComputedStyle(a, '::after').content")
    assert source.get_attribute("href") in spelled  # the source's address is printed beside it
    assert page_sizes(page.pdf(prefer_css_page_size=True)) == {A4_PORTRAIT}


def test_a_profile_prints_its_content_without_the_site_chrome(page, live_url):
    page.goto(f"{live_url}/jurisdictions/de/")
    page.emulate_media(media="print")
    chrome_is_hidden(page)
    expect(page.locator(".kb-profile-pdf")).to_be_hidden()
    expect(page.locator("#rules-heading")).to_be_visible()
    expect(page.get_by_role("link", name="GDPR", exact=True).first).to_be_visible()
    expect(page.locator("#deadlines-heading")).to_be_visible()


def test_the_checklist_builder_offers_a_pdf_that_downloads(page, live_url, tmp_path):
    page.goto(f"{live_url}/checklist/?applies_in=de&topic=cybersecurity")
    with page.expect_download(timeout=PDF_TIMEOUT) as download_info:
        page.get_by_role("group", name="Export").get_by_role("link", name="PDF").click()
    download = download_info.value
    assert re.fullmatch(r"checklist-de-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    pdf = path.read_bytes()
    assert page_sizes(pdf) == {A4_LANDSCAPE}
    cover = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Requirement checklist" in cover and "Applies in Germany (DE)" in cover and "Page 1 of" in cover


def test_the_profile_offers_a_pdf_that_downloads_on_a_desktop_and_a_phone(page, live_url, tmp_path):
    page.goto(f"{live_url}/jurisdictions/de/")
    assert axe_violations(page) == []
    with page.expect_download(timeout=PDF_TIMEOUT) as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert re.fullmatch(r"profile-de-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert page_sizes(path.read_bytes()) == {A4_LANDSCAPE}
    assert "Market profile: Germany (DE)" in text_of(path.read_bytes())

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_url}/jurisdictions/de/")
    expect(page.get_by_role("link", name="Download PDF")).to_be_in_viewport()
    assert overflow(page) <= 0
