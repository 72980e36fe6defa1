"""Time the admin import (preview, then confirm) of 10,000-row CSV files of rules, requirements and sources.

    .venv/bin/python bench/imports.py [--database-url URL] [--rows 10000]

Builds a fresh database (a temporary SQLite file unless --database-url names an
empty PostgreSQL database), loads the reference content, then, as a logged-in
reviewer, posts each generated file to the admin's import page (the dry-run
preview, rendered in full) and confirms it through the admin's process_import
view: the path a curator's browser takes. Prints a Markdown table for
bench/README.md with the seconds and SQL queries of each request.
"""

import argparse
import csv
import io
import re
import tempfile
import time

from benchsetup import configure

PLACES = ["CN", "DE", "FR", "JP", "BR", "US", "GB", "KR", "IN", "EU"]
TOPICS = ["data-security", "personal-data", "cybersecurity", "road-safety", "software-updates"]
CONFIRM_FIELDS = r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"'


def setup(database_url: str) -> None:
    configure(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # admin pages render with the manifest storage


def as_csv(header: list[str], rows) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return output.getvalue().encode("utf-8")


def rules_file(rows: int, edition: str) -> bytes:
    header = ["slug", "jurisdiction", "title", "citation", "instrument", "topics", "level_min", "level_max"]
    header += ["adopted_on", "applies_from", "summary"]
    return as_csv(
        header,
        (
            [
                f"bench-import-{n}",
                PLACES[n % len(PLACES)],
                f"Benchmark vehicle data rule {n} ({edition})",
                f"Benchmark Import Act {n}",
                "regulation",
                ",".join(TOPICS[n % 3 : n % 3 + 2]),
                n % 3,
                n % 3 + 2,
                f"{1 + n % 28:02d}/05/2024",
                "2025-01-01",
                f"Generated for the import benchmark, {edition} edition.",
            ]
            for n in range(rows)
        ),
    )


def requirements_file(rows: int, per_rule: int = 10) -> bytes:
    header = ["rule", "key", "reference", "kind", "obligation", "deadline", "evidence", "order"]
    return as_csv(
        header,
        (
            [
                f"bench-import-{n // per_rule}",
                f"art-{n % per_rule}",
                f"Art. {n % per_rule}",
                "obligation",
                f"Keep the records of duty {n} and show them to the authority on request.",
                "2026-07-01",
                "Records and an audit trail.",
                n % per_rule,
            ]
            for n in range(rows)
        ),
    )


def sources_file(rows: int, per_rule: int = 2) -> bytes:
    header = ["rule", "url", "title", "publisher", "language", "official", "accessed_on"]
    return as_csv(
        header,
        (
            [
                f"bench-import-{n // per_rule}",
                f"https://example.org/acts/{n // per_rule}/text-{n % per_rule}.html",
                f"Official text {n}",
                "Benchmark Gazette",
                "en",
                "1",
                "2025-11-01",
            ]
            for n in range(rows)
        ),
    )


def timed(client, url: str, data: dict):
    """The response, its wall-clock and CPU seconds (this process) and its number of SQL statements (counted,
    not logged: there may be many)."""
    from django.db import connection

    statements = 0

    def count(execute, *args):
        nonlocal statements
        statements += 1
        return execute(*args)

    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(url, data)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return response, elapsed, cpu, statements


def import_through_admin(client, model: str, content: bytes) -> list[tuple[str, float, float, int, int]]:
    """Preview then confirm ``content`` on the admin import page of ``model``; the figures of each request."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    upload = SimpleUploadedFile(f"{model}.csv", content, content_type="text/csv")
    preview, *preview_figures = timed(
        client, reverse(f"admin:regulations_{model}_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    page = preview.content.decode()
    fields = dict(re.findall(CONFIRM_FIELDS, page))
    if "import_file_name" not in fields:
        raise SystemExit(f"the {model} preview offered no confirmation:\n{page[:3000]}")
    confirm, *confirm_figures = timed(client, reverse(f"admin:regulations_{model}_process_import"), fields)
    if confirm.status_code != 302:
        raise SystemExit(f"the {model} import answered {confirm.status_code}")
    return [("preview", *preview_figures, preview.status_code), ("import", *confirm_figures, confirm.status_code)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(args.database_url or f"sqlite:///{folder}/bench.sqlite3")
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db import connection
        from django.test import Client

        from regulations.models import Requirement, Rule, Source

        reviewer = get_user_model().objects.create_user("bench-reviewer", is_staff=True)
        reviewer.groups.add(Group.objects.get(name="Reviewer"))
        client = Client()
        client.force_login(reviewer)
        rows = args.rows
        files = [
            ("rule", "rules, all new", rules_file(rows, "first")),
            ("rule", "rules, all changed", rules_file(rows, "second")),
            ("requirement", "requirements, all new", requirements_file(rows)),
            ("source", "sources, all new", sources_file(rows)),
        ]
        print(f"database: {connection.vendor}; {rows:,} rows a file")
        print("| file | step | seconds | CPU seconds (Python) | SQL statements | status |")
        print("|---|---|---:|---:|---:|---:|")
        for model, label, content in files:
            for step, seconds, cpu, queries, status in import_through_admin(client, model, content):
                print(f"| {label} | {step} | {seconds:.2f} | {cpu:.2f} | {queries:,} | {status} |", flush=True)
        imported = Rule.objects.filter(slug__startswith="bench-import-")
        print(
            f"after: {imported.count():,} rules, {Requirement.objects.filter(rule__in=imported).count():,} "
            f"requirements, {Source.objects.filter(rule__in=imported).count():,} sources; "
            f"{Rule.history.filter(slug__startswith='bench-import-').count():,} rule history records"
        )


if __name__ == "__main__":
    main()
