"""The reference content in fixtures/ is valid, loads into an empty database, and loads idempotently."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from regulations import models as m
from regulations.content import check
from regulations.content.bundle import read_content
from regulations.content.coverage import Coverage, covered_markets
from regulations.content.entries import ContentError
from regulations.content.loading import Loader, load_reference
from tests.content_snapshot import first_load_report

FIXTURES = settings.BASE_DIR / "fixtures"
MAIN_MARKETS = ["EU", "DE", "FR", "GB", "US", "US-CA", "JP", "KR", "BR", "AU", "SG", "CN", "UNECE"]


@pytest.mark.database_independent
def test_fixture_files_are_valid():
    content = read_content(FIXTURES)
    assert len(content.rules) >= 40


@pytest.mark.django_db
def test_reference_content_loads_into_an_empty_database(tmp_path_factory):
    """The run's setup loads the content once, into a migrated, empty test database
    (tests/content_snapshot.py); its report and the database are checked here, rather than
    emptying every table and loading again, which took a minute and a half."""
    content = read_content(FIXTURES)
    created = first_load_report(tmp_path_factory)

    assert created["rules"] == len(content.rules) == m.Rule.objects.count()
    requirements = sum(len(rule.requirements) for rule in content.rules)
    assert created["requirements"] == m.Requirement.objects.count() == requirements >= 120
    assert created["answers"] == len(content.provisions.answers) == m.Answer.objects.count()
    assert m.Rule.objects.count() >= 40
    with_rules = set(m.Jurisdiction.objects.filter(rules__isnull=False).values_list("code", flat=True))
    assert len(with_rules) >= 12
    assert set(MAIN_MARKETS) <= with_rules
    assert m.Company.objects.count() == len(content.companies) >= 20
    assert m.Jurisdiction.objects.filter(kind=m.JurisdictionKind.COUNTRY).count() >= 249


@pytest.mark.django_db
def test_loading_again_changes_nothing():
    rules_history = m.Rule.history.count()
    report = load_reference(FIXTURES)
    assert report.changed == 0
    assert sum(report.unchanged.values()) > 1000
    assert m.Rule.history.count() == rules_history


@pytest.mark.django_db
def test_a_reload_reads_each_table_once_not_each_record(django_assert_max_num_queries):
    """``make run`` reloads the content every time: finding each of some 6,000 fixture records by
    its own query made that the slowest part of starting the site."""
    records = sum(load_reference(FIXTURES).unchanged.values())
    assert records > 5000
    with django_assert_max_num_queries(60):
        load_reference(FIXTURES)


@pytest.mark.django_db
def test_a_curators_edit_survives_a_reload_unless_synced():
    """So does an older load: a party dated since then stays one membership, and a sync dates it."""
    gdpr = m.Rule.objects.get(slug="eu-gdpr")
    gdpr.summary = "Edited by a curator."
    gdpr.save()
    germany = m.Membership.objects.get(member__code="DE", body__code="UNECE", role="party_1958")
    dated = germany.since
    m.Membership.objects.filter(pk=germany.pk).update(since=None)  # as loaded before the date was found

    load_reference(FIXTURES)
    gdpr.refresh_from_db()
    assert gdpr.summary == "Edited by a curator."
    assert m.Membership.objects.filter(member__code="DE", body__code="UNECE", role="party_1958").count() == 1

    report = load_reference(FIXTURES, sync=True)
    gdpr.refresh_from_db()
    assert gdpr.summary != "Edited by a curator."
    assert report.updated["rules"] == 1
    germany.refresh_from_db()
    assert germany.since == dated and dated is not None


@pytest.mark.django_db
def test_every_published_rule_is_sourced_cited_and_dated():
    published = m.Rule.objects.published().annotate(
        source_count=Count("sources"), official_count=Count("sources", filter=Q(sources__official=True))
    )
    assert published.count() >= 40
    for rule in published:
        assert rule.source_count, f"{rule.slug} has no source"
        assert rule.citation, f"{rule.slug} has no citation"
        assert rule.applies_from or rule.instrument == m.Instrument.BILL, f"{rule.slug} has no date"
    assert published.filter(official_count=0).count() < published.count() / 2


@pytest.mark.django_db
def test_unchecked_clause_numbers_carry_a_note_for_curators():
    unchecked = m.Requirement.objects.filter(reference_checked=False)
    assert unchecked.exists()
    assert not unchecked.filter(internal_note="").exists()


@pytest.mark.django_db
def test_eu_memberships_and_brexit():
    on_day = dt.date(2026, 11, 25)
    members = m.Membership.objects.active_on(on_day).filter(body__code="EU", role=m.MembershipRole.MEMBER)
    assert members.count() == 27
    uk = m.Membership.objects.get(member__code="GB", body__code="EU")
    assert (uk.since, uk.until) == (dt.date(1973, 1, 1), dt.date(2020, 1, 31))
    assert m.Membership.objects.active_on(dt.date(2020, 1, 31)).filter(pk=uk.pk).exists()
    assert not m.Membership.objects.active_on(dt.date(2020, 2, 1)).filter(pk=uk.pk).exists()
    assert m.Membership.objects.filter(member__code="JP", body__code="UNECE", role="party_1958").exists()


@pytest.mark.django_db
def test_un_r155_and_r156_are_made_binding_in_the_eu():
    for target in ["un-r155", "un-r156"]:
        assert m.RuleRelation.objects.filter(
            from_rule__jurisdiction__code="EU", to_rule__slug=target, kind=m.RelationKind.MAKES_BINDING
        ).exists()


@pytest.mark.django_db
def test_subdivisions_hang_under_their_country():
    california = m.Jurisdiction.objects.get(code="US-CA")
    assert california.parent.code == "US"
    assert california.kind == m.JurisdictionKind.SUBDIVISION
    assert m.Jurisdiction.objects.get(code="DE").original_name == "Deutschland"


@pytest.mark.django_db
def test_bad_content_is_reported_and_changes_nothing(content_copy):
    with content_copy.edit("rules/eu.yaml") as data:
        data["rules"][0]["jurisdiction"] = "XX"
        data["rules"].append({**data["rules"][1], "slug": "brand-new-rule", "citation": "New Act"})
    with content_copy.edit("coverage.yaml") as data:
        domains = ["data-security", "cross-border-data-transfer"]  # the domains of eu-gdpr
        data["coverage"].append({"jurisdiction": "XX", "domains": domains, "researched_on": "2026-11-25"})
    before = m.Rule.objects.count()

    with pytest.raises(CommandError, match="unknown jurisdiction 'XX'"):
        call_command("load_reference", fixtures=content_copy.folder, verbosity=0)

    assert m.Rule.objects.count() == before
    assert not m.Rule.objects.filter(slug="brand-new-rule").exists()


@pytest.mark.django_db
def test_the_loader_reports_a_clash_or_a_broken_check_and_goes_on():
    """The loader leaves uniqueness to the database and checks in Python: both still end as problems."""
    loader = Loader(content=None, sync=False)
    created = loader.report.created
    taken = m.Topic.objects.first().slug
    germany = m.Jurisdiction.objects.get(code="DE")
    loader.save(m.Topic(slug=taken, name="A topic with a taken slug"), "topics", created)
    upside_down = m.Rule(
        slug="upside-down",
        jurisdiction=germany,
        title="T",
        citation="C",
        summary="S",
        instrument="law",
        level_min=4,
        level_max=2,
    )
    loader.save(upside_down, "rules", created)
    loader.save(m.Topic(slug="a-new-topic", name="A new topic"), "topics", created)  # the transaction goes on

    assert len(loader.problems) == 2
    assert loader.problems[0].startswith("topics A topic with a taken slug: clashes with a record already there")
    assert loader.problems[1].endswith(": SAE levels run from 0 to 5, lowest first.")
    assert not m.Rule.objects.filter(slug="upside-down").exists()
    assert m.Topic.objects.filter(slug="a-new-topic").exists() and created["topics"] == 1


@pytest.mark.database_independent
def test_coverage_must_match_the_published_rules(content_copy):
    """A published rule's domain is recorded as researched; a domain researched with no rule says why."""
    with content_copy.edit("coverage.yaml") as data:
        data["coverage"] = [entry for entry in data["coverage"] if entry["jurisdiction"] != "JP"]
        data["coverage"].append({"jurisdiction": "NP", "domains": ["road-safety"], "researched_on": "2026-11-25"})
        data["coverage"].append({"jurisdiction": "CA", "domains": ["astrology"], "researched_on": "2026-11-25"})
        data["coverage"].append({"jurisdiction": "CH", "domains": ["road-safety"], "note": "Nothing found."})

    with pytest.raises(ContentError) as error:
        read_content(content_copy.folder)

    problems = str(error.value)
    assert "(jp-appi): published in personal-data" not in problems  # domains, not sub-topics
    assert "coverage.yaml does not record JP's data-security as researched" in problems
    assert "NP road-safety has no published rule: say in a note what the research found" in problems
    assert "domain 'astrology' is not one of" in problems
    assert "researched_on is required" in problems


