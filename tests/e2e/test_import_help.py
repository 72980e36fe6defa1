"""The rule import page helps prepare a file: template downloads, what files it reads, what it does to
published rules; the downloaded template previews without errors; axe finds nothing serious (issue 13, item 12)."""

import openpyxl
from playwright.sync_api import expect

from regulations.importing.resources import RuleResource
from tests.e2e.conftest import axe_violations

COLUMNS = [field.column_name for field in RuleResource().get_import_fields()]


def test_the_rule_import_page_offers_templates_and_says_what_it_reads(admin_page, live_url, tmp_path):
    page = admin_page
    page.goto(f"{live_url}/admin/regulations/rule/import/")
    help_section = page.locator("#import-help")
    for text in (
        "comma, semicolon, tab, pipe",
        "UTF-8, with or without a BOM",
        "UTF-16 with its BOM",
        "Windows-1252",
        "YYYY-MM-DD",
        "A row whose slug names an existing rule changes it",
        "New rules start as drafts",
        "A row that changes a published rule is an error unless you may publish rules",
    ):
        expect(help_section).to_contain_text(text)
    expect(page.locator("select")).to_have_count(0)  # no "---" format select: the extension says the format
    expect(page.get_by_label("File to import (CSV or XLSX)")).to_be_visible()
    assert axe_violations(page) == []

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Rules template (XLSX)").click()
    xlsx = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(xlsx)
    assert xlsx.name == "rules-import-template.xlsx"
    workbook = openpyxl.load_workbook(xlsx)
    assert [cell.value for cell in workbook.worksheets[0][1]] == COLUMNS
    assert workbook.sheetnames[1] == "How to fill"

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Rules template (CSV)").click()
    csv_file = tmp_path / csv_download.value.suggested_filename
    csv_download.value.save_as(csv_file)
    page.get_by_label("File to import (CSV or XLSX)").set_input_files(csv_file)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    expect(page.locator("#content")).to_contain_text("1 row: 0 new, 0 to change, 1 unchanged")
    expect(page.locator(".errornote, .errorlist, .import-error-li")).to_have_count(0)
    expect(page.get_by_role("button", name="Confirm import")).to_be_visible()
    assert axe_violations(page) == []
