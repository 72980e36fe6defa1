"""Import help: a template file per model (the resource's columns, an example row that round-trips), the
upload form without a format select, and files in an encoding we cannot read refused with a clear message."""

import csv
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regulations import models as m
from regulations.importing.formats import SniffedCSV
from regulations.importing.resources import RequirementResource, RuleResource, SourceResource
from regulations.importing.templates import EXAMPLE_SLUG, EXAMPLE_TEXT

pytestmark = pytest.mark.django_db

RESOURCES = {"rule": RuleResource, "requirement": RequirementResource, "source": SourceResource}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_NAMES = {"rule": "rules-import-template", "requirement": "requirements-import-template"}
CP1252_ROW = "slug,jurisdiction,title,instrument,summary\r\ncp1252-rule,FR,Règlement à l'essai,law,Résumé.\r\n"
ACCENTED = "Règlement sur les données à l'essai"


@pytest.fixture
def curator_client(curator):
    client = Client(raise_request_exception=False)
    client.force_login(curator)
    return client


def columns(model_name: str) -> list[str]:
    return [field.column_name for field in RESOURCES[model_name]().get_import_fields()]


def download(client, model_name: str, extension: str):
    return client.get(reverse(f"admin:regulations_{model_name}_import_template", kwargs={"extension": extension}))


def read_rows(content: bytes, extension: str) -> list[list[str]]:
    if extension == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def upload(client, model_name: str, content: bytes, name: str):
    return client.post(
        reverse(f"admin:regulations_{model_name}_import"),
        {"import_file": SimpleUploadedFile(name, content), "resource": "0"},
    )


def preview_totals(page: str) -> str:
    found = re.search(r"\d+ rows?: \d+ new,\s+\d+ to change, \d+ unchanged", page)
    return " ".join(found.group().split()) if found else page


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize("model_name", list(RESOURCES))
def test_the_template_holds_the_resources_columns_in_order(curator_client, model_name, extension):
    response = download(curator_client, model_name, extension)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[extension]
    stem = FILE_NAMES.get(model_name, f"{model_name}s-import-template")
    assert response["Content-Disposition"] == f'attachment; filename="{stem}.{extension}"'
    header, example = read_rows(response.content, extension)
    assert header == columns(model_name)
    assert len(example) == len(header)
    if extension == "csv":
        assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
        assert b";" not in response.content.splitlines()[0]  # comma-separated


@pytest.mark.parametrize("model_name", list(RESOURCES))
def test_the_xlsx_template_has_a_frozen_bold_header_and_a_how_to_fill_sheet(curator_client, model_name):
    workbook = openpyxl.load_workbook(io.BytesIO(download(curator_client, model_name, "xlsx").content))
    sheet, guide = workbook.worksheets
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert all(sheet.column_dimensions[cell.column_letter].width >= len(cell.value) for cell in sheet[1])
    assert guide.title == "How to fill"
    assert [cell.value for cell in guide[1]] == ["Column", "Required", "Format", "Allowed values", "Notes"]
    lines = {row[0]: row for row in guide.iter_rows(min_row=2, max_row=len(columns(model_name)) + 1, values_only=True)}
    assert list(lines) == columns(model_name)  # one line per column, in order
    if model_name == "rule":
        assert lines["slug"][1] == "yes (identifies the row)"
        assert lines["title"][1] == "yes" and lines["original_title"][1] == "no"
        assert "YYYY-MM-DD" in lines["applies_from"][2]
        assert "regulation (Regulation)" in lines["instrument"][3]
        assert set(m.Topic.objects.values_list("slug", flat=True)) <= set(lines["topics"][3].split(", "))
        assert lines["level_min"][2] == "a whole number from 0 to 5"
    if model_name == "requirement":
        assert lines["kind"][1] == "no (default: obligation)"


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
@pytest.mark.parametrize("model_name", list(RESOURCES))
def test_the_unchanged_template_previews_as_one_unchanged_published_row(curator_client, model_name, extension):
    """The example is a real published row: a curator's upload of it passes every check and changes nothing."""
    template = download(curator_client, model_name, extension)
    example = read_rows(template.content, extension)[1]
    assert EXAMPLE_TEXT not in example
    response = upload(curator_client, model_name, template.content, f"template.{extension}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Errors" not in page and "errornote" not in page
    assert preview_totals(page) == "1 row: 0 new, 0 to change, 1 unchanged"
    assert "process_import" in page  # the confirm form: every row is good


def test_the_rule_example_is_a_published_rule_without_internal_notes(curator_client):
    slug = read_rows(download(curator_client, "rule", "csv").content, "csv")[1][0]
    rule = m.Rule.objects.get(slug=slug)
    assert rule.state == m.CurationState.PUBLISHED
    assert rule.internal_notes == ""


@pytest.mark.parametrize("model_name", list(RESOURCES))
def test_without_published_rules_the_example_is_marked_and_still_previews(curator_client, model_name):
    m.Rule.objects.update(state=m.CurationState.DRAFT)
    template = download(curator_client, model_name, "xlsx")
    header, example = read_rows(template.content, "xlsx")
    row = dict(zip(header, example, strict=True))
    marked = {"rule": row.get("title"), "requirement": row.get("obligation"), "source": row.get("url")}
    assert marked[model_name] == EXAMPLE_TEXT or "example.org/replace-this-row" in marked[model_name]
    assert EXAMPLE_SLUG in example or model_name == "source"
    guide = openpyxl.load_workbook(io.BytesIO(template.content))["How to fill"]
    assert any("replace it with your own rows" in str(cell.value) for cell in guide["A"])
    before = m.Rule.objects.count(), m.Requirement.objects.count(), m.Source.objects.count()
    response = upload(curator_client, model_name, template.content, "template.xlsx")
    page = response.content.decode()
    assert response.status_code == 200
    assert preview_totals(page) == "1 row: 1 new, 0 to change, 0 unchanged"
    assert "process_import" in page
    assert (m.Rule.objects.count(), m.Requirement.objects.count(), m.Source.objects.count()) == before


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_templates_need_the_import_permission(client, django_user_model, analyst, extension):
    url = reverse("admin:regulations_rule_import_template", kwargs={"extension": extension})
    assert client.get(url).status_code == 302  # signed out: to the login page
    member = django_user_model.objects.create_user("member", "member@example.org", "a-long-test-password")
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]  # not staff
    client.force_login(analyst)  # staff who may view rules but not add them
    assert client.get(url).status_code == 403


