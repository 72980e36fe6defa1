"""/rules/: filters, facets, pagination and the reason each rule applies."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from regulations import models as m

from .factories import RuleFactory, TopicFactory

pytestmark = pytest.mark.django_db

URL = reverse("regulations:rule-list")


def slugs(response) -> list[str]:
    return [rule.slug for rule in response.context["page"].object_list]


def all_slugs(client, **params) -> set[str]:
    found, page = set(), 1
    while True:
        response = client.get(URL, {**params, "page": page})
        assert response.status_code == 200, response.content[:500]
        found |= set(slugs(response))
        if not response.context["page"].has_next():
            return found
        page += 1


def facet(response, name):
    return {o.value: o for f in response.context["facets"] if f.name == name for o in f.options}


def test_lists_published_rules_25_a_page(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.object_list) == 25
    assert page.paginator.count == m.Rule.objects.published().count()
    assert "25 May 2018" in client.get(URL, {"q": "GDPR"}).content.decode()


def test_the_question_a_level_2_car_in_germany_from_2027(client):
    cybersecurity = {"applies_in": "de", "level": "2", "in_force_on": "2027-01-01", "topic": "cybersecurity"}
    response = client.get(URL, cybersecurity)  # a page that holds UN R155 and EU law among its rows
    found = all_slugs(client, applies_in="de", level="2", in_force_on="2027-01-01")
    assert {"eu-gdpr", "eu-gsr-2019-2144", "un-r155", "un-r156", "de-bdsg-2017"} <= found
    assert "un-r157" not in found  # ALKS is a Level 3 system
    assert "cn-pipl" not in found
    page = response.content.decode()
    assert "via EU membership since 1 January 1958" in page
    assert "made binding by General Safety Regulation (GSR2) from 6 July 2022" in page


def test_applies_in_is_repeatable_and_case_insensitive(client):
    germany = all_slugs(client, applies_in="DE")
    japan = all_slugs(client, applies_in="jp")
    assert all_slugs(client, applies_in=["de", "JP"]) == germany | japan
    assert "jp-appi" in japan and "jp-appi" not in germany


def test_jurisdiction_filters_by_maker(client):
    assert all_slugs(client, jurisdiction="cn") == set(
        m.Rule.objects.published().filter(jurisdiction__code="CN").values_list("slug", flat=True)
    )


def test_a_parent_topic_includes_its_subtopics(client):
    cybersecurity = all_slugs(client, topic="cybersecurity")
    data_security = all_slugs(client, topic="DATA-SECURITY")
    assert cybersecurity and cybersecurity <= data_security


def test_status_is_derived_for_the_chosen_day(client):
    cra = "eu-cra-2024-2847"  # applies from 11 December 2027
    assert cra in all_slugs(client, status="adopted", in_force_on="2027-12-10") | all_slugs(client, status="adopted")
    assert cra in all_slugs(client, status="in_force", in_force_on="2027-12-11")
    assert cra not in all_slugs(client, status="in_force", in_force_on="2027-12-10")


def test_instrument_filter(client):
    found = all_slugs(client, instrument="bill")
    assert found == set(m.Rule.objects.published().filter(instrument="bill").values_list("slug", flat=True))


def test_a_day_keeps_rules_in_force_and_rules_adopted_and_coming(client):
    assert "eu-gdpr" in all_slugs(client, on="2018-05-25")
    assert "eu-gdpr" in all_slugs(client, on="2018-05-24")  # adopted 27 April 2016, applying from 25 May 2018
    assert "eu-gdpr" not in all_slugs(client, on="2016-04-26")  # not yet made
    assert "eu-gdpr" not in all_slugs(client, on="2018-05-24", status="in_force")


def test_the_cra_in_germany_on_2027_01_01_is_kept_and_counted_as_adopted(client):
    cra = "eu-cra-2024-2847"  # adopted 23 October 2024, applies from 11 December 2027
    params = {"applies_in": "de", "in_force_on": "2027-01-01"}  # the URL, as bookmarked
    response = client.get(URL, params)
    found = all_slugs(client, **params)
    assert cra in found
    statuses = facet(response, "status")
    adopted = all_slugs(client, **params, status="adopted")
    in_force = all_slugs(client, **params, status="in_force")
    assert cra in adopted and cra not in in_force
    assert statuses["adopted"].count == len(adopted) > 0
    assert statuses["in_force"].count == len(in_force) > 0
    assert found == adopted | in_force
    assert statuses["adopted"].selected and statuses["in_force"].selected  # what the day keeps unless you choose
    assert not statuses["repealed"].selected and not statuses["proposed"].selected
    assert "Adopted, not yet applicable" in response.content.decode()


def test_on_is_the_day_and_in_force_on_its_old_name(client):
    assert all_slugs(client, applies_in="de", on="2027-01-01") == all_slugs(
        client, applies_in="de", in_force_on="2027-01-01"
    )
    page = client.get(URL, {"in_force_on": "2027-01-01"}).content.decode()
    assert 'name="on" value="2027-01-01"' in page


def test_status_in_force_on_a_day_gives_what_in_force_on_used_to(client):
    day = dt.date(2027, 1, 1)
    old_meaning = set(m.Rule.objects.published().in_force_on(day).values_list("slug", flat=True))
    assert all_slugs(client, status="in_force", in_force_on=day.isoformat()) == old_meaning
    assert all_slugs(client, status="in_force", on=day.isoformat()) == old_meaning


def test_a_chosen_status_replaces_what_the_day_keeps(client):
    repealed = all_slugs(client, on="2027-01-01", status="repealed")
    response = client.get(URL, {"on": "2027-01-01"})
    assert facet(response, "status")["repealed"].count == len(repealed)
    assert not repealed & all_slugs(client, on="2027-01-01")


def test_two_different_days_are_a_400_beside_the_field(client):
    response = client.get(URL, {"on": "2027-01-01", "in_force_on": "2026-01-01"})
    assert response.status_code == 400
    assert "Give the day once" in response.content.decode().split('id="error-in_force_on"', 1)[1][:300]
    assert client.get(URL, {"on": "2027-01-01", "in_force_on": "2027-01-01"}).status_code == 200


def test_gb_left_the_eu_so_eu_rules_stop_applying_there(client):
    assert "eu-gdpr" in all_slugs(client, applies_in="gb", in_force_on="2019-06-01")
    assert "eu-gdpr" not in all_slugs(client, applies_in="gb")


def test_sorting(client):
    pages = client.get(URL).context["page"].paginator.num_pages
    for sort, descending in (("newest", True), ("oldest", False)):
        responses = [client.get(URL, {"sort": sort, "page": page}) for page in range(1, pages + 1)]
        found = [slug for response in responses for slug in slugs(response)]
        dates = [m.Rule.objects.get(slug=s).applies_from for s in found]
        known = [d for d in dates if d]
        assert known == sorted(known, reverse=descending)
        assert dates[: len(known)] == known  # rules without a date come last
    titles = [m.Rule.objects.get(slug=s).title for s in slugs(client.get(URL, {"sort": "title"}))]
    assert titles == sorted(titles)


def test_facet_counts_follow_the_current_filter(client):
    everything = client.get(URL)
    china = client.get(URL, {"jurisdiction": "cn"})
    all_topics, china_topics = facet(everything, "topic"), facet(china, "topic")
    assert china_topics["personal-data"].count < all_topics["personal-data"].count
    china_count = china.context["page"].paginator.count
    # the jurisdiction facet ignores its own filter, so other makers still show their counts
    assert facet(china, "jurisdiction")["CN"].count == china_count
    assert facet(china, "jurisdiction")["CN"].selected
    assert facet(china, "jurisdiction")["EU"].count > 0
    assert sum(o.count for o in facet(china, "instrument").values()) == china_count
    assert sum(o.count for o in facet(china, "status").values()) == china_count


def test_applies_in_facet_counts_match_the_filter(client):
    counts = facet(client.get(URL), "applies_in")
    assert counts["DE"].count == len(all_slugs(client, applies_in="de"))
    assert counts["US-CA"].count == len(all_slugs(client, applies_in="us-ca"))


def test_result_rows_show_what_a_reader_needs(client):
    page = client.get(URL, {"q": "2016/679", "applies_in": "fr"}).content.decode()
    assert "Regulation (EU) 2016/679" in page
    assert "In force" in page
    assert "25 May 2018" in page
    assert "Personal data" in page
    assert "Binding in France:</span> via EU membership since 1 January 1958" in page


def test_every_view_is_a_bookmarkable_url(client):
    params = {"applies_in": "de", "topic": "cybersecurity", "sort": "title"}
    response = client.get(URL, params)
    page = response.content.decode()
    assert 'name="applies_in" value="DE"' in page
    assert re.search(r'value="DE"[^>]*checked', page)
    assert 'value="title" selected' in page


def test_htmx_requests_get_the_fragment_and_history_restores_get_the_page(client):
    fragment = client.get(URL, {"topic": "cybersecurity"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert 'id="rule-browser"' in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
    restore = client.get(URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_level_filter_keeps_rules_for_all_vehicles_and_matching_ranges(client):
    RuleFactory(slug="l3-only", level_min=3, level_max=3)
    assert "l3-only" in all_slugs(client, level="3")
    assert "l3-only" not in all_slugs(client, level="2")
    assert "eu-gdpr" in all_slugs(client, level="2")


def test_topic_facet_shows_sub_topics_under_their_parent(client):
    parent = TopicFactory(slug="zz-parent", name="Zz parent")
    TopicFactory(slug="zz-child", name="Zz child", parent=parent)
    options = next(f for f in client.get(URL).context["facets"] if f.name == "topic").options
    values = [o.value for o in options]
    assert values.index("zz-child") == values.index("zz-parent") + 1
    assert next(o for o in options if o.value == "zz-child").depth == 1


def test_today_is_the_default_day(client):
    rule = RuleFactory(applies_from=timezone.localdate() + dt.timedelta(days=30))
    response = client.get(URL, {"q": rule.title})
    assert rule.slug in slugs(response)
    assert "Adopted, not yet applicable" in response.content.decode()


def test_a_search_that_finds_nothing_says_what_was_searched_and_the_nearest_names(client):
    """Issue 13, item 2: "gdrp" is an answer: nothing, did you mean GDPR, and how to widen."""
    response = client.get(URL, {"q": "gdrp", "applies_in": "de"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert response.context["suggestions"][0] == "GDPR"
    page = response.content.decode()
    assert "No published rule matches “gdrp” with these filters" in page
    assert re.search(r'Did you mean <a href="\?[^"]*\bq=GDPR\b[^"]*">GDPR</a>', page)
    assert "search every rule for “gdrp”" in page and "drop the search, keep the filters" in page
    follow = client.get(URL, {"q": response.context["suggestions"][0], "applies_in": "de"})
    assert slugs(follow)[0] == "eu-gdpr"


def test_a_filter_that_finds_nothing_says_so_and_how_to_widen(client):
    response = client.get(URL, {"jurisdiction": "af"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "No published rule matches these filters" in page and "untick a filter" in page
    assert not response.context["suggestions"] and "Did you mean" not in page
