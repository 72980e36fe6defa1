"""The import evaluates check constraints in Python; its verdicts are the database's, NULLs included."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint

from regulations import models as m
from regulations.importing.constraints import check_constraint_errors, evaluate

pytestmark = pytest.mark.django_db

LEVELS = [None, 0, 2, 5, 6]
DATES = [None, dt.date(2020, 1, 1), dt.date(2024, 1, 1)]


def database_verdict(constraint, instance) -> bool:
    try:
        constraint.validate(type(instance), instance)
    except ValidationError:
        return False
    return True


def assert_same_verdicts(instances) -> int:
    compared = 0
    for instance in instances:
        for constraint in type(instance)._meta.constraints:
            if isinstance(constraint, CheckConstraint):
                python = evaluate(constraint.condition, instance) is not False
                assert python == database_verdict(constraint, instance), (constraint.name, vars(instance))
                compared += 1
    return compared


def test_rule_constraints_agree_with_the_database():
    place = m.Jurisdiction.objects.get(code="DE")
    rules = [
        m.Rule(jurisdiction=place, level_min=low, level_max=high, applies_from=start, applies_until=end)
        for low, high, start, end in itertools.product(LEVELS, LEVELS, DATES, DATES)
    ]
    assert assert_same_verdicts(rules) == checks(m.Rule) * len(rules)


def checks(model) -> int:
    return len([constraint for constraint in model._meta.constraints if isinstance(constraint, CheckConstraint)])


def test_rule_force_constraints_agree_with_the_database():
    place = m.Jurisdiction.objects.get(code="UNECE")
    rules = [
        m.Rule(jurisdiction=place, instrument=instrument, binding_by_itself=binds, treaty_instrument=treaty)
        for instrument, binds, treaty in itertools.product(
            [m.Instrument.GUIDANCE, m.Instrument.REGULATION], [True, False], ["", m.TreatyInstrument.UN_REGULATION]
        )
    ]
    assert assert_same_verdicts(rules) == checks(m.Rule) * len(rules)
    refused = [rule for rule in rules if check_constraint_errors(rule)]
    assert len(refused) == 3  # guidance binding by itself, treaty or not; a UN Regulation binding by itself


def test_relation_and_membership_constraints_agree_with_the_database():
    one, other = m.Rule.objects.all()[:2]
    germany, eu = m.Jurisdiction.objects.get(code="DE"), m.Jurisdiction.objects.get(code="EU")
    relations = [m.RuleRelation(from_rule=one, to_rule=to) for to in (one, other)]
    memberships = [
        m.Membership(member=member, body=eu, since=since, until=until)
        for member, since, until in itertools.product((germany, eu), DATES, DATES)
    ]
    assert assert_same_verdicts([*relations, *memberships]) == len(relations) + 2 * len(memberships)


def test_a_new_record_compared_with_its_own_id_is_unknown_not_a_violation():
    """``~Q(parent=F("pk"))`` on an unsaved topic compares with NULL: the database lets it pass."""
    topics = [m.Topic(slug="new", name="New"), m.Topic(slug="new", name="New", parent=m.Topic.objects.first())]
    assert assert_same_verdicts(topics) == checks(m.Topic) * 2
    places = [
        m.Jurisdiction(code="QN", name="Newland", kind="country"),
        m.Jurisdiction(code="QN-A", name="Newland A", kind="subdivision", parent=m.Jurisdiction.objects.get(code="DE")),
    ]
    assert [check_constraint_errors(instance) for instance in [*topics, *places]] == [[], [], [], []]


def test_a_violated_constraint_is_reported_with_its_message():
    rule = m.Rule(jurisdiction=m.Jurisdiction.objects.get(code="DE"), level_min=4, level_max=2)
    assert [error.message for error in check_constraint_errors(rule)] == ["SAE levels run from 0 to 5, lowest first."]
    assert check_constraint_errors(rule, exclude={"level_min"}) == []
