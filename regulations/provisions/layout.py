"""What the provision pages lay out: the matrix grouped by domain, one question over the world, one market's answers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from regulations.models import Jurisdiction, JurisdictionKind, Question, QuestionGroup
from regulations.selectors import researched_jurisdictions

from .matrix import Cell, Status, provision_cells
from .world_map import Pictures, Shade, world_map

MapEntry = tuple[Jurisdiction, Cell]


def matrix_rows(markets: list[Jurisdiction], questions: list[Question], on: dt.date) -> list[tuple]:
    """[(group label, [(question, [its cell in each market], its cells merged into runs)])], groups in order."""
    cells = provision_cells(markets, questions, on)
    rows = []
    for group, label in QuestionGroup.choices:
        mine = [q for q in questions if q.group == group]
        if mine:
            lines = [(q, [cells[m.pk, q.pk] for m in markets]) for q in mine]
            rows.append((label, [(q, found, runs(found)) for q, found in lines]))
    return rows


def runs(cells: list[Cell]) -> list[tuple[Cell, list[str]]]:
    """Neighbouring cells that say the same (the same answers, dates and force) as one cell with all their codes:
    EU members side by side read the EU's answer once."""
    merged: list[tuple[Cell, list[str]]] = []
    for cell in cells:
        if merged and merged[-1][0].same_as(cell):
            merged[-1][1].append(cell.market.code)
        else:
            merged.append((cell, [cell.market.code]))
    return merged


def market_answers(market: Jurisdiction, on: dt.date) -> list[tuple]:
    """One market's answer to every question, grouped: the top of its profile."""
    rows = matrix_rows([market], list(Question.objects.select_related("topic__parent")), on)
    return [(label, [(question, cells[0]) for question, cells, _ in questions]) for label, questions in rows]


def mapped_countries() -> list[Jurisdiction]:
    """The countries the map shades: those whose law was researched or that make published rules."""
    return [j for j in researched_jurisdictions() if j.kind == JurisdictionKind.COUNTRY]


def profile_url(place: Jurisdiction) -> str:
    return reverse("regulations:jurisdiction-detail", args=[place.code.lower()])


@dataclass
class QuestionMap:
    question: Question
    on: dt.date
    entries: list[MapEntry]  # the text equivalent: every shaded country and its cell
    pictures: Pictures
    legend: list[tuple[str, str, int]]  # (status, label, how many countries)


def question_map(question: Question, on: dt.date) -> QuestionMap:
    countries = sorted(mapped_countries(), key=lambda j: j.name)
    cells = provision_cells(countries, [question], on)
    entries = [(place, cells[place.pk, question.pk]) for place in countries]
    shades = {place.code: Shade(f"kb-prov-{cell.status}", cell.label, profile_url(place)) for place, cell in entries}
    counts = {status: sum(cell.status == status for _, cell in entries) for status in Status.ORDER}
    legend = [(status, Status.LABELS[status], counts[status]) for status in Status.ORDER]
    return QuestionMap(question, on, entries, world_map(shades), legend)


COVERAGE_LEGEND = [
    ("covered", "Researched in all three domains"),
    ("partial", "Partly covered"),
    ("not_covered", "Not covered yet"),
]


def coverage_map(places: list[Jurisdiction]) -> Pictures:
    """The jurisdiction directory's countries shaded by how far their law was researched (``place.coverage``)."""
    shades = {
        place.code: Shade(f"kb-cov-{place.coverage.state.value}", place.coverage.label, profile_url(place))
        for place in places
        if place.kind == JurisdictionKind.COUNTRY
    }
    return world_map(shades)
