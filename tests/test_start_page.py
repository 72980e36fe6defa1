"""The curators' start page (the admin index): six work lists, each right, in order, bounded and permitted
(issue 13, item 11)."""

import datetime as dt
import os
import re
import tempfile

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from regulations import models as m
from regulations.admin.start_page import START_LIMIT
from regulations.importing.uploads import purge_uploads, uploads_folder

from .admin_forms import logged_in
from .factories import JurisdictionFactory, RequirementFactory, RuleFactory, SourceFactory

pytestmark = pytest.mark.django_db

START = reverse("admin:index")
HEADER = "slug;jurisdiction;title;citation;instrument;applies_from;summary"
ROWS = [
    "start-import-1;CN;Start page import one;Start Order 1;regulation;2025-01-01;Imported for a test.",
    "start-import-2;CN;Start page import two;Start Order 2;regulation;2025-01-01;Imported for a test.",
]
CONFIRM_FIELDS = r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"'


@pytest.fixture(autouse=True)
def temp_folder(tmp_path, monkeypatch):
    """Uploads go under this test's own folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


@pytest.fixture
def other_curator(django_user_model):
    user = django_user_model.objects.create_user("other", "other@example.org", "a-long-test-password")
    user.first_name, user.last_name, user.is_staff = "Olga", "Other", True
    user.save()
    user.groups.add(Group.objects.get(name="Curator"))
    return user


def start_page(user):
    response = logged_in(user).get(START)
    assert response.status_code == 200
    return response


def in_review_since(rule, days_ago: int) -> None:
    m.RuleTransition.objects.create(
        rule=rule,
        from_state=m.CurationState.DRAFT,
        to_state=m.CurationState.IN_REVIEW,
        at=timezone.now() - dt.timedelta(days=days_ago),
    )


def preview(user, name: str = "start.csv"):
    """Upload a clean file through the import page, as the user would; its preview can be confirmed."""
    client = logged_in(user)
    content = "\r\n".join([HEADER, *ROWS]).encode()
    response = client.post(
        reverse("admin:regulations_rule_import"),
        {"import_file": SimpleUploadedFile(name, content), "format": "0", "resource": "0"},
    )
    assert "process_import" in response.content.decode()
    return client, dict(re.findall(CONFIRM_FIELDS, response.content.decode()))


def test_rules_in_review_are_listed_oldest_first_with_what_each_lacks(curator):
    bare = RuleFactory(state=m.CurationState.IN_REVIEW, citation="", applies_from=None, short_name="Bare Rule")
    SourceFactory(rule=bare, official=False)
    ready = RuleFactory(state=m.CurationState.IN_REVIEW, short_name="Ready Rule")
    SourceFactory(rule=ready, official=True)
    unsourced = RuleFactory(state=m.CurationState.IN_REVIEW, short_name="Unsourced Rule")
    in_review_since(bare, 30)
    in_review_since(ready, 10)
    in_review_since(unsourced, 20)
    in_review_since(ready, 40)  # an older entry into review does not count: the latest one does

    response = start_page(curator)
    in_review = response.context["in_review"]
    assert in_review.items[:3] == [bare, unsourced, ready]
    assert in_review.count == m.Rule.objects.filter(state=m.CurationState.IN_REVIEW).count()
    lacks = {rule.short_name: rule.lacks for rule in in_review.items[:3]}
    assert lacks["Bare Rule"][0] == "it has no citation"
    assert lacks["Bare Rule"][1] == "it has no date of application"
    assert lacks["Bare Rule"][2].startswith("it has no official source")
    assert lacks["Unsourced Rule"] == [lacks["Bare Rule"][2]]
    assert lacks["Ready Rule"] == []
    page = response.content.decode()
    assert f"{in_review.count} rules in review, the {START_LIMIT} oldest shown" in page
    assert "it has no citation; it has no date of application; it has no official source" in page
    assert f'href="{reverse("admin:regulations_rule_changelist")}?state__exact=in_review"' in page


def test_rules_due_for_review_never_checked_first_then_longest_unchecked(curator):
    today = timezone.localdate()
    never = RuleFactory(last_reviewed_on=None)
    long_ago = RuleFactory(last_reviewed_on=today - dt.timedelta(days=3000))
    fresh = RuleFactory(last_reviewed_on=today - dt.timedelta(days=10))
    due = start_page(curator).context["due_for_review"]
    assert due.items[:2] == [never, long_ago]
    assert fresh not in due.items
    assert due.count == m.Rule.objects.due_for_review(today).count()


def test_unconfirmed_references_are_listed_by_jurisdiction_and_clause_order(curator):
    rule = RuleFactory(jurisdiction=JurisdictionFactory(code="AA"), short_name="First Coded")
    second = RequirementFactory(rule=rule, order=2, reference_checked=False, internal_note="Art. 9 not read.")
    first = RequirementFactory(rule=rule, order=1, reference_checked=False, internal_note="Art. 3 not read.")
    RequirementFactory(rule=rule, order=3, reference_checked=True)
    response = start_page(curator)
    assert response.context["unconfirmed"].items[:3] == [first, second, *response.context["unconfirmed"].items[2:3]]
    assert response.context["unconfirmed"].items[2].rule != rule
    assert "Art. 3 not read." in response.content.decode()


def test_open_questions_are_rules_not_in_review_with_notes_longest_untouched_first(curator):
    older = RuleFactory(internal_notes="Open: the date of application is not confirmed.")
    newer = RuleFactory(internal_notes="Open: Art. 4 was read in a secondary source only.")
    quiet = RuleFactory(internal_notes="")
    in_review = RuleFactory(state=m.CurationState.IN_REVIEW, internal_notes="Open: no official source.")
    long_ago = timezone.now() - dt.timedelta(days=400)
    m.Rule.objects.filter(pk=older.pk).update(updated_at=long_ago)
    m.Rule.objects.filter(pk=newer.pk).update(updated_at=long_ago + dt.timedelta(days=1))
    response = start_page(curator)
    items = response.context["open_questions"].items
    assert items[:2] == [older, newer]
    assert quiet not in items and in_review not in items
    assert reverse("admin:regulations_rule_change", args=[older.pk]) in response.content.decode()


def test_recent_changes_are_other_peoples_newest_first_with_a_link(curator, other_curator):
    theirs = RuleFactory(short_name="Their Rule")
    mine = RuleFactory(short_name="My Rule")
    requirement = RequirementFactory(rule=theirs, reference="Art. 7")
    now = timezone.now()
    m.Rule.history.filter(id=theirs.pk).update(history_user=other_curator, history_date=now - dt.timedelta(hours=2))
    m.Rule.history.filter(id=mine.pk).update(history_user=curator, history_date=now - dt.timedelta(hours=1))
    m.Requirement.history.filter(id=requirement.pk).update(history_user=other_curator, history_date=now)

    response = start_page(curator)
    changes = response.context["recent_changes"]
    assert [(change.label, change.who, change.kind) for change in changes] == [
        ("Their Rule Art. 7", "Olga Other", "Added"),
        ("Their Rule", "Olga Other", "Added"),
    ]
    assert changes[1].url == reverse("admin:regulations_rule_change", args=[theirs.pk])
    assert "My Rule" not in [change.label for change in changes]


def test_my_waiting_import_is_listed_and_an_expired_or_someone_elses_is_not(curator, other_curator, temp_folder):
    preview(curator, "mine.csv")
    preview(other_curator, "theirs.csv")
    expired = m.PendingImport.objects.create(
        upload="f" * 32,
        user=curator,
        model="regulations.rule",
        file_name="stale.csv",
        row_count=3,
        file_format=0,
        created_at=timezone.now() - dt.timedelta(hours=25),
    )
    response = start_page(curator)
    mine = response.context["my_imports"]
    assert [(p.file_name, p.row_count, p.model, p.user) for p in mine.items] == [
        ("mine.csv", 2, "regulations.rule", curator)
    ]
    assert mine.count == 1 and "others_imports" not in response.context
    page = response.content.decode()
    assert "stale.csv" not in page and "theirs.csv" not in page
    assert reverse("admin:regulations_rule_import") in page
    assert reverse("admin:discard_import", args=[mine.items[0].upload]) in page
    assert expired.pk in m.PendingImport.objects.values_list("pk", flat=True)  # listed nowhere, purged later
    purge_uploads()
    assert not m.PendingImport.objects.filter(pk=expired.pk).exists()


def test_a_superuser_also_sees_others_waiting_imports(admin_user, curator):
    preview(curator, "curators.csv")
    others = start_page(admin_user).context["others_imports"]
    assert [(p.file_name, p.user) for p in others.items] == [("curators.csv", curator)]


def test_discarding_an_import_removes_its_file_and_its_record(curator, temp_folder):
    client, _ = preview(curator)
    pending = m.PendingImport.objects.get(user=curator)
    upload = uploads_folder() / pending.upload
    assert upload.is_file()
    response = client.post(reverse("admin:discard_import", args=[pending.upload]))
    assert response.status_code == 302 and response.url == START
    assert not upload.exists()
    assert not m.PendingImport.objects.filter(pk=pending.pk).exists()
    assert not m.Rule.objects.filter(slug__startswith="start-import-").exists()


def test_someone_else_cannot_discard_my_import(curator, other_curator):
    preview(curator)
    pending = m.PendingImport.objects.get(user=curator)
    url = reverse("admin:discard_import", args=[pending.upload])
    assert logged_in(other_curator).post(url).status_code == 404
    assert logged_in(curator).get(url).status_code == 405  # a discard is a POST, never a link
    assert m.PendingImport.objects.filter(pk=pending.pk).exists()
    assert (uploads_folder() / pending.upload).is_file()


def test_a_discard_needs_the_csrf_token(curator):
    preview(curator)
    pending = m.PendingImport.objects.get(user=curator)
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    assert client.post(reverse("admin:discard_import", args=[pending.upload])).status_code == 403
    assert m.PendingImport.objects.filter(pk=pending.pk).exists()


def test_confirming_an_import_removes_its_record(curator):
    client, fields = preview(curator)
    assert m.PendingImport.objects.filter(upload=fields["import_file_name"]).exists()
    assert client.post(reverse("admin:regulations_rule_process_import"), fields).status_code == 302
    assert m.Rule.objects.filter(slug="start-import-1").exists()
    assert not m.PendingImport.objects.exists()
    assert "start.csv" not in start_page(curator).content.decode()


def test_a_preview_with_errors_records_nothing(curator):
    client = logged_in(curator)
    content = "\r\n".join([HEADER, "bad;XX;Nowhere;Act 1;law;2020-01-01;Unknown place."]).encode()
    client.post(
        reverse("admin:regulations_rule_import"),
        {"import_file": SimpleUploadedFile("bad.csv", content), "format": "0", "resource": "0"},
    )
    assert not m.PendingImport.objects.exists()


def test_a_curator_without_view_permission_on_requirements_does_not_see_their_list(django_user_model):
    user = django_user_model.objects.create_user("rules-only", "r@example.org", "a-long-test-password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_rule"))
    RequirementFactory(reference_checked=False, internal_note="Not read.")
    response = start_page(user)
    assert "in_review" in response.context and "unconfirmed" not in response.context
    page = response.content.decode()
    assert "Rules in review" in page and "Requirements with unconfirmed references" not in page


def test_recent_changes_leave_out_content_the_user_may_not_view(django_user_model, other_curator):
    user = django_user_model.objects.create_user("rules-only", "r@example.org", "a-long-test-password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_rule"))
    requirement = RequirementFactory()
    m.Requirement.history.filter(id=requirement.pk).update(history_user=other_curator)
    m.Rule.history.filter(id=requirement.rule_id).update(history_user=other_curator)
    changes = start_page(user).context["recent_changes"]
    assert [change.model for change in changes] == ["rule"]


def test_only_staff_see_the_start_page(django_user_model):
    user = django_user_model.objects.create_user("visitor", "v@example.org", "a-long-test-password")
    response = logged_in(user).get(START)
    assert response.status_code == 302 and reverse("admin:login") in response.url


def waiting_import(user, file_name: str) -> m.PendingImport:
    """The record of an upload waiting for ``user``'s confirmation (no file: the start page lists records)."""
    return m.PendingImport.objects.create(
        upload=os.urandom(16).hex(),
        user=user,
        model="regulations.rule",
        file_name=file_name,
        row_count=1,
        file_format=0,
    )


