"""PDF downloads (issue 13, item 8), read back with pypdf: layout, the same rows as the CSV, nothing unreviewed."""

import http.server
import io
import re
import threading

import pytest
from django.urls import reverse
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from regulations import models as m
from regulations.checklists import data_version
from regulations.exports import pdf
from regulations.printing import StaticFilesOnly
from regulations.profiles import profile

from .factories import JurisdictionFactory, RequirementFactory, RuleFactory, SourceFactory
from .test_exports import body, read_csv

pytestmark = pytest.mark.django_db

URL = reverse("regulations:checklist")
ON = "2026-11-25"
QUERY = {"applies_in": ["de", "jp"], "topic": "cybersecurity", "on": ON}
A4_LANDSCAPE = (842, 595)


def read_pdf(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(body(response)))


def squashed(text: str) -> str:
    """Text without whitespace: a PDF breaks lines (and long words) wherever its columns end."""
    return re.sub(r"\s+", "", text)


def all_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_checklist_pdf_is_a4_landscape_with_a_cover_page_numbers_and_the_version(client):
    response = client.get(URL, {**QUERY, "format": "pdf"})
    reader = read_pdf(response)
    assert response["Content-Disposition"] == f'attachment; filename="checklist-de-jp-{ON}.pdf"'
    pages = len(reader.pages)
    assert pages > 2
    for page in reader.pages:
        assert tuple(round(float(side)) for side in page.mediabox[2:]) == A4_LANDSCAPE
    version = data_version()
    cover = reader.pages[0].extract_text()
    assert "Requirement checklist" in cover
    assert "Applies in Germany (DE), Japan (JP)" in cover and "Topics Cybersecurity" in cover
    assert f"On {ON}" in cover and "Generated" in cover and f"Content version {version}" in cover
    assert "drafts and rules still in review are not included" in cover
    assert "Smart-vehicle compliance KB" in cover
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {pages}" in text
        assert f"Content version {version}" in text
    assert "Requirement Obligation Applies from Evidence to show" in reader.pages[2].extract_text()


def test_every_row_of_the_csv_is_in_the_pdf_in_the_same_order(client):
    """The same query's CSV, row by row: each requirement's obligation and reference, in checklist order."""
    table = read_csv(body(client.get(URL, {**QUERY, "format": "csv"})))
    header, rows = table[0], table[1:]
    reader = read_pdf(client.get(URL, {**QUERY, "format": "pdf"}))
    text = squashed(all_text(reader))
    assert len(rows) > 20
    assert f"Rows{len(rows)}requirements" in squashed(reader.pages[0].extract_text())
    position = 0
    for row in rows:
        reference = squashed(row[header.index("Requirement")])
        obligation = squashed(row[header.index("Obligation")])
        found = text.find(obligation, position)
        assert found >= 0, f"missing or out of order: {row[header.index('Rule')]} {reference}"
        assert reference in text[max(0, found - 300) : found]  # in the cell beside it
        position = found + len(obligation)
    for citation in {row[header.index("Rule citation")] for row in rows}:
        assert squashed(citation) in text


def test_a_checklist_pdf_keeps_chinese_text_and_prints_formula_like_cells_as_they_are(client):
    rule = RuleFactory(jurisdiction=JurisdictionFactory(code="QC", name="Testland"), title="汽车数据 test act")
    SourceFactory(rule=rule, url="https://example.org/official/汽车")
    RequirementFactory(rule=rule, obligation="=SUM(A1) and 汽车数据安全 obligation", reference="Art. 99")
    text = squashed(all_text(read_pdf(client.get(URL, {"applies_in": "qc", "format": "pdf"}))))
    assert "汽车数据testact" in text and "=SUM(A1)and汽车数据安全obligation" in text


def test_a_profile_pdf_holds_the_profiles_rules(client):
    page = client.get(reverse("regulations:jurisdiction-detail", args=["de"]), {"on": ON})
    context = page.context
    every = profile(context["jurisdiction"], context["on"])  # what the PDF lists: every rule, not the page's first
    groups = [*every["binding_groups"], every["recognised"], every["advisory"], every["unrecorded"]]
    rules = [rule for group in groups if group for rule in group.rules]
    assert len({rule.pk for rule in rules}) == context["rule_count"] > 20  # a rule may sit in two domains
    assert f'href="?on={ON}&amp;format=pdf"' in page.content.decode()

    response = client.get(reverse("regulations:jurisdiction-detail", args=["de"]), {"on": ON, "format": "pdf"})
    reader = read_pdf(response)
    assert response["Content-Disposition"] == f'attachment; filename="profile-de-{ON}.pdf"'
    assert all(tuple(round(float(side)) for side in p.mediabox[2:]) == A4_LANDSCAPE for p in reader.pages)
    cover = reader.pages[0].extract_text()
    assert "Market profile: Germany (DE)" in cover and f"On {ON}" in cover
    assert f"Content version {data_version()}" in cover and "drafts and rules still in review" in cover
    assert f"Page 1 of {len(reader.pages)}" in cover
    text = squashed(all_text(reader))
    for rule in rules:
        assert squashed(rule.short_name or rule.title) in text, rule.slug
    for deadline in context["deadlines"]:
        assert squashed(deadline.rule.short_name or deadline.rule.title) in text
    assert squashed("Answers to the standard questions") in text  # the profile's answers come first, as on the page
    for _, questions in context["answers"]:
        for question, _ in questions:
            assert squashed(question.label) in text, question.slug


def test_a_checklist_pdf_with_sample_readiness_data_says_so_on_its_cover(client):
    params = {"applies_in": "jp", "company": "example-motors", "on": ON, "format": "pdf"}
    reader = read_pdf(client.get(URL, params))
    cover = reader.pages[0].extract_text()
    assert "Company Example Motors (fictional)" in cover
    assert "illustrative sample” carry demo readiness data" in cover
    assert "illustrativesample" in squashed(all_text(reader))  # and the rows say which are


