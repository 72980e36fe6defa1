"""Exports stream in flat memory: the peak does not grow with the number of rows.

The CSV writer is held to it at 100,000 generated rows; the builder, reading real
requirements from the database in chunks, at 2,000 and 20,000.
"""

import datetime as dt
import tracemalloc

import pytest
from django.urls import reverse
from django.utils import timezone

from regulations import models as m
from regulations.checklists import Checklist, ChecklistQuery, columns_for
from regulations.exports import csv_response

from .factories import JurisdictionFactory


def peak_while_streaming(make_response) -> tuple[int, int]:
    """(lines, peak bytes allocated) while a streamed response is consumed chunk by chunk."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    lines = sum(chunk.count(b"\n") for chunk in make_response().streaming_content)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return lines, peak


def generated_rows(count: int):
    for n in range(count):
        yield {
            "applies_in": "DE",
            "force": "binding",
            "reason": "via EU membership since 1 January 1958",
            "rule": f"GR {n // 100}",
            "citation": f"Generated Regulation {n // 100}",
            "rule_title": f"Generated vehicle data rule {n // 100}",
            "reference": f"Art. {n % 100}",
            "reference_status": "checked",
            "kind": "Obligation",
            "obligation": f"Keep the records of duty {n} and show them to the authority on request.",
            "topics": "Data security, Personal data",
            "applies_from": dt.date(2027, 1, 1),
            "bites": "not yet",
            "milestones": "New types 2027-01-01 (EU); All new vehicles 2029-01-01 (EU)",
            "evidence": "Records and an audit trail.",
            "permalink": f"https://kb.example/rules/gr-{n // 100}/requirements/art-{n % 100}/",
            "source_url": "https://example.org/law",
            "status": "",
            "owner": "",
            "notes": "",
        }


def generated_checklist(count: int) -> Checklist:
    query = ChecklistQuery()
    return Checklist(query, columns_for(query), generated_rows(count), timezone.now(), "generated")


@pytest.mark.database_independent
def test_the_csv_writer_streams_100000_rows_in_flat_memory():
    peak_while_streaming(lambda: csv_response(generated_checklist(1000)))  # warm up
    small_lines, small_peak = peak_while_streaming(lambda: csv_response(generated_checklist(10_000)))
    large_lines, large_peak = peak_while_streaming(lambda: csv_response(generated_checklist(100_000)))
    assert (small_lines, large_lines) == (10_001, 100_001)
    assert large_peak < small_peak + 500_000  # ten times the rows, the same memory
    assert large_peak < 5_000_000


def generate_requirements(place, first: int, rules: int, per_rule: int = 100) -> None:
    created = m.Rule.objects.bulk_create(
        m.Rule(
            slug=f"memory-{n}",
            jurisdiction=place,
            title=f"Generated vehicle data rule {n}",
            citation=f"Generated Act {n}",
            instrument=m.Instrument.REGULATION,
            applies_from=dt.date(2024, 1, 1),
            summary="Generated for a memory test.",
            state=m.CurationState.PUBLISHED,
        )
        for n in range(first, first + rules)
    )
    m.Requirement.objects.bulk_create(
        (
            m.Requirement(rule=rule, key=f"art-{k}", reference=f"Art. {k}", obligation=f"Keep records of duty {k}.")
            for rule in created
            for k in range(per_rule)
        ),
        batch_size=5000,
    )


@pytest.mark.django_db
def test_the_builder_streams_requirements_from_the_database(client):
    place = JurisdictionFactory(code="QM", name="Memoria")

    def export():
        return client.get(reverse("regulations:checklist"), {"applies_in": "qm", "format": "csv"})

    generate_requirements(place, 0, 20)
    peak_while_streaming(export)  # warm up
    small_lines, small_peak = peak_while_streaming(export)
    generate_requirements(place, 20, 180)
    large_lines, large_peak = peak_while_streaming(export)
    assert (small_lines, large_lines) == (2_001, 20_001)
    assert large_peak < 1.5 * small_peak + 3_000_000
