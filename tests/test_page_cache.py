"""Anonymous pages from a cache keyed by the content version (issue 14: pages under load).

The version is raised by database triggers on every content table, whatever writes; a
cached page is served only while the version it was made at is current, so an edit, a
publication or a withdrawal shows on the next request, and nothing reaches a signed-in
user from the cache or the cache from a signed-in user.
"""

import threading

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from regulations import content_version
from regulations import models as m
from regulations.page_cache import HEADER, PageCacheMiddleware

from .admin_forms import logged_in
from .factories import RequirementFactory, RuleFactory, SourceFactory

pytestmark = pytest.mark.django_db

RULE_LIST = reverse("regulations:rule-list")


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s",
                [content_version.TRIGGER],
            )
            return {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", ["%_content_changed_%"]
        )
        found: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name.rsplit("_", 1)[1])
        return {table for table, events in found.items() if events == set(content_version.SQLITE_EVENTS)}


def test_every_content_table_carries_the_trigger():
    tables = content_version.content_tables()
    assert {"regulations_rule", "regulations_requirement", "regulations_rule_topics", "regulations_assessment"} <= set(
        tables
    )
    assert not [table for table in tables if table.startswith("regulations_historical")]
    assert set(tables) <= installed_triggers()


def test_every_kind_of_write_raises_the_version():
    rule = RuleFactory()
    topic = m.Topic.objects.first()
    writes = [
        lambda: RuleFactory(),
        lambda: rule.save(),
        lambda: m.Rule.objects.filter(pk=rule.pk).update(summary="Changed in bulk."),
        lambda: m.Requirement.objects.bulk_create([m.Requirement(rule=rule, key="bulk-1", obligation="Do it.")]),
        lambda: rule.topics.add(topic),
        lambda: m.Requirement.objects.filter(rule=rule).delete(),
        lambda: m.Jurisdiction.objects.filter(code="DE").update(name="Germany"),
    ]
    for write in writes:
        before = content_version.current()
        write()
        assert content_version.current() > before


def test_a_repeated_page_comes_from_the_cache_with_one_query(client, page_cache):
    first = client.get(RULE_LIST, {"q": "cybersecurity"})
    assert first[HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(RULE_LIST, {"q": "cybersecurity"})
    assert second[HEADER] == "hit" and second.content == first.content
    assert len(queries) == 1  # the content version
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]  # outer middleware still runs


def test_an_edit_shows_on_the_next_request(client, page_cache):
    rule = RuleFactory(title="A rule about brake cybersecurity")
    SourceFactory(rule=rule)
    RequirementFactory(rule=rule)
    params = {"q": "brake cybersecurity"}
    assert "A rule about brake cybersecurity" in client.get(RULE_LIST, params).content.decode()
    m.Rule.objects.filter(pk=rule.pk).update(title="A rule about steering cybersecurity")
    again = client.get(RULE_LIST, {"q": "steering cybersecurity"})
    assert "A rule about steering cybersecurity" in again.content.decode()
    detail = reverse("regulations:rule-detail", args=[rule.slug])
    assert client.get(detail)[HEADER] == "miss"
    assert client.get(detail)[HEADER] == "hit"
    m.Rule.objects.filter(pk=rule.pk).update(state=m.CurationState.DRAFT)
    assert client.get(detail).status_code == 404  # a withdrawn rule leaves the public pages at once


def test_signed_in_users_neither_read_nor_fill_the_cache(client, page_cache, reviewer):
    draft = RuleFactory(title="An unreviewed draft about lidar", state=m.CurationState.DRAFT)
    staff = logged_in(reviewer)
    for _ in range(2):
        response = staff.get(RULE_LIST)
        assert HEADER not in response
    anonymous = client.get(RULE_LIST, {"q": "lidar"})
    assert draft.title not in anonymous.content.decode()


def test_errors_and_partials_are_kept_apart(client, page_cache):
    bad = client.get(RULE_LIST, {"status": "nonsense"})
    assert bad.status_code == 400 and HEADER not in bad
    full = client.get(RULE_LIST)
    partial = client.get(RULE_LIST, headers={"HX-Request": "true"})
    assert partial[HEADER] == "miss" and partial.content != full.content
    assert client.get(RULE_LIST, headers={"HX-Request": "true"}).content == partial.content


def test_a_page_holding_a_form_token_is_never_shared(rf, page_cache):
    def form_page(request):
        token = get_token(request)
        return HttpResponse(f'<form method="post"><input name="csrfmiddlewaretoken" value="{token}"></form>')

    middleware = PageCacheMiddleware(form_page)
    assert HEADER not in middleware(rf.get("/a-form/"))
    assert HEADER not in middleware(rf.get("/a-form/"))
    plain = PageCacheMiddleware(lambda request: HttpResponse("<p>No form.</p>"))
    assert plain(rf.get("/no-form/"))[HEADER] == "miss" and plain(rf.get("/no-form/"))[HEADER] == "hit"


def test_the_day_is_part_of_the_key(client, page_cache, monkeypatch):
    assert client.get(RULE_LIST)[HEADER] == "miss"
    assert client.get(RULE_LIST)[HEADER] == "hit"
    monkeypatch.setattr("regulations.page_cache.timezone.localdate", lambda: __import__("datetime").date(2031, 1, 1))
    assert client.get(RULE_LIST)[HEADER] == "miss"


if connection.vendor == "postgresql":  # SQLite serialises writers: there is no concurrent transaction to see

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_readers_see_the_new_version_exactly_when_they_see_the_new_content():
        rule = m.Rule.objects.published().first()
        before = content_version.current()
        saved, release = threading.Event(), threading.Event()

        def edit():
            try:
                with transaction.atomic():
                    m.Rule.objects.filter(pk=rule.pk).update(summary="Edited in another transaction.")
                    saved.set()
                    release.wait(10)
            finally:
                connection.close()

        writer = threading.Thread(target=edit)
        writer.start()
        assert saved.wait(10)
        assert content_version.current() == before  # not yet committed: neither the edit nor the version shows
        assert m.Rule.objects.get(pk=rule.pk).summary != "Edited in another transaction."
        release.set()
        writer.join(10)
        assert content_version.current() > before
        assert m.Rule.objects.get(pk=rule.pk).summary == "Edited in another transaction."