def add_work(other_user, count: int) -> None:
    """``count`` more rows in every list: rules in review, due, with notes, unconfirmed, changed by others, imports."""
    today = timezone.localdate()
    for _ in range(count):
        rule = RuleFactory(state=m.CurationState.IN_REVIEW, citation="", internal_notes="Open.")
        SourceFactory(rule=rule, official=False)
        in_review_since(rule, 5)
        published = RuleFactory(last_reviewed_on=today - dt.timedelta(days=400), internal_notes="Open.")
        RequirementFactory(rule=published, reference_checked=False, internal_note="Not read.")
        waiting_import(other_user, "x.csv")
    for model in (m.Rule, m.Requirement, m.Source, m.RuleRelation, m.Milestone):
        model.history.update(history_user=other_user)


# Session and user (2); five history tables (5); in review, due, open questions, unconfirmed, my imports
# and others' imports, each its first rows and its count (12); the sidebar's admin log (1).
START_PAGE_QUERIES = 20


@pytest.mark.parametrize("size", [1, 3 * START_LIMIT])
def test_the_start_page_runs_a_fixed_number_of_queries(admin_user, other_curator, size, django_assert_num_queries):
    add_work(other_curator, size)
    waiting_import(admin_user, "mine.csv")
    client = logged_in(admin_user)
    with django_assert_num_queries(START_PAGE_QUERIES):
        response = client.get(START)
    assert response.status_code == 200
    assert len(response.context["in_review"].items) == START_LIMIT
    assert len(response.context["recent_changes"]) == START_LIMIT
    assert response.context["others_imports"].count == size
