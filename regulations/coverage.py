"""How far the law that reaches a place has been researched, domain by domain.

A place's rules are made by the place itself, its ancestors (the US for US-CA) and
the unions it belongs to on the day (the EU for Germany): the *makers* that
``Applicability.reaching`` holds. For each mission domain the answer is

- *covered*: every maker's own law was researched (each has a ``Coverage`` row);
- *partly covered*: some were (the EU's) and some not (a new member's own law);
- *not covered yet*: none was, so an empty list means "nobody looked", never
  "nothing applies".

Treaty bodies are not makers: a UN Regulation reaches a party by recognition or
through a rule that makes it binding, and that rule's maker is what was researched.
Costs two queries for any number of places (coverage rows, domain topics), plus one
for memberships unless the caller passes the ``Applicability`` objects it already has.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.text import get_text_list

from .applicability import Applicability, applicabilities
from .models import Coverage, Domain, Jurisdiction, Topic
from .reasons import StepKind

LONG_DATE = "j F Y"
EMPTY_WARNING = "Where a domain is not covered, an empty list does not mean that nothing applies."


class CoverageState(enum.Enum):
    COVERED = "covered"
    PARTIAL = "partial"
    NOT_COVERED = "not_covered"

    @property
    def label(self) -> str:
        return {"covered": "researched", "partial": "partly covered", "not_covered": "not covered yet"}[self.value]

    @property
    def token(self) -> str:
        """The state in the machine-readable ``Coverage`` response header."""
        return {"covered": "covered", "partial": "partly-covered", "not_covered": "not-covered"}[self.value]


class StateWords:
    """What templates ask of a coverage: its label, and whether it is covered or not covered at all."""

    state: CoverageState

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def covered(self) -> bool:
        return self.state is CoverageState.COVERED

    @property
    def uncovered(self) -> bool:
        return self.state is CoverageState.NOT_COVERED


@dataclass(frozen=True)
class Research:
    """One maker's own law, researched for a domain as of a day."""

    jurisdiction: Jurisdiction
    researched_on: dt.date
    note: str


def names(jurisdictions) -> str:
    return get_text_list([j.name for j in jurisdictions], "and")


def long_date(day: dt.date) -> str:
    return date_format(day, LONG_DATE)


@dataclass(frozen=True)
class DomainCoverage(StateWords):
    """How far the law reaching ``place`` in ``domain`` was researched."""

    place: Jurisdiction
    domain: Topic
    researched: tuple[Research, ...]
    missing: tuple[Jurisdiction, ...]

    @property
    def state(self) -> CoverageState:
        if not self.researched:
            return CoverageState.NOT_COVERED
        return CoverageState.PARTIAL if self.missing else CoverageState.COVERED

    @property
    def researched_on(self) -> dt.date | None:
        """The oldest research date among the makers: the answer is as of that day."""
        return min((r.researched_on for r in self.researched), default=None)

    @property
    def notes(self) -> list[str]:
        return [r.note for r in self.researched if r.note]

    def describe(self) -> str:
        """The state in words, without the domain's name."""
        if self.state is CoverageState.COVERED:
            return f"researched as of {long_date(self.researched_on)}"
        if self.state is CoverageState.PARTIAL:
            done = names(r.jurisdiction for r in self.researched)
            return (
                f"{done} law researched as of {long_date(self.researched_on)}; "
                f"that of {names(self.missing)} not covered yet"
            )
        return f"not covered yet: the law of {names(self.missing)} has not been researched"

    def __str__(self) -> str:
        return f"{self.domain.name}: {self.describe()}"

    def as_dict(self) -> dict:
        return {
            "jurisdiction": self.place.code,
            "domain": self.domain.slug,
            "state": self.state.value,
            "researched": [
                {"jurisdiction": r.jurisdiction.code, "researched_on": r.researched_on.isoformat(), "note": r.note}
                for r in self.researched
            ],
            "not_researched": [j.code for j in self.missing],
        }


