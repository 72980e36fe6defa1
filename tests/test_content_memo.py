"""Answers kept per content version (issue 14: search and listing pages at scale).

What reaches a market is worked out once per content version and day in each worker,
and again after any write; never inside a transaction, which may see writes a rollback
takes back. These tests run outside one (``transaction=True``), as a server does.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regulations import content_memo, content_version
from regulations import models as m
from regulations.applicability import applicabilities

from .factories import JurisdictionFactory, MembershipFactory, RuleFactory, SourceFactory, UnionFactory

DAY = dt.date(2026, 6, 1)


@pytest.fixture
def memo(settings):
    settings.CONTENT_MEMO = True
    content_memo.forget()
    yield
    content_memo.forget()


def version_reads(queries) -> int:
    return sum(m.ContentVersion._meta.db_table in query["sql"] for query in queries)


def membership_reads(queries) -> int:
    return sum(m.Membership._meta.db_table in query["sql"] for query in queries)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_what_reaches_a_market_is_worked_out_once_per_content_version(memo, client):
    country, union = JurisdictionFactory(), UnionFactory()
    rule = RuleFactory(jurisdiction=union, title="Union Vehicle Data Regulation")
    SourceFactory(rule=rule)
    listed = reverse("regulations:rule-list") + f"?applies_in={country.code}&on={DAY.isoformat()}"
    assert union.pk not in applicabilities([country], DAY)[country.pk].reaching
    assert rule.title not in client.get(listed).content.decode()

    with CaptureQueriesContext(connection) as kept:
        again = applicabilities([JurisdictionFactory.build(pk=country.pk, code=country.code)], DAY)[country.pk]
    assert membership_reads(kept) == 0 and len(kept) == 1  # the version, nothing else
    assert again.jurisdiction.pk == country.pk and again.jurisdiction is not country  # told about the caller's object

    MembershipFactory(member=country, body=union, since=dt.date(2020, 1, 1))
    with CaptureQueriesContext(connection) as afresh:
        reach = applicabilities([country], DAY)[country.pk]
    assert membership_reads(afresh) == 1
    assert union.pk in reach.reaching
    with CaptureQueriesContext(connection) as page:
        assert rule.title in client.get(listed).content.decode()  # the page shows the new membership at once
    assert version_reads(page) == 1  # every kept answer of the request shares one reading


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_memo_keeps_a_bounded_number_of_answers(memo):
    for n in range(content_memo.MAX_ENTRIES + 1):
        content_memo.remembered(("day", n), lambda n=n: n)
    assert len(content_memo._entries) == content_memo.MAX_ENTRIES
    assert ("day", 0) not in content_memo._entries


@pytest.mark.django_db
def test_inside_a_transaction_nothing_is_kept(memo):
    country = JurisdictionFactory()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            applicabilities([country], DAY)
        assert membership_reads(queries) == 1


@pytest.mark.django_db
def test_a_database_emptied_and_filled_again_never_reuses_a_version_number():
    before = content_version.current()
    m.ContentVersion.objects.all().delete()
    content_version.install_triggers()
    assert content_version.current() > before
