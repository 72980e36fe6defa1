"""Large imports: no query per row, and every guarantee of a small import still holds with hundreds of rows
(every bad row listed, nothing changed by a file with a bad row, drafts, reviewers only for published
rules, history "Imported" by the user for every row, its topics included)."""

import csv
import io
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regulations import models as m
from regulations.importing.resources import RequirementResource, RuleResource, SourceResource

from .test_imports import dataset_from_csv, row_errors

pytestmark = pytest.mark.django_db

PLACES = ["CN", "DE", "FR", "JP", "BR"]
TOPICS = ["data-security", "personal-data", "cybersecurity", "road-safety"]
RULE_HEADER = ["slug", "jurisdiction", "title", "citation", "instrument", "topics", "level_min", "level_max"]
RULE_HEADER += ["applies_from", "applies_until", "summary"]


def as_dataset(header, rows):
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return dataset_from_csv(output.getvalue())


def rule_row(n: int, edition: str = "first") -> list:
    return [
        f"scale-import-{n}",
        PLACES[n % len(PLACES)],
        f"Scale test rule {n} ({edition})",
        f"Scale Act {n}",
        "regulation",
        ",".join(TOPICS[n % 3 : n % 3 + 2]),
        n % 3,
        n % 3 + 2,
        "2025-01-01",
        "",
        f"Generated, {edition} edition.",
    ]


def rules(count: int, edition: str = "first", start: int = 0):
    return as_dataset(RULE_HEADER, [rule_row(n, edition) for n in range(start, start + count)])


def requirements(rule_slugs: list[str], per_rule: int):
    header = ["rule", "key", "reference", "kind", "obligation", "deadline"]
    rows = [
        [slug, f"art-{k}", f"Art. {k}", "obligation", f"Duty {k}.", "01/07/2026"]
        for slug in rule_slugs
        for k in range(per_rule)
    ]
    return as_dataset(header, rows)


def sources(rule_slugs: list[str], per_rule: int):
    header = ["rule", "url", "title", "official", "accessed_on"]
    rows = [
        [slug, f"https://example.org/{slug}/{k}", f"Text {k}", "1", "2025-11-01"]
        for slug in rule_slugs
        for k in range(per_rule)
    ]
    return as_dataset(header, rows)


def statements(resource_class, dataset, user) -> Counter:
    """The SQL statements of a dry run (the admin's preview), INSERT batches apart from the rest."""
    with CaptureQueriesContext(connection) as captured:
        result = resource_class().import_data(dataset, dry_run=True, user=user)
    assert not row_errors(result) and not result.has_errors()
    return Counter("insert" if query["sql"].startswith("INSERT") else "other" for query in captured)


def assert_flat(small: Counter, large: Counter, extra_rows: int) -> None:
    """The same statements for 20 rows as for 200, but for INSERT batches that the database's limit on
    parameters splits (SQLite takes 999 values a statement: some 40 rules); PostgreSQL takes them in one."""
    assert large["other"] == small["other"]
    if connection.vendor == "postgresql":
        assert large["insert"] == small["insert"]
    assert large["insert"] - small["insert"] <= extra_rows // 10


def test_a_rule_preview_runs_as_many_queries_for_200_rows_as_for_20(reviewer):
    assert_flat(statements(RuleResource, rules(20), reviewer), statements(RuleResource, rules(200), reviewer), 180)


def test_a_rule_update_preview_runs_as_many_queries_for_200_rows_as_for_20(reviewer):
    RuleResource().import_data(rules(200), dry_run=False, user=reviewer)
    small = statements(RuleResource, rules(20, "second"), reviewer)
    assert_flat(small, statements(RuleResource, rules(200, "second"), reviewer), 180)


@pytest.mark.parametrize(("resource", "make"), [(RequirementResource, requirements), (SourceResource, sources)])
def test_a_rule_part_preview_runs_as_many_queries_for_200_rows_as_for_20(reviewer, resource, make):
    RuleResource().import_data(rules(20), dry_run=False, user=reviewer)
    slugs = [f"scale-import-{n}" for n in range(20)]
    assert_flat(statements(resource, make(slugs, 1), reviewer), statements(resource, make(slugs, 10), reviewer), 180)


def test_every_bad_row_of_a_large_file_is_listed_and_nothing_changes(curator):
    rows = [rule_row(n) for n in range(600)]
    rows[9][1] = "XX"  # row 10: unknown jurisdiction
    rows[99][8] = "next spring"  # row 100: not a date
    rows[199][5] = "personal-data,astrology"  # row 200: unknown topic
    rows[299][0] = "scale-import-7"  # row 300: a rule the file already gave (row 8)
    rows[349][3] = "Scale Act 4"  # row 350: the citation of row 5, in the same jurisdiction (BR)
    rows[399][1], rows[399][3] = "EU", "Regulation (EU) 2016/679"  # row 400: the GDPR's citation
    rows[449][6], rows[449][7] = 4, 2  # row 450: levels the wrong way round
    rows[499][9] = "2024-01-01"  # row 500: ends before it applies
    rows[549][0] = "eu-gdpr"  # row 550: a published rule, and the user is not a reviewer
    before = (m.Rule.objects.count(), m.Rule.history.count(), m.Rule.topics.through.objects.count())
    result = RuleResource().import_data(as_dataset(RULE_HEADER, rows), dry_run=False, user=curator)
    errors = row_errors(result)
    assert sorted(errors) == [10, 100, 200, 300, 350, 400, 450, 500, 550]
    assert "Unknown jurisdiction: XX" in errors[10]
    assert "'next spring' is not a date" in errors[100]
    assert "Unknown topic: astrology" in errors[200]
    assert "Row 8 of this file has the same slug (scale-import-7)" in errors[300]
    assert "Another rule of this jurisdiction has this citation. (row 5 of this file)" in errors[350]
    assert "Another rule of this jurisdiction has this citation." in errors[400]
    assert "SAE levels run from 0 to 5, lowest first." in errors[450]
    assert "The end date must be after the date of application." in errors[500]
    assert "is published: only a reviewer may change it" in errors[550]
    after = (m.Rule.objects.count(), m.Rule.history.count(), m.Rule.topics.through.objects.count())
    assert after == before
    assert m.Rule.objects.get(slug="eu-gdpr").title != "Scale test rule 549 (first)"


