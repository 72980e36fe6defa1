"""The latest changes other people made to the content, read from django-simple-history's tables.

One query per kind of content the curator may see (rules, requirements, sources, relations,
milestones), each the latest ``limit`` rows by someone else, merged newest first: a fixed number
of queries whatever the size of the history. Rows without a user (the reference content's loader)
are nobody's change and are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse

from .models import Milestone, Requirement, Rule, RuleRelation, Source

KINDS = {"+": "Added", "~": "Changed", "-": "Deleted"}


def rule_name(rule: Rule | None) -> str:
    return str(rule) if rule else "a deleted rule"


# What each kind of content is called in the list: the related rows it needs, and its label.
TRACKED = {
    Rule: ((), lambda row: row.short_name or row.title),
    Requirement: (("rule",), lambda row: f"{rule_name(row.rule)} {row.reference or row.key}"),
    Source: (("rule",), lambda row: f"{row.title or row.publisher or row.url} (source of {rule_name(row.rule)})"),
    RuleRelation: (
        ("from_rule", "to_rule"),
        lambda row: f"{rule_name(row.from_rule)} {row.get_kind_display()} {rule_name(row.to_rule)}",
    ),
    Milestone: (("rule",), lambda row: f"{rule_name(row.rule)}: {row.get_kind_display()} {row.date}"),
}


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    who: str
    kind: str
    model: str
    label: str
    url: str
    reason: str


def may_view(user, model) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )


def changes_by_others(user, limit: int) -> list[Change]:
    """The ``limit`` latest changes by users other than ``user``, to the content ``user`` may view."""
    changes = []
    for model, (related, label) in TRACKED.items():
        if not may_view(user, model):
            continue
        rows = (
            model.history.filter(history_user__isnull=False)
            .exclude(history_user=user)
            .select_related("history_user", *related)
            .order_by("-history_date", "-history_id")[:limit]
        )
        changes += [as_change(model, row, label(row)) for row in rows]
    return sorted(changes, key=lambda change: change.at, reverse=True)[:limit]


def as_change(model, row, label: str) -> Change:
    """A history row as the start page says it; a deleted object has no change form to link to."""
    opts = model._meta
    url = "" if row.history_type == "-" else reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.id])
    return Change(
        at=row.history_date,
        who=row.history_user.get_full_name() or row.history_user.get_username(),
        kind=KINDS.get(row.history_type, row.history_type),
        model=str(opts.verbose_name),
        label=label,
        url=url,
        reason=row.history_change_reason or "",
    )
