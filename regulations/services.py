"""Writes to the knowledge base: each one atomic and attributed to a user."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count

from .models import CurationState, Instrument, Rule


def publication_problems(rule: Rule) -> list[str]:
    """Why ``rule`` may not be published yet; empty when it may.

    Needs ``source_count`` annotated (see ``rules_publish``) or costs one query.
    """
    problems = []
    if not rule.citation:
        problems.append("it has no citation")
    if not rule.applies_from and rule.instrument != Instrument.BILL:
        problems.append("it has no date of application")
    sources = getattr(rule, "source_count", None)
    if sources is None:
        sources = rule.sources.count()
    if not sources:
        problems.append("it has no source")
    return problems


@transaction.atomic
def rules_publish(*, rules, user) -> tuple[list[Rule], dict[Rule, list[str]]]:
    """Publish every rule of ``rules`` that is ready; return (published, refused with reasons)."""
    published, refused = [], {}
    candidates = rules.exclude(state=CurationState.PUBLISHED).annotate(source_count=Count("sources"))
    for rule in candidates:
        problems = publication_problems(rule)
        if problems:
            refused[rule] = problems
            continue
        rule.state = CurationState.PUBLISHED
        rule._history_user = user
        rule._change_reason = "Published"
        rule.save(update_fields=["state", "updated_at"])
        published.append(rule)
    return published, refused
