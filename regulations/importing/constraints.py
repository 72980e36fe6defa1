"""A model's check constraints evaluated in Python, so validating 10,000 rows asks the database nothing.

Django checks each CheckConstraint of an instance with a query of its own (``Q.check``, inside a
savepoint). The conditions on our models compare fields with values or with other fields (exact,
isnull, lt, lte, gt, gte, and/or/not); those are evaluated here as SQL does, in three-valued logic:
a comparison with NULL is unknown, and a CHECK passes unless its condition is false. Any other
condition raises ``Unsupported`` and is left to Django's own (querying) check.
"""

from __future__ import annotations

import operator

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, F, Q

COMPARISONS = {"exact": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


class Unsupported(Exception):
    """A condition this module does not evaluate."""


class Excluded(Exception):
    """The condition reads a field that already has an error (Django skips such constraints too)."""


def field_value(instance, name: str, exclude: set[str]):
    if name == "pk":
        return instance.pk
    field = instance._meta.get_field(name)
    if field.name in exclude:
        raise Excluded(name)
    return getattr(instance, field.attname)


def evaluate(node, instance, exclude: set[str] = frozenset()) -> bool | None:
    """True, False or None (unknown) for a Q condition or one of its (lookup, value) children."""
    if isinstance(node, Q):
        results = [evaluate(child, instance, exclude) for child in node.children]
        if node.connector == Q.AND:
            result = False if False in results else None if None in results else True
        else:
            result = True if True in results else None if None in results else False
        return (None if result is None else not result) if node.negated else result
    lookup, expected = node
    name, _, comparison = lookup.partition("__")
    comparison = comparison or "exact"
    value = field_value(instance, name, exclude)
    if comparison == "isnull" or (comparison == "exact" and expected is None):  # Django reads field=None as IS NULL
        return (value is None) == (True if comparison == "exact" else bool(expected))
    if isinstance(expected, F):  # another field: NULL there makes the comparison unknown, as in SQL
        expected = field_value(instance, expected.name, exclude)
    elif hasattr(expected, "resolve_expression"):
        raise Unsupported(lookup)
    if comparison not in COMPARISONS:
        raise Unsupported(lookup)
    if value is None or expected is None:
        return None
    try:
        return COMPARISONS[comparison](value, expected)
    except TypeError as error:
        raise Unsupported(lookup) from error


def check_constraint_errors(instance, exclude: set[str] = frozenset()) -> list[ValidationError]:
    """The violated check constraints of ``instance``, as ``full_clean`` would report them."""
    errors = []
    model = type(instance)
    for constraint in model._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        try:
            if evaluate(constraint.condition, instance, exclude) is not False:
                continue
        except Excluded:
            continue
        except Unsupported:
            try:
                constraint.validate(model, instance, exclude=exclude)
            except ValidationError as error:
                errors.append(error)
            continue
        errors.append(ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code))
    return errors
