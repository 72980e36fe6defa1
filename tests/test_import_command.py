"""manage.py import_content: the admin's import (same resources, same checks, all or nothing) for files too big
for one request."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from regulations import models as m

pytestmark = pytest.mark.django_db

HEADER = "slug;jurisdiction;title;citation;instrument;topics;applies_from;summary"
GOOD = "cmd-import-{n};CN;Command test rule {n};Command Order {n};regulation;personal-data;2025-01-01;From the shell."
BAD = "cmd-bad;XX;Nowhere;Act 1;law;astrology;2020-01-01;Unknown place and topic."


def write_csv(folder, *rows: str):
    path = folder / "rules.csv"
    path.write_text("\ufeff" + "\r\n".join([HEADER, *rows]), encoding="utf-8")
    return path


def run(*args, **options) -> str:
    output = io.StringIO()
    call_command("import_content", *args, stdout=output, **options)
    return output.getvalue()


def test_a_dry_run_reports_and_changes_nothing(tmp_path, reviewer):
    path = write_csv(tmp_path, *(GOOD.format(n=n) for n in range(3)))
    output = run("rules", str(path), user="reviewer", dry_run=True)
    assert "Dry run, nothing changed: 3 new, 0 changed, 0 unchanged rules." in output
    assert not m.Rule.objects.filter(slug__startswith="cmd-import-").exists()


def test_an_import_writes_drafts_attributed_to_the_user(tmp_path, reviewer):
    path = write_csv(tmp_path, *(GOOD.format(n=n) for n in range(3)))
    assert "Imported: 3 new, 0 changed, 0 unchanged rules." in run("rules", str(path), user="reviewer")
    rule = m.Rule.objects.get(slug="cmd-import-1")
    assert rule.state == m.CurationState.DRAFT
    record = rule.history.get()
    assert (record.history_user, record.history_change_reason) == (reviewer, "Imported")


def test_a_file_with_a_bad_row_lists_every_bad_row_and_imports_nothing(tmp_path, reviewer):
    path = write_csv(tmp_path, GOOD.format(n=1), BAD, GOOD.format(n=1))
    with pytest.raises(CommandError, match="Nothing imported: 2 bad rows"):
        run("rules", str(path), user="reviewer")
    assert not m.Rule.objects.filter(slug="cmd-import-1").exists()


def test_the_bad_rows_are_printed_with_their_errors(tmp_path, reviewer):
    path = write_csv(tmp_path, GOOD.format(n=1), BAD, GOOD.format(n=1))
    output = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_content", "rules", str(path), user="reviewer", stdout=output, stderr=output)
    printed = output.getvalue()
    assert "Row 2: jurisdiction: Unknown jurisdiction: XX" in printed
    assert "Row 2: topics: Unknown topic: astrology" in printed
    assert "Row 3: Row 1 of this file has the same slug (cmd-import-1)" in printed


def test_an_xlsx_file_imports_requirements(tmp_path, reviewer):
    workbook = openpyxl.Workbook()
    workbook.active.append(["rule", "key", "reference", "obligation"])
    workbook.active.append(["cn-auto-data-provisions", "cmd-duty", "Art. 99", "Do it from the shell."])
    path = tmp_path / "requirements.xlsx"
    workbook.save(path)
    assert "Imported: 1 new" in run("requirements", str(path), user="reviewer")
    assert m.Requirement.objects.filter(rule__slug="cn-auto-data-provisions", key="cmd-duty").exists()


@pytest.mark.parametrize("role", ["Analyst", None])
def test_only_a_user_who_may_import_may_run_it(tmp_path, make_role_user, role):
    path = write_csv(tmp_path, GOOD.format(n=1))
    name = make_role_user(role).username if role else "nobody"
    with pytest.raises(CommandError, match="may not import rules"):
        run("rules", str(path), user=name)
    assert not m.Rule.objects.filter(slug="cmd-import-1").exists()


def test_a_missing_file_is_a_clear_error(tmp_path, reviewer):
    with pytest.raises(CommandError, match="Cannot read"):
        run("sources", str(tmp_path / "missing.csv"), user="reviewer")


@pytest.mark.parametrize(("model", "kind"), [("rule", "rules"), ("requirement", "requirements"), ("source", "sources")])
def test_the_import_page_says_how_to_import_a_bigger_file(client, reviewer, model, kind):
    client.force_login(reviewer)
    page = " ".join(client.get(f"/admin/regulations/{model}/import/").content.decode().split())
    assert f"manage.py import_content {kind} FILE --user" in page


@pytest.mark.parametrize("content", ["", HEADER])
def test_an_empty_file_is_a_clear_error(tmp_path, reviewer, content):
    path = tmp_path / "empty.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match="nothing to import"):
        run("rules", str(path), user="reviewer")
