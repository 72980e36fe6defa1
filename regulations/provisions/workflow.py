"""Answers move through the same curation states as rules: draft → in review → published, and back to draft.

Only reviewers publish or unpublish; an answer is published only when it rests on
requirements of published rules (a finding, when a rule it read is published: the page links only those). Each
move is a saved revision with who made it and why (``history``), so the answer's history
reads as a rule's does.
"""

from __future__ import annotations

from django.db import transaction

from regulations.models import Answer, CurationState

PUBLISH_ANSWER = "regulations.publish_answer"
EDIT_ANSWER = "regulations.change_answer"
MOVES = {
    (CurationState.DRAFT, CurationState.IN_REVIEW): None,
    (CurationState.IN_REVIEW, CurationState.DRAFT): None,
    (CurationState.IN_REVIEW, CurationState.PUBLISHED): PUBLISH_ANSWER,
    (CurationState.PUBLISHED, CurationState.DRAFT): PUBLISH_ANSWER,
}


def publication_problems(answer: Answer) -> list[str]:
    """Why ``answer`` may not be published yet; empty when it may."""
    if answer.is_finding:
        read = list(answer.checked_rules.all())
        if not read:
            return ["it names no rule that was read"]
        return [] if any(rule.is_published for rule in read) else ["none of the rules it read is published yet"]
    cited = list(answer.rests_on.select_related("rule"))
    if not cited:
        return ["it rests on no requirement"]
    held = sorted({str(r.rule) for r in cited if not r.rule.is_published})
    return [f"it rests on {', '.join(held)}, not published yet"] if held else []


def move_problems(answer: Answer, to_state: str, user) -> list[str]:
    move = (answer.state, to_state)
    if move not in MOVES:
        here, there = CurationState(answer.state).label.lower(), CurationState(to_state).label.lower()
        return [f"an answer cannot go from {here} to {there} (draft → in review → published, and back to draft)"]
    needed = MOVES[move]
    if not user.has_perm(EDIT_ANSWER) or (needed and not user.has_perm(needed)):
        return ["only a reviewer may publish or unpublish an answer" if needed else "you may not edit answers"]
    return publication_problems(answer) if to_state == CurationState.PUBLISHED else []


@transaction.atomic
def move_answer(*, answer: Answer, to_state: str, user) -> list[str]:
    """Move ``answer`` to ``to_state`` if the move and the user allow it; return the problems otherwise."""
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    problems = move_problems(answer, to_state, user)
    if problems:
        return problems
    before = CurationState(answer.state).label
    answer.state, answer.revision = to_state, answer.revision + 1
    answer._history_user = user
    answer._change_reason = f"{before} → {CurationState(to_state).label}"
    answer.save(update_fields=["state", "revision", "updated_at"])
    return []
