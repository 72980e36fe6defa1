"""Time checklist exports (CSV and XLSX) for 1k, 10k and 100k rows.

    .venv/bin/python bench/checklist_exports.py [--database-url URL] [--sizes 1000 10000 100000]

Builds a fresh database (a temporary SQLite file unless --database-url names an
empty PostgreSQL database), generates rules with 100 requirements each in one
jurisdiction, then times the real view end to end (builder + writer, response
fully consumed) and prints a Markdown table for bench/README.md.
"""

import argparse
import datetime as dt
import tempfile
import time
import tracemalloc

from benchsetup import configure

PER_RULE = 100


def setup(database_url: str) -> None:
    configure(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def grow_to(place, rows: int) -> None:
    from regulations import models as m

    have = m.Requirement.objects.filter(rule__jurisdiction=place).count()
    first = have // PER_RULE
    rules = m.Rule.objects.bulk_create(
        m.Rule(
            slug=f"bench-{n}",
            jurisdiction=place,
            title=f"Benchmark vehicle data rule {n}",
            citation=f"Benchmark Act {n}",
            instrument=m.Instrument.REGULATION,
            applies_from=dt.date(2024, 1, 1),
            summary="Generated for the export benchmark.",
            state=m.CurationState.PUBLISHED,
        )
        for n in range(first, rows // PER_RULE)
    )
    m.Requirement.objects.bulk_create(
        (
            m.Requirement(
                rule=rule,
                key=f"art-{k}",
                reference=f"Art. {k}",
                obligation=f"Keep the records of duty {k} of {rule.title} and show them to the authority on request.",
                evidence="Records and an audit trail.",
                order=k,
            )
            for rule in rules
            for k in range(PER_RULE)
        ),
        batch_size=5000,
    )


def export(fmt: str) -> int:
    """Request the export through the real view and consume it; return its size in bytes."""
    from django.test import Client

    response = Client().get("/checklist/", {"applies_in": "qb", "format": fmt})
    return sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)


def measure(fmt: str) -> tuple[float, int, float]:
    """Seconds (a plain run), size, and peak Python memory (a second run under tracemalloc, which is slower)."""
    started = time.perf_counter()
    size = export(fmt)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    export(fmt)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, size, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--sizes", nargs="+", type=int, default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(args.database_url or f"sqlite:///{folder}/bench.sqlite3")
        from django.db import connection

        from regulations.models import Jurisdiction

        place = Jurisdiction.objects.create(code="QB", name="Benchland", kind="country")
        print(f"database: {connection.vendor}")
        print("| rows | format | seconds | rows/s | file size | peak Python memory (tracemalloc) |")
        print("|---:|---|---:|---:|---:|---:|")
        for rows in args.sizes:
            grow_to(place, rows)
            for fmt in ("csv", "xlsx"):
                elapsed, size, peak = measure(fmt)
                figures = [f"{rows:,}", fmt, f"{elapsed:.2f}", f"{rows / elapsed:,.0f}", f"{size / 1e6:.1f} MB"]
                print("| " + " | ".join([*figures, f"{peak / 1e6:.1f} MB"]) + " |")


if __name__ == "__main__":
    main()