@pytest.mark.database_independent
def test_the_content_check_refuses_unknown_places_and_markets_without_a_record(content_copy):
    with content_copy.edit("rules/us.yaml") as data:
        data["rules"][0]["jurisdiction"] = "US-ZZ"
    with content_copy.edit("companies.yaml") as data:
        byd = next(company for company in data["companies"] if company["slug"] == "byd")
        byd["markets"].append({"jurisdiction": "NP", "status": "planned", "since": None})

    with pytest.raises(ContentError) as error:
        read_content(content_copy.folder)

    problems = str(error.value)
    assert "unknown jurisdiction 'US-ZZ' (add it to the subdivisions in jurisdictions.yaml)" in problems
    assert "companies.yaml (byd): market NP has no record saying where it was seen (a sourced market_entry)" in problems


@pytest.mark.database_independent
def test_a_domain_held_only_by_a_rule_in_review_is_not_claimed(content_copy):
    """Claimed, it would read "nothing applies" while the rule that applies is hidden in review."""
    with content_copy.edit("rules/world.yaml") as data:
        held = {**data["rules"][0], "slug": "np-vehicle-act", "jurisdiction": "NP", "citation": None}
        held.update(state="in_review", instrument="law", topics=["type-approval"], relations=[], requirements=[])
        held["internal_notes"] = "Commencement not found."
        data["rules"].append(held)
    with content_copy.edit("coverage.yaml") as data:
        note = "The vehicle act is held in review."
        data["coverage"].append(
            {"jurisdiction": "NP", "domains": ["road-safety"], "researched_on": "2026-11-30", "note": note}
        )

    with pytest.raises(ContentError) as error:
        read_content(content_copy.folder)

    assert "NP road-safety is claimed with only np-vehicle-act there, still in review" in str(error.value)


