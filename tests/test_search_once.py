"""A search runs once per page, on indexes, and keeps its best matches for the list and every facet."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regulations import search
from regulations.models import Rule

from .factories import RuleFactory

pytestmark = pytest.mark.django_db
URL = reverse("regulations:rule-list")


def facet(response, name):
    return {o.value: o for f in response.context["facets"] if f.name == name for o in f.options}


def test_the_search_runs_once_for_the_list_and_all_its_facets(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": "cybersecurity"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count > 0
    searching = [query["sql"] for query in queries if "cybersecurity" in query["sql"].lower()]
    assert len(searching) == 1, searching


if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's indexes: the SQLite pass has no such test (its search is a substring scan), rather than a skip.

    @pytest.mark.parametrize("query", ["cybersecurity", "cyber secruity managment system", "2016/679", "汽车数据"])
    def test_every_branch_of_a_search_is_served_by_an_index(query):
        """With table scans and plain index scans priced out, only the search indexes' bitmaps can
        find the rows: a branch of the condition that no index served would bring the table scan back."""
        matches = search.postgres_matches(Rule.objects.all(), query).order_by().values("pk")
        sql, params = matches.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Seq Scan on regulations_rule " not in plan, plan
        for index in ("search_vector_gin", "title_trgm", "short_name_trgm", "citation_trgm", "original_title_trgm"):
            assert f"regulations_rule_{index}" in plan, plan


def test_a_search_matching_more_than_it_keeps_lists_and_counts_its_best_matches(client, monkeypatch):
    monkeypatch.setattr(search, "MAX_HITS", 3)
    everything = search.find(Rule.objects.published(), "data")
    assert everything.capped and len(everything.ranked) == 3

    response = client.get(URL, {"q": "data"})
    assert response.context["page"].paginator.count == 3
    assert [rule.pk for rule in response.context["page"]] == everything.ranked
    assert sum(option.count for option in facet(response, "instrument").values()) == 3
    assert "matches more than 3 rules" in response.content.decode()

    monkeypatch.setattr(search, "MAX_HITS", 1000)
    assert "matches more than" not in client.get(URL, {"q": "data"}).content.decode()


def test_a_rank_tie_keeps_the_lists_order_of_jurisdiction_then_title(client):
    second = RuleFactory(title="Bravo wombatfold act", short_name="")
    first = RuleFactory(title="Alpha wombatfold act", short_name="", jurisdiction=second.jurisdiction)
    page = client.get(URL, {"q": "wombatfold"}).context["page"]
    assert [rule.pk for rule in page] == [first.pk, second.pk]


@pytest.mark.parametrize("params", [{}, {"q": "data"}, {"applies_in": "de"}, {"q": "vehicle", "on": "2027-01-01"}])
def test_every_facet_count_is_the_length_of_the_list_it_leads_to(client, params):
    response = client.get(URL, params)
    for name in ("topic", "level", "instrument", "jurisdiction"):
        for value, option in facet(response, name).items():
            if option.selected:
                continue
            narrowed = client.get(URL, {**params, name: value})
            assert narrowed.context["page"].paginator.count == option.count, (name, value)
