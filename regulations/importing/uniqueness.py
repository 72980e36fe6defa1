"""A model's unique constraints checked for every row of a file: against the database in one query, and
against the earlier rows of the same file in Python (``full_clean`` would ask the database once per row,
and could not see the other rows of the file at all)."""

from __future__ import annotations

from django.db.models import Q, UniqueConstraint

from .constraints import Unsupported, evaluate
from .widgets import in_chunks


class UniqueCheck:
    """One unique field or UniqueConstraint of ``model``."""

    def __init__(self, model, fields: tuple[str, ...], message: str, condition: Q | None = None):
        self.model, self.fields, self.message, self.condition = model, fields, message, condition
        self.attnames = [model._meta.get_field(name).attname for name in fields]
        self.taken: dict[tuple, object] = {}  # key -> pk of the database row that has it
        self.seen: dict[tuple, int] = {}  # key -> the row of the file that had it first

    def prime(self, candidates: dict[str, set]) -> None:
        """Read the database rows that could clash: those holding one of the file's values of a field."""
        name = next((name for name in self.fields if candidates.get(name)), None)
        self.taken, self.seen = {}, {}
        if name is None:
            return
        rows = self.model._default_manager.filter(self.condition or Q())
        attname = self.model._meta.get_field(name).attname
        for chunk in in_chunks(sorted(candidates[name])):
            for pk, *key in rows.filter(**{f"{attname}__in": chunk}).values_list("pk", *self.attnames):
                self.taken[tuple(key)] = pk

    def applies_to(self, instance) -> bool:
        if self.condition is None:
            return True
        try:
            return evaluate(self.condition, instance) is True
        except Unsupported:
            return True  # checked, rather than let a clash through to the database

    def error(self, instance, row_number: int) -> str | None:
        key = tuple(getattr(instance, attname) for attname in self.attnames)
        if None in key or not self.applies_to(instance):
            return None
        earlier = self.seen.setdefault(key, row_number)
        if earlier != row_number:
            return f"{self.message} (row {earlier} of this file)"
        if self.taken.get(key, instance.pk) != instance.pk:
            return self.message
        return None


def unique_checks(model, import_id_fields: list[str]) -> list[UniqueCheck]:
    """The unique fields and constraints of ``model``, except the import key (rows are found by it)."""
    checks = [
        UniqueCheck(model, (field.name,), " ".join(model().unique_error_message(model, (field.name,))))
        for field in model._meta.local_fields
        if field.unique and not field.primary_key
    ]
    checks += [
        UniqueCheck(model, tuple(constraint.fields), constraint.get_violation_error_message(), constraint.condition)
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint) and constraint.fields and not constraint.expressions
    ]
    return [check for check in checks if set(check.fields) != set(import_id_fields)]