@pytest.mark.database_independent
def test_a_market_counts_as_covered_only_with_its_own_law_researched_in_all_three_domains():
    on = dt.date(2026, 11, 30)
    everything = ["data-security", "road-safety", "cross-border-data-transfer"]
    entries = [
        *(Coverage("QA", domain, on, "") for domain in everything),
        *(Coverage("QB", domain, on, "") for domain in everything[:2]),
        *(Coverage("EU", domain, on, "") for domain in everything),
        *(Coverage("US-QC", domain, on, "") for domain in everything),
    ]
    assert covered_markets(entries, unions={"EU"}) == ["QA"]


@pytest.mark.database_independent
def test_the_content_check_says_how_many_markets_are_covered(capsys):
    assert check.main([]) == 0
    out = capsys.readouterr().out
    content = read_content(FIXTURES)
    markets = covered_markets(content.coverage, {body.code for body in content.bodies})
    assert f"{len(markets)} markets (countries and territories) covered in all three domains: " in out
    assert "CN" in markets and "EU" not in markets and "US-CA" not in markets
    in_review = sum(rule.state == "in_review" for rule in content.rules)
    assert f"{in_review} rules in review" in out


@pytest.mark.database_independent
def test_malformed_content_lists_every_problem(content_copy):
    with content_copy.edit("rules/eu.yaml") as data:
        data["rules"][0]["applies_from"] = "25 May 2018"
        data["rules"][1]["topics"] = ["no-such-topic"]

    with pytest.raises(ContentError) as error:
        read_content(content_copy.folder)

    assert "'25 May 2018' is not a date" in str(error.value)
    assert "unknown topic 'no-such-topic'" in str(error.value)


@pytest.mark.database_independent
def test_force_and_treaty_are_tagged_in_the_content():
    rules = {rule.slug: rule for rule in read_content(FIXTURES).rules}
    unece = [rule for rule in rules.values() if rule.jurisdiction == "UNECE"]
    assert unece and all(rule.treaty_instrument and not rule.binding_by_itself for rule in unece)
    assert rules["unece-1998-agreement"].treaty_instrument == "agreement_1998"
    assert rules["un-r155"].treaty_instrument == "un_regulation"
    assert not [rule.slug for rule in rules.values() if rule.instrument == "guidance" and rule.binding_by_itself]
    assert rules["cn-gb-44495"].binding_by_itself and not rules["cn-gbt-41871"].binding_by_itself


@pytest.mark.django_db
def test_the_1998_agreement_has_its_own_parties_and_china_is_one():
    parties_1998 = set(
        m.Membership.objects.filter(body__code="UNECE", role="party_1998").values_list("member__code", flat=True)
    )
    parties_1958 = set(
        m.Membership.objects.filter(body__code="UNECE", role="party_1958").values_list("member__code", flat=True)
    )
    assert {"US", "CN", "DE", "JP", "KR", "EU"} <= parties_1998
    assert "CN" not in parties_1958 and "US" not in parties_1958


@pytest.mark.database_independent
def test_bad_regulation_applications_and_forces_are_reported(content_copy):
    with content_copy.edit("un_regulation_parties.yaml") as data:
        first = data["applications"][0]
        data["applications"] += [{**first, "party": "CN"}, {**first, "regulation": "eu-gdpr"}, first]
    with content_copy.edit("rules/eu.yaml") as eu:
        edpb = next(rule for rule in eu["rules"] if rule["slug"] == "eu-edpb-gl-01-2020")
        edpb["binding_by_itself"] = True

    with pytest.raises(ContentError) as error:
        read_content(content_copy.folder)

    assert "CN is not recorded as a party to the 1958 Agreement" in str(error.value)
    assert "'eu-gdpr' is not a UN Regulation of the content" in str(error.value)
    assert "GB applying un-r155 is given twice" in str(error.value)
    assert "guidance and UNECE treaty instruments never bind by themselves" in str(error.value)
