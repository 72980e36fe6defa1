"""Evidence with a lifecycle (issue 17, step 5): links or files within limits, an expiry that turns "met" into
"needs renewal", a page of what expires in the next 60 days, and files only for the firm's members."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from regulations import models as m

from . import factories as f
from .test_workflow import as_user
from .test_workspace import build_firm, grid_url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%test\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def firm():
    return build_firm(2)


def evidence(firm, requirement, *, expires_on, programme=None, **fields):
    item = m.EvidenceItem.objects.create(
        company=firm["programme"].company,
        programme=programme,
        title=fields.pop("title", "Audit report"),
        url=fields.pop("url", "https://example.org/audit.pdf"),
        effective_on=dt.date(2025, 1, 1),
        expires_on=expires_on,
        **fields,
    )
    item.requirements.add(requirement)
    return item


def tally(html: str) -> dict[str, int]:
    return {status: int(n) for status, n in re.findall(r'data-status="(\w+)">[^<]+: <strong>(\d+)</strong>', html)}


def test_met_with_only_expired_evidence_needs_renewal_until_fresh_evidence_comes(firm):
    programme, (first, _), analyst = firm["programme"], firm["requirements"], firm["analyst"]
    today = timezone.localdate()
    f.ProgrammeAssessmentFactory(programme=programme, requirement=first, status="met")
    client = as_user(analyst)
    assert tally(client.get(grid_url(programme)).content.decode())["met"] == 1  # no evidence: the status stands

    evidence(firm, first, expires_on=today - dt.timedelta(days=1))
    html = client.get(grid_url(programme)).content.decode()
    assert tally(html)["needs_renewal"] == 1 and tally(html)["met"] == 0 and "kb-renewal" in html
    assert re.findall(
        r'<tr data-requirement="(\d+)"', client.get(grid_url(programme, status="needs_renewal")).content.decode()
    ) == [str(first.pk)]

    other = f.ProgrammeFactory(company=programme.company)
    evidence(firm, first, expires_on=None, programme=other)  # another programme's evidence does not serve this one
    assert tally(client.get(grid_url(programme)).content.decode())["needs_renewal"] == 1
    evidence(firm, first, expires_on=None)  # firm-wide and never expiring
    assert tally(client.get(grid_url(programme)).content.decode())["met"] == 1


def evidence_url(firm, requirement):
    programme = firm["programme"]
    return reverse("regulations:workspace-evidence", args=[programme.company.slug, programme.slug, requirement.pk])


def test_a_file_is_kept_and_served_only_to_the_firms_members(firm, client):
    requirement, analyst = firm["requirements"][0], firm["analyst"]
    form = {"title": "Type-approval certificate", "effective_on": "2026-01-01", "expires_on": "2027-01-01"}
    response = as_user(analyst).post(
        evidence_url(firm, requirement), form | {"file": SimpleUploadedFile("cert.pdf", PDF)}
    )
    assert response.status_code == 302
    item = m.EvidenceItem.objects.get(title="Type-approval certificate")
    assert (item.added_by, list(item.requirements.all()), item.programme) == (analyst, [requirement], None)
    file_url = reverse("regulations:workspace-evidence-file", args=[item.pk])
    download = as_user(analyst).get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert as_user(f.UserFactory(username="stranger")).get(file_url).status_code == 404
    assert client.get(file_url).status_code == 302  # to sign in


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "are not accepted"),
        ("cert.pdf", b"MZ\x90\x00 not a pdf", "is not a .pdf file"),
        ("notes.txt", b"\xff\xfe\x00bad", "must be UTF-8"),
        ("big.pdf", PDF + b"0" * (11 * 1024 * 1024), "at most 10 MB"),
    ],
)
def test_a_bad_file_is_refused_beside_its_field_and_nothing_is_kept(firm, name, content, message):
    form = {"title": "Bad", "effective_on": "2026-01-01", "file": SimpleUploadedFile(name, content)}
    response = as_user(firm["analyst"]).post(evidence_url(firm, firm["requirements"][0]), form)
    assert (
        response.status_code == 400
        and message in response.content.decode()
        and 'id="error-file"' in response.content.decode()
    )
    assert not m.EvidenceItem.objects.exists()


def test_evidence_needs_a_link_or_a_file_and_expires_after_it_starts(firm):
    client = as_user(firm["analyst"])
    url = evidence_url(firm, firm["requirements"][0])
    assert (
        "Give a link or upload a file"
        in client.post(url, {"title": "x", "effective_on": "2026-01-01"}).content.decode()
    )
    backwards = {"title": "x", "url": "https://example.org", "effective_on": "2026-01-01", "expires_on": "2025-01-01"}
    assert "cannot expire before it takes effect" in client.post(url, backwards).content.decode()
    assert not m.EvidenceItem.objects.exists()


def test_the_expiring_page_lists_the_next_60_days_for_the_firms_members_only(firm):
    requirement, analyst = firm["requirements"][0], firm["analyst"]
    today = timezone.localdate()
    soon = evidence(firm, requirement, expires_on=today + dt.timedelta(days=30), title="Soon")
    evidence(firm, requirement, expires_on=today + dt.timedelta(days=90), title="Later")
    evidence(firm, requirement, expires_on=today - dt.timedelta(days=5), title="Gone")
    url = reverse("regulations:workspace-expiring", args=[firm["programme"].company.slug])
    html = as_user(analyst).get(url).content.decode()
    assert (
        re.findall(r'data-evidence="(\d+)"', html) == [str(soon.pk)] and "1 piece of evidence already expired" in html
    )
    assert as_user(f.UserFactory(username="stranger")).get(url).status_code == 404
