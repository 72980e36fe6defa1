"""Writes to the knowledge base: each one atomic and attributed to a user."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from .models import ChangeEvent, ChangeKind, CurationState, Instrument, Requirement, Rule, RuleTransition

PUBLISH = "regulations.publish_rule"
EDIT = "regulations.change_rule"
# Which moves exist, and the permission each needs beyond editing rules.
TRANSITIONS = {
    (CurationState.DRAFT, CurationState.IN_REVIEW): None,
    (CurationState.IN_REVIEW, CurationState.DRAFT): None,
    (CurationState.IN_REVIEW, CurationState.PUBLISHED): PUBLISH,
    (CurationState.PUBLISHED, CurationState.DRAFT): PUBLISH,
}


class TransitionRefused(Exception):
    def __init__(self, rule: Rule, problems: list[str]):
        self.rule, self.problems = rule, problems
        super().__init__(f"{rule}: {'; '.join(problems)}")


def publication_problems(rule: Rule) -> list[str]:
    """Why ``rule`` may not be published yet; empty when it may.

    Uses an annotated ``official_source_count`` when there is one, otherwise counts (one query).
    """
    problems = []
    if not rule.citation:
        problems.append("it has no citation")
    if not rule.applies_from and rule.instrument != Instrument.BILL:
        problems.append("it has no date of application")
    official = getattr(rule, "official_source_count", None)
    if official is None:
        official = rule.sources.filter(official=True).count()
    if not official:
        problems.append("it has no official source (one published by the issuing authority or an official journal)")
    return problems


def available_transitions(rule: Rule, user) -> list[str]:
    """The states ``user`` may move ``rule`` to (publication checks aside)."""
    if not user.has_perm(EDIT):
        return []
    return [
        to for (here, to), needed in TRANSITIONS.items() if here == rule.state and (not needed or user.has_perm(needed))
    ]


def transition_problems(rule: Rule, to_state: str, user) -> list[str]:
    move = (rule.state, to_state)
    if move not in TRANSITIONS:
        here, there = CurationState(rule.state).label.lower(), CurationState(to_state).label.lower()
        return [f"a rule cannot go from {here} to {there} (draft → in review → published, and back to draft)"]
    needed = TRANSITIONS[move]
    if not user.has_perm(EDIT) or (needed and not user.has_perm(needed)):
        return ["only a reviewer may publish or unpublish a rule" if needed else "you may not edit rules"]
    return publication_problems(rule) if to_state == CurationState.PUBLISHED else []


def reviewer_name(user) -> str:
    """How a check is signed on the rule: the user's full name, else their username."""
    return (user.get_full_name() or user.get_username())[:150]


@transaction.atomic
def mark_checked(*, rules, user) -> int:
    """Record that ``rules``' facts were checked against their official sources today, by ``user``."""
    today, name, count = timezone.localdate(), reviewer_name(user), 0
    for rule in Rule.objects.select_for_update().filter(pk__in=[r.pk for r in rules]):
        rule.last_reviewed_on, rule.last_reviewed_by, rule.revision = today, name, rule.revision + 1
        rule._history_user, rule._change_reason = user, "Facts checked against the official source"
        rule.save(update_fields=["last_reviewed_on", "last_reviewed_by", "revision", "updated_at"])
        count += 1
    return count


@transaction.atomic
def rule_transition(*, rule: Rule, to_state: str, user, note: str = "") -> RuleTransition:
    """Move ``rule`` to ``to_state`` if the move and the user allow it; record who and when."""
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    problems = transition_problems(rule, to_state, user)
    if problems:
        raise TransitionRefused(rule, problems)
    from_state = rule.state
    first_publication = not rule.transitions.filter(to_state=CurationState.PUBLISHED).exists()
    rule.state, rule.revision = to_state, rule.revision + 1
    if to_state == CurationState.PUBLISHED:
        rule.last_reviewed_on, rule.last_reviewed_by = timezone.localdate(), reviewer_name(user)
    rule._history_user = user
    rule._change_reason = f"{CurationState(from_state).label} → {CurationState(to_state).label}"
    rule.save(update_fields=["state", "last_reviewed_on", "last_reviewed_by", "revision", "updated_at"])
    transition = RuleTransition.objects.create(rule=rule, from_state=from_state, to_state=to_state, by=user, note=note)
    if to_state == CurationState.PUBLISHED:
        kind, summary = (
            (ChangeKind.PUBLISHED, f"{rule} added to our content after review.")
            if first_publication
            else (ChangeKind.REVISED, f"{rule} published again after review.")
        )
        ChangeEvent.objects.create(rule=rule, kind=kind, summary=summary, by=user)
    return transition


def rules_transition(*, rules, to_state: str, user) -> tuple[list[Rule], dict[Rule, list[str]]]:
    """Move each of ``rules``; return (moved, refused with reasons). Each move is its own transaction."""
    moved, refused = [], {}
    for rule in rules:
        try:
            rule_transition(rule=rule, to_state=to_state, user=user)
        except TransitionRefused as error:
            refused[rule] = error.problems
        else:
            moved.append(rule)
    return moved, refused


DATE_FIELDS = {"adopted_on": "adoption date", "applies_from": "date of application", "applies_until": "end date"}


def record_rule_changes(*, before: dict, rule: Rule, user) -> list[ChangeEvent]:
    """Log the public-facing changes of a saved published rule: amended dates, a repeal."""
    return ChangeEvent.objects.bulk_create(rule_change_events(before=before, rule=rule, user=user))


def rule_change_events(*, before: dict, rule: Rule, user) -> list[ChangeEvent]:
    """The change events (unsaved) of a saved published rule whose dates were ``before``."""
    if rule.state != CurationState.PUBLISHED:
        return []
    events = []
    changed = [name for name in DATE_FIELDS if before.get(name) != getattr(rule, name)]
    if "applies_until" in changed and rule.applies_until and not before.get("applies_until"):
        events.append(
            ChangeEvent(
                rule=rule,
                kind=ChangeKind.REPEALED,
                by=user,
                summary=f"{rule} repealed or expiring: it applies until {display(rule.applies_until)}.",
            )
        )
        changed.remove("applies_until")
    if changed:
        details = "; ".join(
            f"{DATE_FIELDS[name]} {display(before.get(name))} → {display(getattr(rule, name))}" for name in changed
        )
        events.append(ChangeEvent(rule=rule, kind=ChangeKind.DATES_AMENDED, by=user, summary=f"{rule}: {details}."))
    return events


def record_new_requirements(*, requirements: list[Requirement], user) -> list[ChangeEvent]:
    """Log requirements added to published rules."""
    events = [
        ChangeEvent(
            rule=requirement.rule,
            requirement=requirement,
            kind=ChangeKind.REQUIREMENT_ADDED,
            by=user,
            summary=f"New requirement in {requirement.rule}: {requirement.reference or requirement.key}.",
        )
        for requirement in requirements
        if requirement.rule.state == CurationState.PUBLISHED
    ]
    return ChangeEvent.objects.bulk_create(events)


def display(date) -> str:
    return date_format(date, "j F Y") if date else "none"
