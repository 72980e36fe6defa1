"""Legal status is derived from a rule's dates on a given day."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regulations.models import Instrument, LegalStatus, Rule

from .factories import RuleFactory

pytestmark = pytest.mark.django_db

ADOPTED = dt.date(2019, 11, 27)
APPLIES = dt.date(2022, 7, 6)
ENDS = dt.date(2030, 1, 1)
DAY = dt.timedelta(days=1)


@pytest.fixture
def rule():
    return RuleFactory(adopted_on=ADOPTED, applies_from=APPLIES, applies_until=ENDS)


def status_on(rule, date):
    return Rule.objects.with_legal_status(date).get(pk=rule.pk).legal_status


def in_force(rule, date) -> bool:
    return Rule.objects.in_force_on(date).filter(pk=rule.pk).exists()


@pytest.mark.parametrize(
    ("date", "expected", "binding"),
    [
        (APPLIES - DAY, LegalStatus.ADOPTED, False),
        (APPLIES, LegalStatus.IN_FORCE, True),
        (APPLIES + DAY, LegalStatus.IN_FORCE, True),
        (ENDS - DAY, LegalStatus.IN_FORCE, True),
        (ENDS, LegalStatus.REPEALED, False),
        (ENDS + DAY, LegalStatus.REPEALED, False),
        (ADOPTED - DAY, LegalStatus.PROPOSED, False),
        (ADOPTED, LegalStatus.ADOPTED, False),
    ],
)
def test_status_on_boundary_days(rule, date, expected, binding):
    assert status_on(rule, date) == expected
    assert in_force(rule, date) is binding
    assert Rule.objects.with_status_on(expected, date).filter(pk=rule.pk).exists()


def test_repealed_and_pending_querysets(rule):
    assert Rule.objects.repealed_on(ENDS).filter(pk=rule.pk).exists()
    assert not Rule.objects.repealed_on(ENDS - DAY).filter(pk=rule.pk).exists()
    assert Rule.objects.adopted_not_yet_applicable_on(APPLIES - DAY).filter(pk=rule.pk).exists()
    assert not Rule.objects.adopted_not_yet_applicable_on(APPLIES).filter(pk=rule.pk).exists()


def test_a_bill_is_never_in_force():
    bill = RuleFactory(instrument=Instrument.BILL, applies_from=dt.date(2020, 1, 1))
    assert status_on(bill, dt.date(2026, 1, 1)) == LegalStatus.PROPOSED
    assert not in_force(bill, dt.date(2026, 1, 1))
    assert Rule.objects.proposed_on(dt.date(2026, 1, 1)).filter(pk=bill.pk).exists()


def test_without_a_date_of_application_the_status_is_undetermined():
    rule = RuleFactory(adopted_on=dt.date(2020, 1, 1), applies_from=None)
    assert status_on(rule, dt.date(2026, 1, 1)) == LegalStatus.UNDETERMINED
    assert not in_force(rule, dt.date(2026, 1, 1))


def test_in_force_on_agrees_with_the_status_expression():
    """The index-friendly filter and the status expression are one definition."""
    variants = [
        {"adopted_on": ADOPTED, "applies_from": APPLIES, "applies_until": ENDS},
        {"adopted_on": None, "applies_from": APPLIES, "applies_until": None},
        {"adopted_on": APPLIES, "applies_from": ADOPTED, "applies_until": None},
        {"adopted_on": ADOPTED, "applies_from": None, "applies_until": ENDS},
        {"instrument": Instrument.BILL, "applies_from": APPLIES},
    ]
    pks = [RuleFactory(**variant).pk for variant in variants]

    @settings(max_examples=40, deadline=None)
    @given(st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2035, 1, 1)))
    def check(date):
        rules = Rule.objects.filter(pk__in=pks)
        by_status = {r.pk for r in rules.with_legal_status(date) if r.legal_status == LegalStatus.IN_FORCE}
        assert set(rules.in_force_on(date).values_list("pk", flat=True)) == by_status

    check()


def test_published_excludes_drafts_and_rules_in_review():
    draft = RuleFactory(state="draft")
    review = RuleFactory(state="in_review")
    published = RuleFactory(state="published")
    public = set(Rule.objects.published().values_list("pk", flat=True))
    assert published.pk in public
    assert not {draft.pk, review.pk} & public
