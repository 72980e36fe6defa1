"""Tests with real commits start from the reference content, restored as a load would leave it."""

import json

import pytest
from django.db import connection

from regulations import models as m

from .factories import RuleFactory

# The two tests run in this order, on one worker: the first leaves the database as a test may.
pytestmark = [pytest.mark.xdist_group("snapshot"), pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def rewind_history_ids() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('regulations_historicalrule', 'history_id'), 1)")
        else:
            cursor.execute("UPDATE sqlite_sequence SET seq = 1 WHERE name = 'regulations_historicalrule'")


def snapshot_count(label: str) -> int:
    return sum(1 for row in json.loads(connection._test_serialized_contents) if row["model"] == label)


def test_a_test_may_leave_sequences_anywhere():
    rewind_history_ids()
    assert m.Rule.objects.count() > 100


def test_the_next_one_starts_from_the_content_with_no_history_of_its_own_and_free_ids():
    assert m.Rule.history.count() == snapshot_count("regulations.historicalrule")
    rule = RuleFactory()
    assert rule.history.count() == 1
