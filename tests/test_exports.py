"""Checklist exports: one builder, four writers, the same rows read back from every file."""

import csv
import datetime as dt
import io
import json
import re

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from pypdf import PdfReader

from regulations import models as m
from regulations.views.checklist import PREVIEW_ROWS

from .factories import (
    AssessmentFactory,
    CompanyFactory,
    JurisdictionFactory,
    RequirementFactory,
    RuleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("regulations:checklist")
ON = "2026-11-25"
PARAMS = {"applies_in": ["de", "jp"], "on": ON}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def unguard(text: str) -> str:
    return text[1:] if text[:2] in {"'=", "'+", "'-", "'@"} else text


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return [[unguard(cell) for cell in row] for row in table]


def read_xlsx(data: bytes) -> list[list[str]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Checklist"]
    table = []
    for row in sheet.iter_rows():
        values = []
        for cell in row:
            value = cell.value
            if isinstance(value, dt.datetime):
                value = value.date().isoformat()
            values.append("" if value is None else str(value))
        table.append(values)
    return table


def read_json(data: bytes) -> list[list[str]]:
    document = json.loads(data)
    keys = [column["key"] for column in document["columns"]]
    titles = [column["title"] for column in document["columns"]]
    assert document["row_count"] == len(document["rows"])
    return [titles] + [["" if row[k] is None else str(row[k]) for k in keys] for row in document["rows"]]


def read_markdown(data: bytes, titles: list[str]) -> list[list[str]]:
    table, code = [titles], None
    for line in data.decode().splitlines():
        heading = re.match(r"^## .*\((?P<code>[A-Z0-9, -]+)\)$", line)
        if heading:
            code = heading["code"]
        elif line.startswith("| ") and code and not line.startswith(f"| {titles[1]} |"):
            cells = [c.strip().replace("\\|", "|").replace("\\\\", "\\") for c in re.split(r"(?<!\\) \| ", line[2:-2])]
            table.append([code, *cells])
    return table


@pytest.fixture
def tricky_rule():
    """A rule in Germany with Chinese text and a cell a spreadsheet would run as a formula."""
    rule = RuleFactory(
        jurisdiction=m.Jurisdiction.objects.get(code="DE"),
        title="汽车数据 test act | with a pipe",
        citation='=HYPERLINK("http://evil.example")',
    )
    SourceFactory(rule=rule)
    RequirementFactory(rule=rule, obligation="@SUM(A1:A9) then line one\nline two", evidence="-1 safeguards")
    return rule


def test_every_format_holds_the_same_rows(client, tricky_rule):
    """The data formats, cell for cell; the PDF lays rows out for reading (tests/test_pdf.py compares it)."""
    got = {fmt: client.get(URL, {**PARAMS, "format": fmt}) for fmt in ("csv", "xlsx", "json", "md")}
    for response in got.values():
        assert response.status_code == 200
    from_csv = read_csv(body(got["csv"]))
    titles = from_csv[0]
    from_xlsx = read_xlsx(body(got["xlsx"]))
    from_json = read_json(body(got["json"]))
    from_markdown = read_markdown(body(got["md"]), titles)
    assert len(from_csv) > 100
    assert from_xlsx == from_csv
    assert from_json == from_csv
    flat = [[cell.replace("\n", " ") for cell in row] for row in from_csv]
    assert from_markdown == flat
    assert any("汽车数据" in cell for row in from_csv for cell in row)


def test_csv_streams_with_a_bom_and_guards_formulas(client, tricky_rule):
    response = client.get(URL, {**PARAMS, "format": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'-1 safeguards" in text
    assert ",=HYPERLINK" not in text


def test_xlsx_is_made_for_work(client, tricky_rule):
    response = client.get(URL, {**PARAMS, "company": CompanyFactory(slug="acme").slug, "format": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
    assert workbook.sheetnames == ["About this checklist", "Checklist"]
    cover = {row[0].value: row[1].value for row in workbook["About this checklist"].iter_rows(min_row=2)}
    assert cover["Applies in"] == "Germany (DE), Japan (JP)"
    assert cover["On"] == ON and cover["Company"].startswith("Test Motors")
    assert int(cover["Rows"]) > 100 and cover["Content version"] and cover["Generated"]
    sheet = workbook["Checklist"]
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{sheet.max_row}"
    status = openpyxl.utils.get_column_letter(header.index("Status") + 1)
    validation = sheet.data_validations.dataValidation[0]
    assert validation.type == "list" and "Partly met" in validation.formula1
    assert str(validation.sqref) == f"{status}2:{status}{sheet.max_row}"
    applies_from = header.index("Applies from")
    dated = [row[applies_from] for row in sheet.iter_rows(min_row=2) if row[applies_from].value]
    per_market = [cell for cell in dated if not cell.is_date]  # a requirement whose date differs by market
    assert dated and len(per_market) < len(dated)
    assert all(re.fullmatch(r"[A-Z]{2}: .+(; [A-Z]{2}: .+)+", cell.value) for cell in per_market)
    obligation = header.index("Obligation") + 1
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(obligation)].width >= 40
    assert sheet.cell(row=2, column=obligation).alignment.wrap_text
    formula_cells = [c for row in sheet.iter_rows() for c in row if str(c.value).startswith(("=", "'="))]
    assert formula_cells and all(c.data_type == "s" for c in formula_cells)


def test_xlsx_prints_and_links(client, tricky_rule):
    response = client.get(URL, {**PARAMS, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(body(response)))["Checklist"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows in ("1:1", "$1:$1")  # the header row on every page
    header = [cell.value for cell in sheet[1]]
    source = header.index("Source")
    linked = [row[source] for row in sheet.iter_rows(min_row=2) if row[source].value]
    assert linked and all(cell.hyperlink and cell.hyperlink.target == cell.value for cell in linked)
    obligation = header.index("Obligation")
    width = sheet.column_dimensions[openpyxl.utils.get_column_letter(obligation + 1)].width
    for row in sheet.iter_rows(min_row=2):
        text = str(row[obligation].value or "")
        lines = sum(max(1, -(-len(line) // int(width))) for line in text.splitlines() or [""])
        height = sheet.row_dimensions[row[0].row].height or 15
        assert height >= min(lines, 27) * 15, (text, height)  # tall enough to show the wrapped text


def test_downloads_are_named_for_what_they_hold(client):
    response = client.get(URL, {"applies_in": ["fr", "de"], "on": "2026-11-24", "format": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="checklist-de-fr-2026-11-24.xlsx"'
    response = client.get(URL, {"applies_in": "jp", "company": "byd", "on": "2027-01-01", "format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="checklist-jp-byd-2027-01-01.csv"'


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "md"])
def test_an_empty_result_is_a_valid_file_with_header_and_note(client, fmt):
    """Germany's road-safety law was researched, and none of it applied in 1950 (uncovered: test_coverage)."""
    response = client.get(URL, {"applies_in": "de", "topic": "road-safety", "on": "1950-01-01", "format": fmt})
    assert response.status_code == 200
    data = body(response)
    note = "No requirement matches this query"
    if fmt == "csv":
        table = read_csv(data)
        assert table[0][0] == "Applies in" and table[1][0].startswith(note)
    elif fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        assert workbook["Checklist"]["A1"].value == "Applies in"
        assert workbook["Checklist"]["A2"].value.startswith(note)
    elif fmt == "json":
        document = json.loads(data)
        assert document["rows"] == [] and document["note"].startswith(note)
    else:
        assert note in data.decode() and "| Why it applies |" in data.decode()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"applies_in": "xx", "format": "csv"}, "applies_in", "Unknown jurisdiction code: XX."),
        ({"applies_in": "de", "company": "nobody", "format": "xlsx"}, "company", "Unknown company"),
        ({"applies_in": "de", "on": "2026-02-30", "format": "csv"}, "on", "Give the date as YYYY-MM-DD"),
        ({"applies_in": "de", "format": "docx"}, "format", "Unsupported format docx"),
        ({"format": "csv"}, "applies_in", "Choose at least one market"),
        ({"applies_in": "xx", "format": "pdf"}, "applies_in", "Unknown jurisdiction code: XX."),
        ({"format": "pdf"}, "applies_in", "Choose at least one market"),
        ({"applies_in": "de", "force": "mandatory", "format": "csv"}, "force", "Unknown force mandatory"),
    ],
)
def test_bad_input_is_a_400_with_a_clear_message(client, params, field, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="error-{field}"' in page
    assert message in page.split(f'id="error-{field}"', 1)[1][:300]


def test_json_callers_get_json_errors(client):
    response = client.get(URL, {"applies_in": "xx", "format": "json"})
    assert response.status_code == 400
    assert response.json()["errors"]["applies_in"][0]["message"] == "Unknown jurisdiction code: XX."


@pytest.fixture
def internal_assessment():
    company = CompanyFactory(slug="acme")
    place = JurisdictionFactory(code="QX", name="Exportland")  # a place of its own: short files, the PDF too
    rule = RuleFactory(jurisdiction=place, internal_notes="")
    requirement = RequirementFactory(rule=rule, internal_note="CHECK CLAUSE", reference_checked=False)
    AssessmentFactory(
        company=company,
        requirement=requirement,
        visibility="internal",
        evidence="SECRET EVIDENCE",
        is_sample=False,
    )
    return company


def readable(fmt: str, data: bytes) -> bytes:
    """What a reader of the file sees: a workbook's cells, a PDF's text."""
    if fmt == "xlsx":
        return str(read_xlsx(data)).encode()
    if fmt == "pdf":
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).encode()
    return data


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "md", "pdf", "html"])
def test_internal_data_never_reaches_anonymous_users(client, internal_assessment, fmt):
    response = client.get(URL, {"applies_in": "qx", "company": "acme", "format": fmt})
    data = readable(fmt, body(response))
    assert fmt != "pdf" or b"Company Test Motors" in data  # the PDF's text was read, not its compressed bytes
    assert b"SECRET EVIDENCE" not in data and b"CHECK CLAUSE" not in data


def test_staff_exports_include_internal_data_marked_internal(client, content_admin, internal_assessment):
    client.force_login(content_admin)
    table = read_csv(body(client.get(URL, {"applies_in": "qx", "company": "acme", "format": "csv"})))
    header, rows = table[0], table[1:]
    row = next(r for r in rows if r[header.index("Company evidence")] == "SECRET EVIDENCE")
    assert row[header.index("Assessment basis")] == "internal"
    assert "CHECK CLAUSE" in row[header.index("Internal note (staff only)")]


def test_html_preview_groups_by_jurisdiction_and_rule_with_export_links(client):
    response = client.get(URL, {"applies_in": ["de", "jp"], "topic": "cybersecurity"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Germany" in page and "Japan" in page
    assert "format=xlsx" in page and "format=csv" in page
    groups = response.context["groups"]
    assert [(market.code, market.name) for market in groups] == [
        ("DE, JP", "Germany, Japan"),
        ("DE", "Germany"),
        ("JP", "Japan"),
    ]
    per_market = client.get(URL, {"applies_in": ["de", "jp"], "topic": "cybersecurity", "layout": "market"})
    assert [market.code for market in per_market.context["groups"]] == ["DE", "JP"]


def test_the_preview_indexes_its_rules_by_topic_in_the_topic_trees_order(client):
    """Issue 13, item 5: beside markets and rules, the contents index the preview by topic."""
    response = client.get(URL, PARAMS)
    groups, index = response.context["groups"], response.context["topic_index"]
    rules = {rule.anchor: rule for market in groups for rule in market.rules}
    on_topic = {
        (slug, anchor): sum(slug in row["topic_slugs"] for row in rule.rows)
        for anchor, rule in rules.items()
        for slug in {slug for row in rule.rows for slug in row["topic_slugs"]}
    }
    assert len(index) > 3
    order = list(m.Topic.objects.values_list("slug", flat=True))
    assert [order.index(entry.topic.slug) for entry in index] == sorted(order.index(e.topic.slug) for e in index)
    assert {(entry.topic.slug, rule.anchor): rule.requirements for entry in index for rule in entry.rules} == on_topic
    page = response.content.decode()
    for entry in index:
        for rule in entry.rules:
            assert rule.title == rules[rule.anchor].title
            assert f'href="#{rule.anchor}"' in page and f'id="{rule.anchor}"' in page

    def entry(index, slug):
        found = next(entry for entry in index if entry.topic.slug == slug)
        return {(rule.market, rule.title, rule.requirements) for rule in found.rules}

    narrowed = client.get(URL, {**PARAMS, "topic": "event-data-recording"}).context["topic_index"]
    assert entry(narrowed, "event-data-recording") == entry(index, "event-data-recording")
    assert sum(e.requirements for e in narrowed) < sum(e.requirements for e in index)


def test_the_rule_list_exports_its_current_filter(client):
    params = {"applies_in": "jp", "topic": "cybersecurity", "in_force_on": ON}
    from_list = read_csv(body(client.get(reverse("regulations:rule-list"), {**params, "format": "csv"})))
    from_builder = read_csv(
        body(client.get(URL, {"applies_in": "jp", "topic": "cybersecurity", "on": ON, "format": "csv"}))
    )
    assert len(from_list) > 1
    assert from_list == from_builder


def test_curators_export_selected_rules_from_the_admin(content_admin_client):
    draft = RuleFactory(state=m.CurationState.IN_REVIEW, applies_from=None)
    RequirementFactory(rule=draft, internal_note="Needs a check")
    response = content_admin_client.post(
        reverse("admin:regulations_rule_changelist"),
        {"action": "export_checklist", "_selected_action": [draft.pk, m.Rule.objects.get(slug="eu-gdpr").pk]},
    )
    assert response.status_code == 200
    table = read_xlsx(body(response))
    header = table[0]
    citations = {row[header.index("Rule citation")] for row in table[1:]}
    assert citations == {draft.citation, "Regulation (EU) 2016/679"}
    assert "Needs a check" in {row[header.index("Internal note (staff only)")] for row in table[1:]}


def test_every_format_carries_the_force_of_each_row(client):
    params = {"applies_in": "gb", "on": ON, "force": ["binding", "recognised"]}
    got = {fmt: body(client.get(URL, {**params, "format": fmt})) for fmt in ("csv", "xlsx", "json", "md")}
    from_csv = read_csv(got["csv"])
    titles = from_csv[0]
    tables = [from_csv, read_xlsx(got["xlsx"]), read_json(got["json"]), read_markdown(got["md"], titles)]
    for table in tables:
        force = table[0].index("Force")
        by_citation = {row[table[0].index("Rule citation")]: row[force] for row in table[1:]}
        assert by_citation["UN Regulation No. 155"] == "recognised"
        assert by_citation["SI 2020/818 (as amended by SI 2022/1273)"] == "binding"
        assert {row[force] for row in table[1:]} == {"binding", "recognised"}


@pytest.fixture
def long_checklist():
    """One rule with more requirements than the preview shows, each with topics of its own."""
    rule = RuleFactory(jurisdiction=JurisdictionFactory(code="QL", name="Longland"), title="Long Vehicle Act")
    topics = list(m.Topic.objects.filter(slug__in=["cybersecurity", "personal-data"]))
    for requirement in RequirementFactory.create_batch(PREVIEW_ROWS + 20, rule=rule):
        requirement.topics.set(topics)
    return rule


def test_a_long_preview_shows_its_first_rows_says_how_many_and_the_csv_holds_them_all(client, long_checklist):
    """Issue 14: the preview is bounded; its heading counts every row; the downloads hold them all."""
    response = client.get(URL, {"applies_in": "ql", "on": ON})
    page = response.content.decode()
    shown = [row for market in response.context["groups"] for rule in market.rules for row in rule.rows]
    assert len(shown) == PREVIEW_ROWS == page.count('<a class="text-nowrap"')
    total = PREVIEW_ROWS + 20
    assert f"{total} requirements from 1 rule in 1 market" in page
    assert f"This preview shows the first {PREVIEW_ROWS} of the {total} requirements (1 of 1 rules)" in page
    assert "downloads hold all" in page and "inside this rule" in page
    table = read_csv(body(client.get(URL, {"applies_in": "ql", "on": ON, "format": "csv"})))
    assert len(table) - 1 == total


@pytest.mark.parametrize("layout", ["requirement", "market"])
def test_a_previews_count_is_the_number_of_rows_the_downloads_hold(client, layout):
    params = {**PARAMS, "applies_in": ["de", "jp", "fr"], "layout": layout}
    totals = client.get(URL, params).context["totals"]
    table = read_csv(body(client.get(URL, {**params, "format": "csv"})))
    header, rows = table[0], table[1:]
    at = header.index("Applies in"), header.index("Rule title")
    assert totals == (len(rows), len({(row[at[0]], row[at[1]]) for row in rows}))
