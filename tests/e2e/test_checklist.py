"""A compliance officer builds a checklist for two markets and downloads it for Excel."""

import re

import openpyxl
from playwright.sync_api import expect


def test_build_preview_and_download_an_xlsx_checklist(page, live_url, tmp_path):
    page.goto(f"{live_url}/checklist/")
    page.locator("#m-de").check()
    page.locator("#m-fr").check()
    page.locator("#t-cybersecurity").check()
    page.get_by_role("button", name="Preview checklist").click()

    expect(page).to_have_url(re.compile(r"applies_in=DE"))
    expect(page).to_have_url(re.compile(r"applies_in=FR"))
    expect(page).to_have_url(re.compile(r"topic=cybersecurity"))
    expect(page.locator("#checklist-heading")).to_contain_text("in 2 markets")
    expect(page.locator("h3", has_text="Germany, France")).to_be_visible()  # what both require, once
    expect(page.locator("h3", has_text="France")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value
    assert re.fullmatch(r"checklist-de-fr-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Checklist"]
    assert sheet["A1"].value == "Applies in"
    assert {row[0].value for row in sheet.iter_rows(min_row=2)} >= {"DE, FR"}


def test_the_checklist_prints_without_the_builder(page, live_url):
    page.goto(f"{live_url}/checklist/?applies_in=de&topic=cybersecurity")
    page.emulate_media(media="print")
    expect(page.locator("form.kb-builder")).to_be_hidden()
    expect(page.locator(".kb-header")).to_be_hidden()
    expect(page.locator("#checklist-heading")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_a_long_preview_has_contents_aligned_columns_and_rules_that_fold(page, live_url):
    """Issue 13, item 5: a two-market checklist can be found in, read down and folded."""
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_url}/checklist/?applies_in=de&applies_in=fr")
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link", name="France", exact=True)).to_be_visible()

    rules = page.locator("details.kb-checklist-rule")
    assert rules.count() > 10
    last = rules.last
    target = last.get_attribute("id")
    contents.get_by_role("list", name="By market and rule").locator(f"a[href='#{target}']").click()
    expect(page).to_have_url(re.compile(rf"#{target}$"))
    expect(last.locator("summary")).to_be_in_viewport()

    columns = [table.locator("thead th").nth(1).bounding_box() for table in (rules.first, last)]
    assert abs(columns[0]["x"] - columns[1]["x"]) < 1 and abs(columns[0]["width"] - columns[1]["width"]) < 1

    first_table = rules.first.locator("table")
    expect(first_table).to_be_visible()
    rules.first.locator("summary").click()
    expect(first_table).to_be_hidden()


def test_the_contents_index_the_preview_by_topic_and_jump_to_each_rule(page, live_url):
    """Issue 13, item 5: the contents index by topic too, each topic listing its rules in every market."""
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_url}/checklist/?applies_in=de&applies_in=fr")
    by_topic = page.get_by_role("navigation", name="Contents").get_by_role("list", name="By topic")
    topics = by_topic.locator("details")
    expect(topics.first).to_be_visible()
    names = [summary.inner_text().split("\n")[0] for summary in topics.locator("summary").all()]
    assert "Event data recording" in " ".join(names) and "Cybersecurity" in " ".join(names)

    recording = topics.filter(has=page.locator("summary", has_text="Event data recording"))
    link = recording.get_by_role("link").last
    expect(link).to_be_hidden()  # folded until asked for
    recording.locator("summary").click()
    expect(link).to_be_visible()
    expect(recording).to_contain_text(re.compile(r"\b(DE|FR)\b"))
    target = link.get_attribute("href")
    link.click()
    expect(page).to_have_url(re.compile(rf"{target}$"))
    rule = page.locator(target)
    expect(rule.locator("summary")).to_be_in_viewport()
    expect(rule.locator("table")).to_contain_text("Event data recording")