@pytest.fixture
def unreviewed():
    """A rule in review, and a published rule with internal notes, both in a place of their own (short PDFs)."""
    germany = JurisdictionFactory(code="QU", name="Unreviewland", region="Europe")
    draft = RuleFactory(jurisdiction=germany, state=m.CurationState.IN_REVIEW, title="Unreviewed Vehicle Data Act")
    RequirementFactory(rule=draft, obligation="Obligation nobody has reviewed yet.")
    published = RuleFactory(jurisdiction=germany, title="Reviewed Vehicle Data Act", internal_notes="RULE NOTE 42")
    SourceFactory(rule=published)
    RequirementFactory(rule=published, obligation="Reviewed obligation to keep logs.", internal_note="CLAUSE NOTE 42")
    return draft


def test_nothing_unreviewed_or_internal_reaches_an_anonymous_pdf(client, unreviewed):
    checklist = squashed(all_text(read_pdf(client.get(URL, {"applies_in": "qu", "format": "pdf"}))))
    profile = squashed(all_text(read_pdf(client.get("/jurisdictions/qu/", {"format": "pdf"}))))
    assert "Reviewedobligationtokeeplogs." in checklist and "ReviewedVehicleDataAct" in profile
    for text in (checklist, profile):
        assert "Unreviewed" not in text and "nobodyhasreviewed" not in text
        assert "NOTE42" not in text and "Internalnote" not in text


def test_staff_get_internal_notes_marked_but_still_no_unreviewed_rule(client, content_admin, unreviewed):
    client.force_login(content_admin)
    reader = read_pdf(client.get(URL, {"applies_in": "qu", "format": "pdf"}))
    text = squashed(all_text(reader))
    assert "CLAUSENOTE42" in text and "Internalnote(staffonly)" in text
    assert "do not circulate" in reader.pages[0].extract_text()
    assert "Unreviewed" not in text


def test_an_empty_checklist_pdf_says_why(client):
    params = {"applies_in": "de", "topic": "road-safety", "on": "1950-01-01", "format": "pdf"}
    text = all_text(read_pdf(client.get(URL, params)))
    assert "No requirement matches this query" in text and "Rows 0 requirements" in text


def test_a_checklist_too_long_for_a_pdf_is_a_400_that_points_to_xlsx(client):
    every_market = m.Jurisdiction.objects.filter(rules__state="published").distinct().values_list("code", flat=True)
    params = {"applies_in": [code.lower() for code in every_market], "on": ON}
    rows = len(read_csv(body(client.get(URL, {**params, "format": "csv"})))) - 1
    assert rows > pdf.MAX_PDF_ROWS  # a real checklist of every market, not a lowered ceiling
    response = client.get(URL, {**params, "format": "pdf"})
    assert response.status_code == 400
    message = response.content.decode().split('id="error-format"', 1)[1][:400]
    assert f"more than {pdf.MAX_PDF_ROWS:,} requirements" in message and "download XLSX" in message


@pytest.mark.parametrize(
    "url",
    ["/rules/?format=pdf", "/compare/?j=de&j=fr&j=jp&j=gb&j=us&j=cn&format=pdf", "/jurisdictions/de/?format=pdf"],
)
def test_every_door_to_a_pdf_declines_above_its_ceiling_with_a_400(client, monkeypatch, url):
    monkeypatch.setattr(pdf, "MAX_PDF_ROWS", 10)
    monkeypatch.setattr(pdf, "MAX_PDF_RULES", 10)
    response = client.get(url)
    assert response.status_code == 400
    assert "too many for a PDF" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"format": "docx"}, "Unsupported format docx: choose html or pdf."),
        ({"format": "pdf", "on": "2026-02-30"}, "Give the date as YYYY-MM-DD"),
        ({"format": "pdf", "on": "9999-01-01"}, "Give a date between 1950-01-01 and 2099-12-31."),
    ],
)
def test_a_profile_pdf_with_bad_input_is_a_400_with_a_message(client, params, message):
    response = client.get("/jurisdictions/de/", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_fetcher_serves_our_static_files_and_refuses_everything_else():
    fetcher = StaticFilesOnly("http://testserver")
    stylesheet = fetcher.fetch("http://testserver/static/css/pdf.css")
    assert b"@page" in stylesheet.read() and stylesheet.content_type == "text/css"
    for url in [
        "http://example.org/static/css/pdf.css",
        "http://testserver.example.org/static/css/pdf.css",
        "http://testserver/rules/",
        "http://testserver/static/../kb/settings.py",
        "http://testserver/static/%2e%2e/kb/settings.py",
        "http://testserver/static/css/pdf.css?x=1",
        "http://testserver/static/nothing-here.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ]:
        with pytest.raises(ValueError, match="Refused to fetch"):
            fetcher.fetch(url)


@pytest.fixture
def counting_server():
    """A real HTTP server on localhost that counts the requests it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red; }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


def test_a_document_pointing_elsewhere_makes_weasyprint_fetch_nothing(counting_server):
    """Whatever a document holds, rendering with our fetcher sends no request; WeasyPrint's own would."""
    address, hits = counting_server
    html = (
        f'<link rel="stylesheet" href="{address}/a.css"><img src="{address}/b.png">'
        '<img src="file:///etc/hostname"><p>text</p>'
    )
    HTML(string=html, base_url="http://testserver/", url_fetcher=StaticFilesOnly("http://testserver")).write_pdf()
    assert hits == []
    HTML(string=html, url_fetcher=URLFetcher()).write_pdf()
    assert hits  # the same document does reach the server without our fetcher
