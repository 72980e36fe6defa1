"""The whole published knowledge base as open data (issue 15): a SQLite file and JSON Lines, counted against
the database, searchable, with nothing unpublished or internal in them, offered at /open-data/."""

import json
import sqlite3

import pytest
from django.core.management import call_command
from django.urls import reverse

from regulations import content_version
from regulations import models as m

from .factories import AnswerFactory, AssessmentFactory, RequirementFactory, RuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(tmp_path, settings):
    settings.OPEN_DATA_DIR = tmp_path
    draft = RuleFactory(state=m.CurationState.DRAFT, title="Draft ZEBRA Act", internal_notes="SECRET-NOTE")
    RequirementFactory(rule=draft, internal_note="SECRET-NOTE")
    AssessmentFactory(visibility=m.Visibility.INTERNAL, evidence="SECRET-EVIDENCE")
    AssessmentFactory(visibility=m.Visibility.PUBLIC)
    AnswerFactory(state=m.CurationState.DRAFT, explanation="Draft ZEBRA answer")
    AnswerFactory(internal_note="SECRET-NOTE", rests_on=[RequirementFactory(rule=draft)], explanation="ZEBRA rests")
    call_command("publish_open_data")
    version = content_version.current()
    return tmp_path / f"kb-{version}.sqlite3", tmp_path / f"kb-{version}.jsonl"


def test_the_sqlite_file_holds_the_published_knowledge_base_counted_against_the_database(published):
    sqlite_path, _ = published
    with sqlite3.connect(sqlite_path) as database:
        count = lambda table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: E731, S608
        assert count("rules") == m.Rule.objects.published().count()
        assert count("requirements") == m.Requirement.objects.filter(rule__state=m.CurationState.PUBLISHED).count()
        assert count("jurisdictions") == m.Jurisdiction.objects.count()
        assert count("companies") == m.Company.objects.count()
        assert (
            count("assessments")
            == m.Assessment.objects.public().filter(requirement__rule__state=m.CurationState.PUBLISHED).count()
        )
        assert count("questions") == m.Question.objects.count() >= 25
        published_answers = m.Answer.objects.published()
        public_answers = published_answers.filter(rests_on__rule__state=m.CurationState.PUBLISHED).distinct()
        findings = published_answers.filter(value=m.AnswerValue.NONE)
        assert count("answers") == public_answers.count() + findings.count() > 300
        meta = dict(database.execute("SELECT key, value FROM meta"))
        assert meta["content_version"] == str(content_version.current()) and "official texts prevail" in meta["licence"]
        found = database.execute(
            "SELECT rules.slug FROM rules_fts JOIN rules ON rules.id = rules_fts.rowid WHERE rules_fts MATCH ?",
            ("cybersecurity",),
        ).fetchall()
        assert "cn-csl" in {slug for (slug,) in found}
        columns = {
            row[1]
            for table in ("rules", "requirements", "companies", "assessments", "answers")
            for row in database.execute(f'PRAGMA table_info("{table}")')
        }
        assert not columns & {"internal_notes", "internal_note", "state", "revision", "assessed_by_id", "visibility"}
        dump = "\n".join(database.iterdump())
    assert "SECRET" not in dump and "ZEBRA" not in dump


def test_the_json_lines_hold_the_same_rows(published):
    sqlite_path, jsonl_path = published
    lines = [json.loads(line) for line in jsonl_path.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["type"] == "meta" and lines[0]["content_version"] == content_version.current()
    with sqlite3.connect(sqlite_path) as database:
        for table in ("rules", "requirements", "milestones", "sources", "public_records"):
            in_sqlite = database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            assert sum(line["type"] == table for line in lines) == in_sqlite > 0
    assert "SECRET" not in jsonl_path.read_text(encoding="utf-8")


def test_the_site_offers_the_latest_files_and_only_those(published, client):
    sqlite_path, jsonl_path = published
    page = client.get(reverse("regulations:open-data"))
    assert page.status_code == 200
    for path in (sqlite_path, jsonl_path):
        link = reverse("regulations:open-data-file", args=[path.name])
        assert link in page.content.decode()
        download = client.get(link)
        assert download.status_code == 200 and b"".join(download.streaming_content) == path.read_bytes()
    assert client.get(reverse("regulations:open-data-file", args=["settings.py"])).status_code == 404
    assert client.get(reverse("regulations:open-data-file", args=["..%2Fsettings.py"])).status_code == 404


def test_a_new_publication_replaces_the_files_of_the_older_content(published, tmp_path):
    RuleFactory()  # the content changes: a new version
    call_command("publish_open_data")
    names = sorted(path.name for path in tmp_path.iterdir())
    version = content_version.current()
    assert names == [f"kb-{version}.jsonl", f"kb-{version}.sqlite3"]
    assert all(path not in tmp_path.iterdir() for path in published)
