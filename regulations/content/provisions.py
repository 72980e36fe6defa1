"""Read ``fixtures/provisions/`` (the standard questions and each jurisdiction's answers) and check them.

An answer rests on requirements of its own jurisdiction's rules: that is what lets the
product carry it to every market those rules reach, with their force and dates. A
finding (value ``none``) rests on none: it records a dated search that found no rule,
with what was searched and the rules read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .entries import CODE, REQUIREMENT_REF, SLUG, STATES, Entry, Problems, read_yaml
from .readiness import RequirementRef
from .rules import Rule

GROUPS = {"data-security", "cross-border-data-transfer", "road-safety", "supply-chain"}
FINDING = "none"
VALUES = {"yes", "partly", "no", FINDING}
EXPLANATION_LENGTH = 240  # models.provisions.EXPLANATION_LENGTH; content is checked without Django


@dataclass
class Question:
    slug: str
    group: str
    topic: str
    label: str
    text: str
    yes_means: str
    order: int


@dataclass
class Answer:
    question: str
    jurisdiction: str
    value: str
    explanation: str
    rests_on: list[RequirementRef]
    state: str
    internal_note: str
    origin: str = ""
    checked_on: dt.date | None = None
    searched: str = ""
    checked_rules: list[str] = field(default_factory=list)


@dataclass
class Provisions:
    questions: list[Question] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)


def read_provisions(root: Path, problems: Problems) -> Provisions:
    """The questions in ``root/questions.yaml`` and the answers in ``root/answers/*.yaml``."""
    found = Provisions()
    if not root.exists():
        return found
    path = root / "questions.yaml"
    e = Entry(read_yaml(path), path.name, problems, {"questions"})
    for order, data in enumerate(e.items("questions"), 1):
        where = f"{path.name} question {order}"
        q = Entry(data, where, problems, {"slug", "group", "topic", "label", "text", "yes_means"})
        found.questions.append(
            Question(
                slug=q.pattern("slug", SLUG),
                group=q.text("group", choices=GROUPS),
                topic=q.pattern("topic", SLUG),
                label=q.text("label"),
                text=q.text("text"),
                yes_means=q.text("yes_means"),
                order=order,
            )
        )
    for path in sorted((root / "answers").glob("*.yaml")):
        e = Entry(read_yaml(path), path.name, problems, {"answers"})
        for i, data in enumerate(e.items("answers"), 1):
            found.answers.append(read_answer(data, f"{path.name} answer {i}", problems))
    return found


def read_answer(data, where: str, problems: Problems) -> Answer:
    allowed = {"question", "jurisdiction", "value", "explanation", "rests_on", "state", "internal_note"}
    a = Entry(data, where, problems, allowed | {"checked_on", "searched", "checked_rules"})
    explanation = a.text("explanation")
    if "\n" in explanation or len(explanation) > EXPLANATION_LENGTH:
        problems.add(where, f"explanation must be one line of at most {EXPLANATION_LENGTH} characters")
    refs = []
    for ref in a.items("rests_on"):
        if not isinstance(ref, str) or not REQUIREMENT_REF.match(ref):
            problems.add(where, f"rests_on {ref!r} is not rule-slug/requirement-key")
            continue
        refs.append(RequirementRef(*ref.split("/")))
    value = a.text("value", choices=VALUES)
    finding = read_finding(a, where, problems) if value == FINDING else {}
    if value == FINDING and refs:
        problems.add(where, "a finding (value none) rests on no requirement: name the rules read in checked_rules")
    if value != FINDING and not refs:
        problems.add(where, "rests_on must cite at least one requirement")
    if value != FINDING and any(key in data for key in ("checked_on", "searched", "checked_rules")):
        problems.add(where, "checked_on, searched and checked_rules belong to a finding (value none) only")
    return Answer(
        question=a.pattern("question", SLUG),
        jurisdiction=a.pattern("jurisdiction", CODE),
        value=value,
        explanation=explanation,
        rests_on=refs,
        state=a.text("state", choices=STATES),
        internal_note=a.text("internal_note", required=False),
        origin=where,
        **finding,
    )


def read_finding(a: Entry, where: str, problems: Problems) -> dict:
    """A finding's day, what was searched and the rules read: all three are required."""
    checked_on = a.date("checked_on")
    if checked_on is None:
        problems.add(where, "a finding needs checked_on, the day of the search")
    rules = [slug for slug in a.items("checked_rules") if isinstance(slug, str) and SLUG.match(slug)]
    if not rules or len(rules) != len(a.items("checked_rules")):
        problems.add(where, "a finding needs checked_rules: the slugs of the rules read")
    return {"checked_on": checked_on, "searched": a.text("searched"), "checked_rules": rules}


def check_provisions(provisions: Provisions, rules: list[Rule], topics: set[str], problems: Problems) -> None:
    """Questions are unique and tagged; each answer cites requirements of its own jurisdiction's rules,
    published ones only when it is published itself, and answers each question once per jurisdiction."""
    slugs = [q.slug for q in provisions.questions]
    for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
        problems.add("questions.yaml", f"question {slug!r} defined twice")
    for question in provisions.questions:
        if question.topic not in topics:
            problems.add("questions.yaml", f"{question.slug}: unknown topic {question.topic!r}")
    by_slug = {rule.slug: rule for rule in rules}
    keys = {(rule.slug, r.key) for rule in rules for r in rule.requirements}
    seen: dict[tuple[str, str], str] = {}
    for answer in provisions.answers:
        where = answer.origin
        if answer.question not in slugs:
            problems.add(where, f"unknown question {answer.question!r}")
        pair = (answer.question, answer.jurisdiction)
        if pair in seen:
            problems.add(where, f"{answer.jurisdiction} already answers {answer.question} ({seen[pair]})")
        seen[pair] = where
        for ref in answer.rests_on:
            rule = by_slug.get(ref.rule)
            if rule is None or (ref.rule, ref.key) not in keys:
                problems.add(where, f"unknown requirement {ref.rule}/{ref.key}")
                continue
            if rule.jurisdiction != answer.jurisdiction:
                problems.add(where, f"{ref.rule} is a rule of {rule.jurisdiction}, not of {answer.jurisdiction}")
            if answer.state == "published" and rule.state != "published":
                problems.add(where, f"published, but it rests on {ref.rule}, which is still in review")
        read = [by_slug.get(slug) for slug in answer.checked_rules]
        for slug in [slug for slug, rule in zip(answer.checked_rules, read, strict=True) if rule is None]:
            problems.add(where, f"unknown rule {slug!r} in checked_rules")
        if answer.checked_rules and answer.state == "published" and not any(r and r.state == "published" for r in read):
            problems.add(where, "published, but none of the rules it read is published")
