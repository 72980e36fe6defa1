"""The spreadsheet round trip (issue 17, step 4): export a programme's checklist, fill it in with openpyxl,
upload it, preview the changes and conflicts, apply them in one transaction; bad files change nothing."""

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from regulations import models as m
from regulations.programme_assessments import record_assessment

from . import factories as f
from .test_workflow import as_user
from .test_workspace import build_firm

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm():
    return build_firm(4)


def url(name, programme):
    return reverse(f"regulations:workspace-{name}", args=[programme.company.slug, programme.slug])


def export(client, programme, query="") -> openpyxl.Workbook:
    response = client.get(url("export", programme) + query)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def saved(workbook) -> bytes:
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def upload(client, programme, data: bytes, name="checklist.xlsx"):
    return client.post(url("upload", programme), {"file": SimpleUploadedFile(name, data)})


def rows_of(workbook) -> dict[str, dict]:
    sheet = workbook["Checklist"]
    header = [cell.value for cell in sheet[1]]
    return {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}


def edit(workbook, requirement, **values):
    sheet = workbook["Checklist"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == f"{requirement.rule.slug}/{requirement.key}":
            for title, value in values.items():
                row[header.index(title)].value = value
            return
    raise AssertionError("row not found")


def test_the_export_holds_the_grids_rows_with_ids_drop_downs_and_a_hidden_record(firm):
    programme, (first, *_), analyst = firm["programme"], firm["requirements"], firm["analyst"]
    f.ProgrammeAssessmentFactory(programme=programme, requirement=first, status="gap", owner=analyst)
    workbook = export(as_user(analyst), programme)
    rows = rows_of(workbook)
    assert set(rows) == {f"{r.rule.slug}/{r.key}" for r in firm["requirements"]}
    assert rows[f"{first.rule.slug}/{first.key}"]["Status"] == "Gap"
    assert rows[f"{first.rule.slug}/{first.key}"]["Owner"] == analyst.username
    assert workbook["Export record"].sheet_state == "hidden"
    lists = [v.formula1 for v in workbook["Checklist"].data_validations.dataValidation]
    assert any("Partly met" in formula for formula in lists) and any(analyst.username in f for f in lists)
    only_gaps = rows_of(export(as_user(analyst), programme, "?status=gap"))
    assert list(only_gaps) == [f"{first.rule.slug}/{first.key}"]  # the grid's filters, the same rows


def test_a_filled_in_file_is_previewed_applied_with_attribution_and_a_second_upload_changes_nothing(firm):
    programme, (first, second, *_), analyst = firm["programme"], firm["requirements"], firm["analyst"]
    client = as_user(analyst)
    workbook = export(client, programme)
    edit(workbook, first, Status="Met", Owner=analyst.username, **{"Due date": dt.date(2027, 3, 1)})
    edit(workbook, second, Evidence="Penetration test report 2026-11", Notes="Ask the supplier for the 2027 one.")
    data = saved(workbook)

    preview = upload(client, programme, data)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "2 changes, 0 conflicts" in html and f'data-change="{first.rule.slug}/{first.key}"' in html

    applied = client.post(url("apply", programme), follow=True)
    assert "Applied 2 changes" in applied.content.decode()
    row = m.ProgrammeAssessment.objects.get(programme=programme, requirement=first)
    assert (row.status, row.owner, row.due_on, row.assessed_by) == ("met", analyst, dt.date(2027, 3, 1), analyst)
    assert row.history.first().history_user == analyst
    second_row = m.ProgrammeAssessment.objects.get(requirement=second)
    assert (second_row.evidence, second_row.notes) == (
        "Penetration test report 2026-11",
        "Ask the supplier for the 2027 one.",
    )
    assert "Met: <strong>1</strong>" in client.get(url("programme", programme)).content.decode()  # the figures move

    again = upload(client, programme, data).content.decode()
    assert "0 changes, 0 conflicts" in again and "Nothing to apply" in again
    assert m.ProgrammeAssessment.objects.get(programme=programme, requirement=first).revision == 1


def test_a_row_changed_on_the_site_since_the_export_is_a_conflict_kept_unless_chosen(firm):
    programme, (first, second, *_), analyst = firm["programme"], firm["requirements"], firm["analyst"]
    colleague = f.UserFactory(username="colleague")
    colleague.groups.add(Group.objects.get(name="Analyst"))
    f.FirmMembershipFactory(user=colleague, company=programme.company)
    client = as_user(analyst)
    workbook = export(client, programme)
    record_assessment(programme=programme, requirement=first, user=colleague, seen_revision=0, status="gap")
    record_assessment(programme=programme, requirement=second, user=colleague, seen_revision=0, status="gap")
    edit(workbook, first, Status="Met")
    edit(workbook, second, Status="Partly met")
    data = saved(workbook)

    html = upload(client, programme, data).content.decode()
    assert "0 changes, 2 conflicts" in html and f'data-conflict="{first.rule.slug}/{first.key}"' in html
    response = client.post(url("apply", programme), {"take": [f"{second.rule.slug}/{second.key}"]}, follow=True)
    assert "Applied 1 change; kept the site&#x27;s values for 1 conflict." in response.content.decode()
    statuses = dict(m.ProgrammeAssessment.objects.values_list("requirement_id", "status"))
    assert statuses == {first.pk: "gap", second.pk: "partly_met"}


def test_a_change_on_the_site_after_the_preview_applies_nothing(firm):
    programme, (first, second, *_), analyst = firm["programme"], firm["requirements"], firm["analyst"]
    client = as_user(analyst)
    workbook = export(client, programme)
    edit(workbook, first, Status="Met")
    edit(workbook, second, Status="Met")
    upload(client, programme, saved(workbook))
    record_assessment(programme=programme, requirement=second, user=analyst, seen_revision=0, status="gap")
    response = client.post(url("apply", programme), follow=True)
    assert "Nothing was applied" in response.content.decode()
    assert dict(m.ProgrammeAssessment.objects.values_list("requirement_id", "status")) == {second.pk: "gap"}


def other_programme_export(firm):
    other = f.ProgrammeFactory(company=firm["programme"].company)
    f.ProgrammeMarketFactory(programme=other, jurisdiction=firm["market"])
    return saved(export(as_user(firm["analyst"]), other))


def bad_files(firm, good: bytes):
    first = firm["requirements"][0]

    def changed(change) -> bytes:
        workbook = openpyxl.load_workbook(io.BytesIO(good))
        change(workbook)
        return saved(workbook)

    def rename(workbook):
        workbook["Checklist"].title = "Sheet1"

    def edit_id(workbook):
        workbook["Checklist"]["A2"] = "some-rule/art-99"

    def formula(workbook):
        workbook["Checklist"]["I3"] = '=HYPERLINK("https://evil.example")'

    def extra_rows(workbook):
        for n in range(3):
            workbook["Checklist"].append([f"x/{n}", "", "", "", "", "Met"])

    return {
        "not a workbook": (b"status,owner\nmet,me\n", "not an XLSX workbook"),
        "wrong sheet": (changed(rename), "no sheet named"),
        "edited ID": (changed(edit_id), "IDs in the ID column were edited"),
        "formula": (changed(formula), "holds a formula"),
        "too many rows": (changed(extra_rows), "more rows than the 4 exported"),
        "unknown status": (changed(lambda w: edit(w, first, Status="Done")), "is not one of"),
        "stranger owner": (changed(lambda w: edit(w, first, Owner="mallory")), "does not belong to the firm"),
        "bad date": (changed(lambda w: edit(w, first, **{"Due date": "soon"})), "is not a date"),
        "another programme": (other_programme_export(firm), "exported from another programme"),
        "50 MB": (b"PK" + b"\0" * (50 * 1024 * 1024), "at most 10 MB"),
    }


def test_bad_files_get_a_clear_message_and_change_nothing(firm):
    programme, analyst = firm["programme"], firm["analyst"]
    client = as_user(analyst)
    workbook = export(client, programme)
    edit(workbook, firm["requirements"][1], Status="Met")  # a good change the refusal must not apply
    for name, (data, message) in bad_files(firm, saved(workbook)).items():
        response = upload(client, programme, data)
        html = response.content.decode()
        assert response.status_code == 400 and message in html and "Nothing was changed" in html, name
        applied = client.post(url("apply", programme), follow=True)
        assert "Nothing to apply" in applied.content.decode(), name
    assert not m.ProgrammeAssessment.objects.exists()


def test_only_the_firms_editors_upload_and_no_one_else_exports(firm):
    programme = firm["programme"]
    viewer = f.UserFactory(username="viewer")
    f.FirmMembershipFactory(user=viewer, company=programme.company)
    assert as_user(viewer).get(url("upload", programme)).status_code == 403
    stranger = f.UserFactory(username="stranger")
    assert as_user(stranger).get(url("export", programme)).status_code == 404
    assert as_user(stranger).post(url("apply", programme)).status_code == 404