def test_template_downloads_cost_the_same_queries_whatever_the_rows(curator_client):
    def queries() -> list[int]:
        counts = []
        for model_name in RESOURCES:
            with CaptureQueriesContext(connection) as captured:
                assert download(curator_client, model_name, "xlsx").status_code == 200
            counts.append(len(captured))
        with CaptureQueriesContext(connection) as captured:
            assert curator_client.get(reverse("admin:regulations_rule_import")).status_code == 200
        return [*counts, len(captured)]

    before = queries()
    m.Topic.objects.bulk_create([m.Topic(slug=f"extra-topic-{n}", name=f"Extra topic {n}") for n in range(30)])
    rule = m.Rule.objects.filter(state=m.CurationState.PUBLISHED).first()
    m.Source.objects.bulk_create([m.Source(rule=rule, url=f"https://example.org/extra/{n}") for n in range(30)])
    assert queries() == before


def test_the_upload_form_asks_for_the_file_alone(curator_client):
    page = curator_client.get(reverse("admin:regulations_rule_import")).content.decode()
    assert 'name="format"' not in page and "---" not in page
    assert 'accept=".csv,.tsv,.txt,.xlsx"' in page
    assert "comma, semicolon, tab, pipe" in page
    assert "YYYY-MM-DD (also DD/MM/YYYY, DD.MM.YYYY, DD-MM-YYYY)" in page
    assert "New rules start as drafts" in page and "Can publish rules" in page


def test_a_file_that_is_neither_csv_nor_xlsx_answers_400(curator_client):
    response = upload(curator_client, "rule", b"slug\r\nx\r\n", "rules.xls")
    assert response.status_code == 400
    assert "rules.xls is neither CSV nor XLSX" in response.content.decode()


def test_a_cp1252_csv_is_refused_with_the_line_and_byte(curator_client):
    response = upload(curator_client, "rule", CP1252_ROW.encode("cp1252"), "rules.csv")
    page = response.content.decode()
    assert response.status_code == 400
    assert "The file is not UTF-8 text: byte 0xE8 on line 2" in page
    assert "CSV UTF-8" in page
    assert not m.Rule.objects.filter(slug="cp1252-rule").exists()


def test_the_import_command_refuses_a_cp1252_csv_the_same_way(tmp_path, curator):
    path = tmp_path / "rules.csv"
    path.write_bytes(CP1252_ROW.encode("cp1252"))
    with pytest.raises(CommandError, match="byte 0xE8 on line 2"):
        call_command("import_content", "rules", str(path), user=curator.username)
    assert not m.Rule.objects.filter(slug="cp1252-rule").exists()


def test_utf16_without_a_bom_is_refused(curator_client):
    response = upload(curator_client, "rule", "slug,title\r\nplain-rule,Plain\r\n".encode("utf-16-le"), "rules.txt")
    assert response.status_code == 400
    assert "probably UTF-16 without a BOM" in response.content.decode()


def test_excels_unicode_text_imports_its_accents_exactly(curator_client):
    """Excel's "Unicode Text": UTF-16 with a BOM, tab-separated, saved as .txt."""
    rows = ["slug\tjurisdiction\ttitle\tinstrument\tsummary", f"utf16-rule\tFR\t{ACCENTED}\tlaw\tRésumé."]
    content = "\r\n".join(rows).encode("utf-16")
    assert content.startswith(b"\xff\xfe")
    preview = upload(curator_client, "rule", content, "rules.txt")
    page = preview.content.decode()
    assert preview.status_code == 200
    assert preview_totals(page) == "1 row: 1 new, 0 to change, 0 unchanged"
    fields = dict(re.findall(r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"', page))
    assert curator_client.post(reverse("admin:regulations_rule_process_import"), fields).status_code == 302
    assert m.Rule.objects.get(slug="utf16-rule").title == ACCENTED


def test_columns_left_out_keep_their_values(curator):
    """As the import page says: a file of some columns changes those and leaves the rest as they are."""
    rule = m.Rule.objects.exclude(topics=None).first()
    m.Rule.objects.filter(pk=rule.pk).update(state=m.CurationState.DRAFT)
    topics, summary = set(rule.topics.all()), rule.summary
    data = SniffedCSV().create_dataset(f"slug,title\r\n{rule.slug},A new title\r\n".encode())
    result = RuleResource().import_data(data, dry_run=False, user=curator)
    assert not result.has_errors() and not result.has_validation_errors()
    rule.refresh_from_db()
    assert (rule.title, rule.summary, set(rule.topics.all())) == ("A new title", summary, topics)