def test_a_large_import_writes_drafts_with_their_topics_and_history_by_the_user(curator):
    result = RuleResource().import_data(rules(300), dry_run=False, user=curator)
    assert not row_errors(result) and not result.has_errors()
    imported = m.Rule.objects.filter(slug__startswith="scale-import-")
    assert imported.count() == 300
    assert set(imported.values_list("state", flat=True)) == {m.CurationState.DRAFT}
    rule = imported.get(slug="scale-import-4")
    assert set(rule.topics.values_list("slug", flat=True)) == {"personal-data", "cybersecurity"}
    history = m.Rule.history.filter(slug__startswith="scale-import-")
    assert history.count() == 300
    assert set(history.values_list("history_type", "history_change_reason", "history_user")) == {
        ("+", "Imported", curator.pk)
    }
    record = rule.history.get()
    assert set(record.topics.values_list("topic__slug", flat=True)) == {"personal-data", "cybersecurity"}


def test_a_large_reimport_changes_only_changed_rows_and_records_each_change(curator):
    RuleResource().import_data(rules(300), dry_run=False, user=curator)
    rows = [rule_row(n, "second" if n % 2 else "first") for n in range(300)]
    rows[10][5] = "road-safety"  # row 11 (n=10) changes only its topics
    result = RuleResource().import_data(as_dataset(RULE_HEADER, rows), dry_run=False, user=curator)
    assert not row_errors(result) and not result.has_errors()
    assert (result.totals["update"], result.totals["skip"]) == (151, 149)
    odd = m.Rule.objects.get(slug="scale-import-11")
    assert odd.title == "Scale test rule 11 (second)" and odd.revision == 2
    latest = odd.history.first()
    assert (latest.history_type, latest.history_change_reason, latest.history_user) == ("~", "Imported", curator)
    assert set(latest.topics.values_list("topic__slug", flat=True)) == {"cybersecurity", "road-safety"}
    retopiced = m.Rule.objects.get(slug="scale-import-10")
    assert list(retopiced.topics.values_list("slug", flat=True)) == ["road-safety"]
    delta = retopiced.history.first().diff_against(retopiced.history.last())
    assert {change.field for change in delta.changes} - {"updated_at"} == {"revision", "topics"}
    assert retopiced.updated_at > retopiced.history.last().updated_at
    unchanged = m.Rule.objects.get(slug="scale-import-12")
    assert unchanged.history.count() == 1 and unchanged.revision == 1


def test_a_large_file_touching_one_published_rule_is_refused_to_a_curator_and_allowed_to_a_reviewer(curator, reviewer):
    rows = [rule_row(n) for n in range(300)]
    rows[150][0], rows[150][1] = "un-r155", m.Rule.objects.get(slug="un-r155").jurisdiction.code
    refused = row_errors(RuleResource().import_data(as_dataset(RULE_HEADER, rows), dry_run=True, user=curator))
    assert list(refused) == [151] and "is published: only a reviewer may change it" in refused[151]
    result = RuleResource().import_data(as_dataset(RULE_HEADER, rows), dry_run=False, user=reviewer)
    assert not row_errors(result) and not result.has_errors()
    published = m.Rule.objects.get(slug="un-r155")
    assert published.state == m.CurationState.PUBLISHED  # a reviewer's import changes it, not its state
    assert published.history.first().history_user == reviewer


def test_large_requirement_and_source_files_list_every_bad_row(reviewer):
    RuleResource().import_data(rules(50), dry_run=False, user=reviewer)
    slugs = [f"scale-import-{n}" for n in range(50)]
    data = requirements(slugs, 6)
    data[4] = ("nowhere-rule", *data[4][1:])  # row 5: unknown rule
    data[120] = (*data[120][:5], "13/13/2026")  # row 121: not a date
    data[200] = data[2]  # row 201: the same rule and key as row 3
    errors = row_errors(RequirementResource().import_data(data, dry_run=False, user=reviewer))
    assert sorted(errors) == [5, 121, 201]
    assert "Unknown rule: nowhere-rule" in errors[5]
    assert "Row 3 of this file has the same rule and key (scale-import-0, art-2)" in errors[201]
    assert not m.Requirement.objects.filter(rule__slug__startswith="scale-import-").exists()
    data = sources(slugs, 4)
    data[30] = (*data[30][:1], "not a url", *data[30][2:])
    errors = row_errors(SourceResource().import_data(data, dry_run=False, user=reviewer))
    assert list(errors) == [31] and "Enter a valid URL." in errors[31]
    assert not m.Source.objects.filter(rule__slug__startswith="scale-import-").exists()