@dataclass(frozen=True)
class PlaceCoverage(StateWords):
    """The coverage of each mission domain (or of those asked about) in one place."""

    place: Jurisdiction
    domains: tuple[DomainCoverage, ...]

    @property
    def state(self) -> CoverageState:
        states = {domain.state for domain in self.domains}
        if states == {CoverageState.NOT_COVERED}:
            return CoverageState.NOT_COVERED
        return CoverageState.COVERED if states <= {CoverageState.COVERED} else CoverageState.PARTIAL

    @property
    def gaps(self) -> list[DomainCoverage]:
        return [domain for domain in self.domains if not domain.covered]

    def for_topic(self, topic: Topic) -> DomainCoverage | None:
        """The coverage of the domain ``topic`` belongs to; None for a topic outside the mission domains."""
        root = topic.parent_id or topic.pk
        return next((domain for domain in self.domains if domain.domain.pk == root), None)

    def only(self, topics) -> PlaceCoverage:
        """Narrowed to the domains of ``topics`` (all domains when no topic is given)."""
        if not topics:
            return self
        roots = {topic.parent_id or topic.pk for topic in topics}
        return PlaceCoverage(self.place, tuple(d for d in self.domains if d.domain.pk in roots))

    def describe(self) -> str:
        """One sentence for exports and notes: what was researched, and what not, domain by domain."""
        groups: dict[tuple, list[DomainCoverage]] = {}
        for domain in self.domains:
            key = (domain.state, tuple(r.jurisdiction.pk for r in domain.researched), domain.missing)
            groups.setdefault(key, []).append(domain)
        parts = []
        for members in groups.values():
            first = members[0]
            what = get_text_list([d.domain.name.lower() for d in members], "and")
            if first.state is CoverageState.NOT_COVERED:
                parts.append(f"{what} not covered yet (the law of {names(first.missing)} has not been researched)")
            else:
                parts.append(f"{what}: {first.describe()}")
        sentence = f"{self.place.name} ({self.place.code}): {'; '.join(parts) or 'no mission domain asked about'}."
        return f"{sentence} {EMPTY_WARNING}" if self.gaps else sentence

    def header_tokens(self) -> list[str]:
        return [f"{self.place.code}:{d.domain.slug}={d.state.token}" for d in self.domains]


def makers(reach: Applicability) -> list[Jurisdiction]:
    """The place, its ancestors and its unions on the day: whose own law reaches it."""
    return [reach.jurisdiction if step.kind is StepKind.OWN else step.via for step in reach.reaching.values()]


def domain_topics() -> list[Topic]:
    return list(Topic.objects.filter(slug__in=Domain.values, parent__isnull=True).order_by("order", "name"))


def coverage_of(places, on: dt.date, reaches: dict[int, Applicability] | None = None) -> dict[int, PlaceCoverage]:
    """The coverage of each of ``places`` on ``on``, keyed by pk (two or three queries in all)."""
    places = list(places)
    reaches = reaches if reaches is not None else applicabilities(places, on)
    reaching = {place.pk: makers(reaches[place.pk]) for place in places}
    maker_ids = {maker.pk for found in reaching.values() for maker in found}
    rows: dict[tuple[int, str], Coverage] = {
        (row.jurisdiction_id, row.domain): row for row in Coverage.objects.filter(jurisdiction_id__in=maker_ids)
    }
    topics = domain_topics()
    result = {}
    for place in places:
        domains = []
        for topic in topics:
            researched, missing = [], []
            for maker in reaching[place.pk]:
                row = rows.get((maker.pk, topic.slug))
                if row:
                    researched.append(Research(maker, row.researched_on, row.note))
                else:
                    missing.append(maker)
            domains.append(DomainCoverage(place, topic, tuple(researched), tuple(missing)))
        result[place.pk] = PlaceCoverage(place, tuple(domains))
    return result
