"""Each market's answer to each standard question on a day, worked out from the answers' cited requirements.

An answer is written once, by the jurisdiction whose law it reads, and travels with the
rules it cites: a market takes every published answer whose cited requirements reach it
(the one applicability function decides, with its force), holding from the day the
earliest of those requirements binds there (its phase-in milestone for a new vehicle
type, else its deadline or the day its rule binds). The strongest reading heads the cell;
where nothing reaches, the market's own finding says "no rule: checked on <day>", and
without one its coverage tells "no rule found in the law researched" from "not covered yet".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from regulations.applicability import Applicability, applicabilities, read_applications
from regulations.checklists import effective_date
from regulations.content_memo import remembered
from regulations.coverage import DomainCoverage, coverage_of, long_date
from regulations.force import STRENGTH, Force, ForceWords
from regulations.milestones import by_rule, phase_in
from regulations.models import (
    Answer,
    AnswerValue,
    Instrument,
    Jurisdiction,
    Question,
    Requirement,
    Rule,
    VehicleSituation,
)
from regulations.reasons import Verdict

# What a cell reads of a cited requirement's rule: its force, its dates and its name.
RULE_FIELDS = [
    "pk",
    "slug",
    "jurisdiction",
    "jurisdiction__code",
    "jurisdiction__name",
    "short_name",
    "title",
    "instrument",
    "binding_by_itself",
    "treaty_instrument",
    "applies_from",
    "applies_until",
]
VALUE_RANK = {AnswerValue.YES: 3, AnswerValue.PARTLY: 2, AnswerValue.NO: 1}


class Status:
    """What a cell says, as a stable key for CSS, exports and the map legend."""

    YES, PARTLY, NO = AnswerValue.YES.value, AnswerValue.PARTLY.value, AnswerValue.NO.value
    NOT_YET = "not_yet"
    NOT_MANDATORY = "not_mandatory"
    NO_RULE = "no_rule"
    NONE_FOUND = "none_found"
    NOT_COVERED = "not_covered"

    LABELS = {
        YES: "Yes",
        PARTLY: "Partly",
        NO: "No",
        NO_RULE: "No rule (checked)",
        NOT_YET: "Not yet",
        NOT_MANDATORY: "Only recognised or advisory",
        NONE_FOUND: "No rule found",
        NOT_COVERED: "Not covered yet",
    }
    ORDER = [YES, PARTLY, NOT_YET, NOT_MANDATORY, NO, NO_RULE, NONE_FOUND, NOT_COVERED]


@dataclass
class Reading(ForceWords):
    """One answer as it holds in one market: with what force, from when, and through which law."""

    answer: Answer
    force: Force | None
    holds_from: dt.date | None
    requirements: list[Requirement]
    verdict: Verdict  # the strongest of its cited rules' verdicts here

    @cached_property
    def through(self) -> str:
        """How it reaches the market, in words (worked out only for what is shown)."""
        if self.answer.jurisdiction_id == self.verdict.jurisdiction.pk:
            return "its own law"
        return "; ".join(reason.path for reason in self.verdict.grounds)

    def holds_on(self, on: dt.date) -> bool:
        return self.holds_from is not None and self.holds_from <= on

    def sort_key(self, on: dt.date) -> tuple:
        return (STRENGTH[self.force], self.holds_on(on), VALUE_RANK[self.answer.value])


@dataclass
class Cell:
    """One market's answer to one question on ``on``: its readings, strongest first, or its coverage."""

    market: Jurisdiction
    question: Question
    on: dt.date
    readings: list[Reading] = field(default_factory=list)
    coverage: DomainCoverage | None = None
    finding: Answer | None = None  # the market's own dated "no rule", shown only when nothing reaches it

    @property
    def headline(self) -> Reading | None:
        return self.readings[0] if self.readings else None

    @cached_property
    def status(self) -> str:
        if self.headline is None and self.finding is not None:
            return Status.NO_RULE
        if self.headline is None:
            researched = self.coverage is not None and not self.coverage.uncovered
            return Status.NONE_FOUND if researched else Status.NOT_COVERED
        if not self.headline.holds_on(self.on) and self.headline.holds_from is not None:
            return Status.NOT_YET
        if self.headline.force != Force.BINDING and self.headline.answer.value != AnswerValue.NO:
            return Status.NOT_MANDATORY
        return self.headline.answer.value

    @cached_property
    def label(self) -> str:
        """The short value: "Yes", "Partly", "Not yet: from 1 July 2027", "No rule found" ..."""
        status = self.status
        if status == Status.NOT_YET:
            value = self.headline.answer.get_value_display().lower()
            return f"Not yet: {value} from {long_date(self.headline.holds_from)}"
        if status == Status.NOT_MANDATORY:
            return f"{self.headline.answer.get_value_display()}, but {self.headline.label.lower()}"
        if status == Status.NO_RULE:
            return f"No rule: checked {long_date(self.finding.checked_on)}"
        return Status.LABELS[status]

    @cached_property
    def explanation(self) -> str:
        if self.headline is not None:
            return self.headline.answer.explanation
        if self.finding is not None:
            return self.finding.explanation
        if self.coverage is None:
            return ""
        if self.status == Status.NONE_FOUND:
            return f"No requirement on this in the law researched ({self.coverage.describe()})."
        return f"Not covered yet: {self.coverage.describe().removeprefix('not covered yet: ')}."

    def same_as(self, other: Cell) -> bool:
        """Whether ``other`` says the same: the same answers, holding from the same days with the same force."""

        def said(cell: Cell) -> tuple:
            readings = tuple((r.answer.pk, r.holds_from, r.force) for r in cell.readings)
            finding = cell.finding.pk if cell.finding and not readings else None
            return cell.status, readings, finding, "" if readings else cell.explanation

        return said(self) == said(other)

    @property
    def holds_from(self) -> dt.date | None:
        return self.headline.holds_from if self.headline else None

    @property
    def force(self) -> Force | None:
        return self.headline.force if self.headline else None


