"""Bulk import from messy real-world CSV and XLSX: every bad row reported, and a bad file changes nothing."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from import_export.formats.base_formats import XLSX

from regulations import models as m
from regulations.importing.formats import SniffedCSV
from regulations.importing.resources import RequirementResource, RuleResource, SourceResource

pytestmark = pytest.mark.django_db

COLUMNS = ["slug", "jurisdiction", "authority", "title", "original_title", "short_name", "citation", "instrument"]
HEADER = ";".join([*COLUMNS, "topics", "adopted_on", "applies_from", "summary"])
TITLE = "车联网数据安全规定 测试"
GOOD = ";".join(
    [
        *["cn-import-test", "cn", "", TITLE, "车联网数据安全规定", "Import Test", "Test Order No. 1", "regulation"],
        *["personal-data,data-security", "25/05/2024", "45658", "Imported for a test."],
    ]
)
DUPLICATE = "eu-duplicate;EU;;Duplicate citation;;;Regulation (EU) 2016/679;regulation;;;2018-05-25;Dup."
UNKNOWN = "xx-rule;XX;;Unknown place;;;Act 1;law;;;2020-01-01;Nowhere."
BAD_DATE = "bad-date;DE;;Bad date;;;Act 2;law;;;next spring;When?"
MESSY_CSV = "\ufeff" + "\r\n".join([HEADER, GOOD, "", ";;;;;;;;;;;", DUPLICATE, UNKNOWN, BAD_DATE]) + "\r\n"


def dataset_from_csv(text: str):
    return SniffedCSV(encoding="utf-8-sig").create_dataset(text.encode("utf-8"))


def messy_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    good = GOOD.split(";")
    good[9], good[10] = dt.date(2024, 5, 25), dt.date(2025, 1, 1)  # real spreadsheet dates
    for row in (good, [None] * 12, DUPLICATE.split(";"), UNKNOWN.split(";"), BAD_DATE.split(";")):
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def row_errors(result) -> dict[int, str]:
    """Every bad row of an import result, by its number in the data, with the messages."""
    errors = {}
    for invalid in result.invalid_rows:
        errors[invalid.number] = " ".join(str(m) for messages in invalid.error_dict.values() for m in messages)
    for number, row_errors_ in result.row_errors():
        errors[number] = " ".join(str(error.error) for error in row_errors_)
    return errors


def test_the_messy_csv_is_read_as_the_user_meant():
    dataset = dataset_from_csv(MESSY_CSV)
    assert dataset.headers[0] == "slug"  # no BOM, semicolons understood
    assert dataset[0][3] == TITLE


def test_dry_run_lists_every_bad_row_with_its_error(curator):
    dataset = dataset_from_csv(MESSY_CSV)
    result = RuleResource().import_data(dataset, dry_run=True, user=curator)
    errors = row_errors(result)
    assert sorted(errors) == [2, 3, 4]  # after the two blank lines are dropped
    assert "Another rule of this jurisdiction has this citation." in errors[2]
    assert "Unknown jurisdiction: XX" in errors[3]
    assert "'next spring' is not a date" in errors[4]
    assert not m.Rule.objects.filter(slug="cn-import-test").exists()


def test_an_import_with_a_bad_row_changes_nothing(curator):
    before = m.Rule.objects.count()
    result = RuleResource().import_data(dataset_from_csv(MESSY_CSV), dry_run=False, user=curator)
    assert result.has_validation_errors() or result.has_errors()
    assert m.Rule.objects.count() == before
    assert not m.Rule.objects.filter(slug="cn-import-test").exists()


def test_a_clean_file_imports_as_drafts_with_excel_dates(curator):
    result = RuleResource().import_data(dataset_from_csv("\r\n".join([HEADER, GOOD])), dry_run=False, user=curator)
    assert not result.has_errors() and not result.has_validation_errors()
    rule = m.Rule.objects.get(slug="cn-import-test")
    assert rule.state == m.CurationState.DRAFT
    assert (rule.adopted_on, rule.applies_from) == (dt.date(2024, 5, 25), dt.date(2025, 1, 1))
    assert rule.jurisdiction.code == "CN"
    assert set(rule.topics.values_list("slug", flat=True)) == {"personal-data", "data-security"}


def test_xlsx_with_real_dates_and_the_same_problems(curator):
    data = XLSX().create_dataset(messy_xlsx())
    result = RuleResource().import_data(data, dry_run=True, user=curator)
    errors = row_errors(result)
    assert sorted(errors) == [2, 3, 4]
    assert "Unknown jurisdiction: XX" in errors[3]


def test_a_curator_may_not_import_changes_to_a_published_rule(curator):
    gdpr = m.Rule.objects.get(slug="eu-gdpr")
    rows = "\r\n".join(["rule,key,reference,kind,obligation", f"{gdpr.slug},new-duty,Art. 99,obligation,Do more."])
    result = RequirementResource().import_data(dataset_from_csv(rows), dry_run=True, user=curator)
    assert "is published: only a reviewer may change it" in " ".join(row_errors(result).values())


def upload(client, content: bytes, name: str, format_index: str):
    return client.post(
        reverse("admin:regulations_rule_import"),
        {"import_file": SimpleUploadedFile(name, content), "format": format_index, "resource": "0"},
    )


def test_the_admin_preview_shows_the_errors_and_offers_no_confirm(curator):
    client = Client()
    client.force_login(curator)
    response = upload(client, MESSY_CSV.encode("utf-8"), "messy.csv", "0")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Unknown jurisdiction: XX" in page
    assert "Another rule of this jurisdiction has this citation." in page
    assert "process_import" not in page  # no confirm form while any row is bad
    assert not m.Rule.objects.filter(slug="cn-import-test").exists()


def test_the_admin_imports_a_clean_file_after_the_preview(curator):
    client = Client()
    client.force_login(curator)
    preview = upload(client, "\r\n".join([HEADER, GOOD]).encode("utf-8"), "clean.csv", "0")
    page = preview.content.decode()
    assert "process_import" in page
    fields = dict(re.findall(r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"', page))
    response = client.post(reverse("admin:regulations_rule_process_import"), fields)
    assert response.status_code == 302
    rule = m.Rule.objects.get(slug="cn-import-test")
    assert rule.state == m.CurationState.DRAFT
    assert rule.history.first().history_user == curator


def test_an_unknown_topic_is_an_error_naming_it(curator):
    row = GOOD.replace("personal-data,data-security", "personal-data, astrology,Telepathy")
    result = RuleResource().import_data(dataset_from_csv("\r\n".join([HEADER, row])), dry_run=False, user=curator)
    errors = row_errors(result)
    assert list(errors) == [1]
    assert "Unknown topics: astrology, telepathy" in errors[1]
    assert not m.Rule.objects.filter(slug="cn-import-test").exists()


def test_a_rule_twice_in_a_file_is_an_error_naming_the_earlier_row(curator):
    again = GOOD.replace("Test Order No. 1", "Test Order No. 2")
    rows = "\r\n".join([HEADER, GOOD, DUPLICATE.replace(";EU;", ";DE;"), again])
    result = RuleResource().import_data(dataset_from_csv(rows), dry_run=False, user=curator)
    errors = row_errors(result)
    assert list(errors) == [3]
    assert "Row 1 of this file has the same slug (cn-import-test)" in errors[3]
    assert not m.Rule.objects.filter(slug="cn-import-test").exists()


def test_a_requirement_twice_in_a_file_is_an_error_naming_the_earlier_row(reviewer):
    rows = "\r\n".join(
        [
            "rule,key,reference,kind,obligation",
            "cn-auto-data-provisions,art-1,Art. 1,obligation,Once.",
            "cn-auto-data-provisions,art-2,Art. 2,obligation,Other.",
            "CN-AUTO-DATA-PROVISIONS,art-1,Art. 1,obligation,Twice.",
        ]
    )
    result = RequirementResource().import_data(dataset_from_csv(rows), dry_run=True, user=reviewer)
    errors = row_errors(result)
    assert list(errors) == [3]
    assert "Row 1 of this file has the same rule and key (cn-auto-data-provisions, art-1)" in errors[3]


def test_a_source_twice_in_a_file_is_an_error_naming_the_earlier_row(reviewer):
    url = "https://example.org/text.html"
    rows = "\r\n".join(
        [
            "rule,url,title",
            f"cn-auto-data-provisions,{url},First",
            f"cn-auto-data-provisions,{url},Second",
        ]
    )
    result = SourceResource().import_data(dataset_from_csv(rows), dry_run=True, user=reviewer)
    errors = row_errors(result)
    assert list(errors) == [2]
    assert f"Row 1 of this file has the same rule and url (cn-auto-data-provisions, {url})" in errors[2]


def test_the_admin_preview_of_a_long_file_gives_its_totals_and_shows_its_first_rows(curator):
    rows = [GOOD.replace("cn-import-test", f"long-{n}").replace("No. 1", f"No. {n}") for n in range(150)]
    client = Client()
    client.force_login(curator)
    page = upload(client, "\r\n".join([HEADER, *rows]).encode("utf-8"), "long.csv", "0").content.decode()
    page = " ".join(page.split())
    assert "150 rows: 150 new, 0 to change, 0 unchanged" in page
    assert "The values of the first 100 rows are shown." in page
    assert "long-99</ins>" in page and "long-100</ins>" not in page
    assert "process_import" in page


def test_an_unknown_column_is_an_error_naming_it(curator):
    rows = "\r\n".join([HEADER.replace("applies_from", "applies_form"), GOOD])
    result = RuleResource().import_data(dataset_from_csv(rows), dry_run=False, user=curator)
    assert "Unknown column: applies_form." in " ".join(str(error.error) for error in result.base_errors)
    assert not m.Rule.objects.filter(slug="cn-import-test").exists()


def test_the_admin_preview_names_an_unknown_column_without_a_traceback(curator):
    client = Client()
    client.force_login(curator)
    content = "\r\n".join([HEADER.replace("topics", "topic"), GOOD]).encode("utf-8")
    page = upload(client, content, "typo.csv", "0").content.decode()
    assert "Unknown column: topic." in page
    assert "Traceback" not in page and "process_import" not in page


def test_a_reviewers_import_into_published_rules_records_the_changes_the_admin_records(reviewer):
    rows = "\r\n".join(["rule,key,reference,kind,obligation", "eu-gdpr,import-duty,Art. 99,obligation,Do more."])
    RequirementResource().import_data(dataset_from_csv(rows), dry_run=False, user=reviewer)
    added = m.ChangeEvent.objects.get(requirement__key="import-duty")
    assert (added.kind, added.by, added.rule.slug) == (m.ChangeKind.REQUIREMENT_ADDED, reviewer, "eu-gdpr")
    assert added.summary == "New requirement in GDPR: Art. 99."
    r155 = m.Rule.objects.get(slug="un-r155")
    rows = "\r\n".join(
        [
            "slug,title,applies_from,applies_until",
            "eu-gdpr,General Data Protection Regulation,2018-05-26,2040-01-01",
            f"un-r155,UN Regulation No. 155 (renamed),{r155.applies_from or ''},{r155.applies_until or ''}",
        ]
    )
    result = RuleResource().import_data(dataset_from_csv(rows), dry_run=False, user=reviewer)
    assert result.totals["update"] == 2
    kinds = set(m.ChangeEvent.objects.filter(rule__slug="eu-gdpr", by=reviewer).values_list("kind", flat=True))
    assert kinds == {m.ChangeKind.REQUIREMENT_ADDED, m.ChangeKind.REPEALED, m.ChangeKind.DATES_AMENDED}
    assert not m.ChangeEvent.objects.filter(rule=r155, by=reviewer).exists()  # a new title is no public change


def test_a_preview_records_no_change(reviewer):
    rows = "\r\n".join(["rule,key,reference,kind,obligation", "eu-gdpr,import-duty,Art. 99,obligation,Do more."])
    RequirementResource().import_data(dataset_from_csv(rows), dry_run=True, user=reviewer)
    assert not m.ChangeEvent.objects.filter(by=reviewer).exists()
