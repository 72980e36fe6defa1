"""The file kept between an import's preview and its confirmation: only our own upload is ever read, a forged
confirmation answers 400, and no upload is left behind (removed on confirm or error, expired when abandoned)."""

import os
import re
import tempfile
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from regulations import models as m

pytestmark = pytest.mark.django_db

HEADER = "slug;jurisdiction;title;citation;instrument;applies_from;summary"
GOOD = "upload-test;CN;Upload test rule;Upload Order 1;regulation;2025-01-01;Imported for a test."
BAD = "upload-bad;XX;Nowhere;Act 1;law;2020-01-01;Unknown place."
CONFIRM_FIELDS = r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"'
DAY = 24 * 3600


@pytest.fixture
def temp_folder(tmp_path, monkeypatch):
    """Every temporary file of the run goes under a folder of this test's own, so what is left can be counted."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


@pytest.fixture
def reviewer_client(make_role_user):
    client = Client(raise_request_exception=False)
    client.force_login(make_role_user("Reviewer"))
    return client


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


def preview(client, *rows: str):
    content = "\r\n".join([HEADER, *rows]).encode()
    return client.post(
        reverse("admin:regulations_rule_import"),
        {"import_file": SimpleUploadedFile("rules.csv", content), "format": "0", "resource": "0"},
    )


def confirm_fields(response) -> dict[str, str]:
    return dict(re.findall(CONFIRM_FIELDS, response.content.decode()))


def confirm(client, **fields):
    return client.post(reverse("admin:regulations_rule_process_import"), fields)


def test_a_confirmed_import_removes_its_upload(temp_folder, reviewer_client):
    response = preview(reviewer_client, GOOD)
    assert files_under(temp_folder)  # kept for the confirmation
    assert confirm(reviewer_client, **confirm_fields(response)).status_code == 302
    assert m.Rule.objects.filter(slug="upload-test").exists()
    assert not files_under(temp_folder)


def test_a_preview_with_errors_keeps_no_upload(temp_folder, reviewer_client):
    response = preview(reviewer_client, GOOD, BAD)
    assert "Unknown jurisdiction: XX" in response.content.decode()
    assert not files_under(temp_folder)  # it cannot be confirmed, so nothing is kept


def test_an_abandoned_preview_expires_on_the_next_upload(temp_folder, reviewer_client):
    preview(reviewer_client, GOOD)
    (abandoned,) = files_under(temp_folder)
    a_day_ago = time.time() - DAY - 60
    os.utime(abandoned, (a_day_ago, a_day_ago))
    preview(reviewer_client, GOOD)
    left = files_under(temp_folder)
    assert abandoned not in left
    assert len(left) == 1  # the fresh preview, still waiting for its confirmation


def test_the_purge_command_removes_abandoned_uploads_only(temp_folder, reviewer_client):
    preview(reviewer_client, GOOD)
    preview(reviewer_client, GOOD)
    old, fresh = sorted(files_under(temp_folder))
    two_hours_ago = time.time() - 2 * 3600
    os.utime(old, (two_hours_ago, two_hours_ago))
    call_command("purge_import_uploads", hours=1)
    assert files_under(temp_folder) == {fresh}


def test_a_second_confirmation_of_the_same_preview_answers_400(temp_folder, reviewer_client):
    fields = confirm_fields(preview(reviewer_client, GOOD))
    assert confirm(reviewer_client, **fields).status_code == 302
    again = confirm(reviewer_client, **fields)
    assert again.status_code == 400
    assert "Upload the file again" in again.content.decode()


def planted_rule_file(folder: Path) -> Path:
    """A well-formed import file that is not an upload: a forged confirmation must never read it."""
    path = folder / "planted.csv"
    path.write_text("\r\n".join([HEADER, GOOD.replace("upload-test", "planted-rule")]))
    return path


@pytest.mark.parametrize(
    "name",
    ["made-up-name", "../planted.csv", "planted.csv", "/etc/passwd", "../../../../etc/passwd", "", "..", "a\x00b"],
)
def test_a_forged_upload_name_answers_400_and_reads_nothing(temp_folder, reviewer_client, name):
    planted = planted_rule_file(temp_folder)
    response = confirm(reviewer_client, import_file_name=name, original_file_name="rules.csv", format="0", resource="0")
    assert response.status_code == 400
    assert "Upload the file again" in response.content.decode()
    assert not m.Rule.objects.filter(slug="planted-rule").exists()
    assert planted.exists()  # nor deleted


@pytest.mark.parametrize(
    ("format_", "resource"), [("x", "0"), ("9", "0"), ("-1", "0"), ("1", "0"), ("0", "7"), ("0", "zero")]
)
def test_a_forged_format_or_resource_answers_400(temp_folder, reviewer_client, format_, resource):
    fields = confirm_fields(preview(reviewer_client, GOOD))
    response = confirm(reviewer_client, **{**fields, "format": format_, "resource": resource})
    assert response.status_code == 400
    assert not m.Rule.objects.filter(slug="upload-test").exists()


def test_an_import_whose_rows_fail_at_confirmation_says_so_and_imports_nothing(temp_folder, reviewer_client):
    fields = confirm_fields(preview(reviewer_client, GOOD))
    taken = m.Rule.objects.get(slug="eu-gdpr")
    taken.pk, taken.slug, taken.jurisdiction = None, "meanwhile", m.Jurisdiction.objects.get(code="CN")
    taken.citation = "Upload Order 1"  # someone else took the citation after the preview
    taken.save()
    response = confirm(reviewer_client, **fields)
    page = response.content.decode()
    assert response.status_code == 409
    assert "Nothing was imported" in page
    assert "Another rule of this jurisdiction has this citation." in page
    assert not m.Rule.objects.filter(slug="upload-test").exists()
    assert not files_under(temp_folder)
