"""The whole published knowledge base as open data: one SQLite file (Datasette-ready, full-text search on
rules and requirements) and the same rows as JSON Lines, with the content version and a licence note.

Each table is a queryset of published content and the public columns it keeps, defined once
below for both files: drafts, internal notes, internal assessments and curation fields
(state, revisions, reviewers) never enter either.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, F, Q, QuerySet, When
from django.utils import timezone

from . import public_fields
from .content_version import current
from .listings import LICENCE
from .models import (
    Answer,
    AnswerValue,
    Assessment,
    Company,
    CurationState,
    Jurisdiction,
    Market,
    Membership,
    Milestone,
    PublicRecord,
    Question,
    Requirement,
    Rule,
    RuleRelation,
    Source,
    Topic,
)

PUBLISHED = CurationState.PUBLISHED
CHUNK = 2000


@dataclass(frozen=True)
class Table:
    name: str
    rows: QuerySet  # .values() of the public columns, the primary key named "id"
    search: tuple[str, ...] = ()  # columns of its full-text index, if any


def published_or_none(state: str, column: str) -> Case:
    """``column`` where the rule it leads to is published; null otherwise (a draft is never named)."""
    return Case(When(**{state: PUBLISHED}, then=F(column)), default=None)


def provision_tables() -> list[Table]:
    """The questions and the published answers that rest on published rules, with the requirements they cite, and
    the published findings (value ``none``) with the published rules they read."""
    cited = Answer.rests_on.through.objects.filter(requirement__rule__state=PUBLISHED)
    answers = Answer.objects.published().filter(Q(pk__in=cited.values("answer_id")) | Q(value=AnswerValue.NONE))
    read = Answer.checked_rules.through.objects.filter(rule__state=PUBLISHED)
    return [
        Table("questions", Question.objects.values("id", "slug", "group", "topic_id", "label", "text", "yes_means")),
        Table(
            "answers",
            answers.values("id", "question_id", "jurisdiction_id", "value", "explanation", "checked_on", "searched"),
            search=("explanation",),
        ),
        Table(
            "answer_requirements",
            cited.filter(answer__in=answers).values("id", "answer_id", "requirement_id"),
        ),
        Table("answer_rules_read", read.filter(answer__in=answers).values("id", "answer_id", "rule_id")),
    ]


def tables() -> list[Table]:
    rules = Rule.objects.filter(state=PUBLISHED)
    requirements = Requirement.objects.filter(rule__state=PUBLISHED)
    return [
        Table(
            "jurisdictions",
            Jurisdiction.objects.values("id", "code", "name", "original_name", "kind", "parent_id", "region"),
        ),
        Table(
            "memberships",
            Membership.objects.values("id", "member_id", "body_id", "role", "since", "until", "source_url"),
        ),
        Table("topics", Topic.objects.values("id", "slug", "name", "description", "parent_id", "order")),
        Table(
            "rules",
            rules.values(
                "id",
                "jurisdiction_id",
                *public_fields.RULE,
                authority_name=F("authority__name"),
            ),
            search=("title", "short_name", "citation", "summary"),
        ),
        Table(
            "rule_topics", Rule.topics.through.objects.filter(rule__state=PUBLISHED).values("id", "rule_id", "topic_id")
        ),
        Table(
            "requirements",
            requirements.values(
                "id",
                "rule_id",
                "order",
                *public_fields.REQUIREMENT,
                superseded_by_requirement_id=published_or_none("superseded_by__rule__state", "superseded_by_id"),
            ),
            search=("reference", "obligation", "evidence"),
        ),
        Table(
            "requirement_topics",
            Requirement.topics.through.objects.filter(requirement__rule__state=PUBLISHED).values(
                "id", "requirement_id", "topic_id"
            ),
        ),
        Table(
            "sources",
            Source.objects.filter(rule__state=PUBLISHED).values(
                "id", "rule_id", "url", "title", "publisher", "language", "official", "accessed_on"
            ),
        ),
        Table(
            "milestones",
            Milestone.objects.filter(rule__state=PUBLISHED).values(
                "id", "rule_id", "key", "requirement_id", "jurisdiction_id", "kind", "date", "note", "source_url"
            ),
        ),
        Table(
            "relations",
            RuleRelation.objects.filter(from_rule__state=PUBLISHED, to_rule__state=PUBLISHED).values(
                "id", "from_rule_id", "to_rule_id", "kind", "applies_from", "note"
            ),
        ),
        Table(
            "companies",
            Company.objects.values(
                "id",
                "slug",
                "name",
                "original_name",
                "segment",
                "hq_city",
                "hq_country_id",
                "website",
                "listings",
                "summary",
                illustrative_sample=F("is_fictional"),
            ),
        ),
        Table("markets", Market.objects.values("id", "company_id", "jurisdiction_id", "status", "since")),
        Table(
            "public_records",
            PublicRecord.objects.values(
                "id",
                "company_id",
                "kind",
                "jurisdiction_id",
                "date",
                "issuer",
                "description",
                "source_url",
                concerns_rule_id=published_or_none("rule__state", "rule_id"),
            ),
        ),
        Table(
            "assessments",
            Assessment.objects.public()
            .filter(requirement__rule__state=PUBLISHED)
            .values(
                "id",
                "company_id",
                "requirement_id",
                "status",
                "evidence",
                "evidence_url",
                "assessed_on",
                illustrative_sample=F("is_sample"),
            ),
        ),
        *provision_tables(),
    ]


def publish(directory: Path) -> tuple[Path, Path]:
    """Write ``kb-<version>.sqlite3`` and ``kb-<version>.jsonl`` into ``directory``; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    version = current() or 0
    about = {
        "content_version": version,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "licence": LICENCE,
        "site": getattr(settings, "SITE_NAME", "Smart-vehicle compliance KB"),
    }
    stem = f"kb-{version}"
    sqlite_path, jsonl_path = directory / f"{stem}.sqlite3", directory / f"{stem}.jsonl"
    partial_sqlite, partial_jsonl = sqlite_path.with_suffix(".partial"), jsonl_path.with_suffix(".jsonl.partial")
    partial_sqlite.unlink(missing_ok=True)
    encode = DjangoJSONEncoder(ensure_ascii=False).encode
    with sqlite3.connect(partial_sqlite) as database, partial_jsonl.open("w", encoding="utf-8") as lines:
        database.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        database.executemany("INSERT INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in about.items()])
        lines.write(encode({"type": "meta", **about}) + "\n")
        for table in tables():
            write_table(database, lines, table, encode)
    partial_sqlite.replace(sqlite_path)
    partial_jsonl.replace(jsonl_path)
    return sqlite_path, jsonl_path


def write_table(database: sqlite3.Connection, lines, table: Table, encode) -> None:
    """One table into both files. Names in the SQL are this module's own constants, never input."""
    columns = list(table.rows.query.values_select) + list(table.rows.query.annotation_select)
    quoted = ", ".join(f'"{column}"' for column in columns)
    declared = ", ".join(f'"{c}"' + (" INTEGER PRIMARY KEY" if c == "id" else "") for c in columns)
    database.execute(f'CREATE TABLE "{table.name}" ({declared})')
    marks = ", ".join("?" for _ in columns)
    insert = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'  # noqa: S608 - our own table names
    for row in table.rows.order_by("id").iterator(chunk_size=CHUNK):
        database.execute(insert, [cell(row[column]) for column in columns])
        lines.write(encode({"type": table.name, **row}) + "\n")
    if table.search:
        searched, index = ", ".join(table.search), f"{table.name}_fts"
        database.execute(
            f'CREATE VIRTUAL TABLE "{index}" USING fts5({searched}, content="{table.name}", content_rowid="id")'
        )
        fill = f'INSERT INTO "{index}" (rowid, {searched}) SELECT id, {searched} FROM "{table.name}"'  # noqa: S608
        database.execute(fill)


def cell(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def published_files(directory: Path) -> list[Path]:
    """The open-data files in ``directory``, newest content version first."""
    found = [path for path in directory.glob("kb-*") if path.suffix in (".sqlite3", ".jsonl")]
    return sorted(found, key=lambda path: (-version_of(path), path.suffix))


def version_of(path: Path) -> int:
    number = path.stem.removeprefix("kb-")
    return int(number) if number.isdigit() else -1


def superseded(directory: Path, kept: tuple[Path, ...]) -> list[Path]:
    return [path for path in published_files(directory) if path not in kept]