def question_domain(question: Question):
    """The mission domain (top-level topic) a question is researched under."""
    return question.topic.parent or question.topic


def published_answers(questions: list[Question], on: dt.date) -> list[Answer]:
    """The published answers to ``questions``, each with ``cited``: its requirements of published rules current on
    ``on``, in their rule's order. The same for every market, so kept per content version (``content_memo``)."""
    key = ("provision answers", on, tuple(question.pk for question in questions))
    return remembered(key, lambda: read_answers(questions, on))


def read_answers(questions: list[Question], on: dt.date) -> list[Answer]:
    """Five queries: the answers, their links to requirements and to the rules findings read, the requirements,
    and the rules of both."""
    answers = list(
        Answer.objects.published()
        .filter(question__in=questions)
        .select_related("jurisdiction")
        .defer("internal_note")
        .order_by("jurisdiction__code", "pk")
    )
    by_answer = linked(Answer.rests_on.through, answers, "requirement_id")
    # A subquery, not the list: an empty list would skip the query and change the page's count.
    findings = Answer.objects.published().filter(question__in=questions, value=AnswerValue.NONE)
    read_by_finding = linked(Answer.checked_rules.through, findings, "rule_id")
    wanted = {pk for found in by_answer.values() for pk in found}
    requirements = {
        r.pk: r
        for r in Requirement.objects.filter(pk__in=wanted)
        .current_on(on)
        .only("pk", "rule_id", "key", "reference", "deadline", "order")
    }
    read = {pk for found in read_by_finding.values() for pk in found}
    rules = {
        rule.pk: rule
        for rule in Rule.objects.published()
        .filter(pk__in={r.rule_id for r in requirements.values()} | read)
        .select_related("jurisdiction")
        .only(*RULE_FIELDS)
    }
    public = {pk: r for pk, r in requirements.items() if r.rule_id in rules}
    for requirement in public.values():
        requirement.rule = rules[requirement.rule_id]
    for answer in answers:
        found = [public[pk] for pk in by_answer.get(answer.pk, []) if pk in public]
        answer.cited = sorted(found, key=lambda r: (r.rule.jurisdiction.code, r.rule.title, r.order))
        answer.read = sorted((rules[pk] for pk in read_by_finding.get(answer.pk, []) if pk in rules), key=str)
    return answers


def linked(through, answers, column: str) -> dict[int, list[int]]:
    """``column`` of each of ``answers``' rows in the many-to-many table ``through``, by answer."""
    found: dict[int, list[int]] = {}
    for answer_id, pk in through.objects.filter(answer__in=answers).values_list("answer_id", column):
        found.setdefault(answer_id, []).append(pk)
    return found


def in_law(rule: Rule, on: dt.date) -> bool:
    """Made and not repealed on ``on``: a bill answers nothing, whatever it proposes."""
    return rule.instrument != Instrument.BILL and not (rule.applies_until and rule.applies_until <= on)


def reading(answer: Answer, reach: Applicability, verdicts: dict[int, Verdict], milestones) -> Reading | None:
    """How ``answer`` holds in ``reach``'s market, or None when none of its cited requirements reaches it."""
    markets = set(reach.reaching)
    reached = []
    for requirement in answer.cited:
        rule: Rule = requirement.rule
        verdict = verdicts.get(rule.pk)  # only rules in law that reach here
        if verdict is None:
            continue
        phase = phase_in(milestones.get(rule.pk, ()), requirement.pk, markets, VehicleSituation.NEW_TYPE)
        start = phase.start if phase.milestones else effective_date(requirement, verdict)
        reached.append((verdict, start, requirement))
    if not reached:
        return None
    force = max((verdict.force for verdict, _, _ in reached), key=STRENGTH.__getitem__)
    strongest = [(verdict, start, r) for verdict, start, r in reached if verdict.force == force]
    starts = [start for _, start, _ in strongest if start]
    return Reading(answer, force, min(starts, default=None), [r for _, _, r in reached], strongest[0][0])


def provision_cells(markets: list[Jurisdiction], questions: list[Question], on: dt.date) -> dict[tuple[int, int], Cell]:
    """Every market's cell for every question, keyed by (market pk, question pk), in a fixed number of queries."""
    answers = published_answers(questions, on)
    rules = {r.rule.pk: r.rule for answer in answers for r in answer.cited}
    milestones = by_rule(rules)
    reaches = applicabilities(markets, on)
    read_applications(reaches.values(), on)
    coverages = coverage_of(markets, on, reaches)
    by_question: dict[int, list[Answer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    findings = {(a.jurisdiction_id, a.question_id): a for a in answers if a.is_finding}
    cells = {}
    for market in markets:
        reach = reaches[market.pk]
        verdicts = {pk: v for pk, v in reach.verdicts(rules.values()).items() if v.force and in_law(rules[pk], on)}
        for question in questions:
            reaching = [a for a in by_question.get(question.pk, []) if any(r.rule_id in verdicts for r in a.cited)]
            found = [reading(answer, reach, verdicts, milestones) for answer in reaching]
            readings = sorted((r for r in found if r), key=lambda r: r.sort_key(on), reverse=True)
            coverage = coverages[market.pk].for_topic(question_domain(question))
            finding = findings.get((market.pk, question.pk))
            cells[market.pk, question.pk] = Cell(market, question, on, readings, coverage, finding)
    return cells
