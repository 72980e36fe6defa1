"""Assessments per programme (issue 17, step 2): a programme's own assessment overrides the firm-wide one for it
only, records who and when with history, refuses a stale edit and stays internal."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from regulations import models as m
from regulations.programme_assessments import StaleAssessment, record_assessment, standings

from . import factories as f

pytestmark = pytest.mark.django_db

MARK = "Zyxwvuq programme evidence"


@pytest.fixture
def firm():
    """A programme, its firm's analyst, two requirements assessed firm-wide and one not assessed."""
    analyst = f.UserFactory(username="p-analyst")
    analyst.groups.add(Group.objects.get(name="Analyst"))
    programme = f.ProgrammeFactory()
    f.FirmMembershipFactory(user=analyst, company=programme.company)
    met, gap, unassessed = f.RequirementFactory(), f.RequirementFactory(), f.RequirementFactory()
    f.AssessmentFactory(company=programme.company, requirement=met, status=m.AssessmentStatus.MET)
    f.AssessmentFactory(company=programme.company, requirement=gap, status=m.AssessmentStatus.GAP)
    return {"analyst": analyst, "programme": programme, "requirements": [met, gap, unassessed]}


def test_the_firm_wide_assessment_counts_until_the_programme_overrides_it(firm, django_assert_num_queries):
    programme, (met, gap, unassessed) = firm["programme"], firm["requirements"]
    other = f.ProgrammeFactory(company=programme.company)
    f.ProgrammeAssessmentFactory(programme=programme, requirement=met, status=m.AssessmentStatus.GAP)

    with django_assert_num_queries(2):
        found = standings(programme, [met.pk, gap.pk, unassessed.pk])
    assert [(found[r.pk].status, found[r.pk].overrides) for r in (met, gap, unassessed)] == [
        ("gap", True),
        ("gap", False),
        ("unknown", False),
    ]
    assert standings(other, [met.pk])[met.pk].status == "met"  # the override is that programme's alone


def test_the_query_count_does_not_grow_with_the_requirements(firm, django_assert_num_queries):
    many = [f.RequirementFactory().pk for _ in range(30)]
    with django_assert_num_queries(2):
        standings(firm["programme"], many)


def test_recording_overrides_with_who_when_and_history(firm):
    analyst, programme, (met, _, _) = firm["analyst"], firm["programme"], firm["requirements"]
    saved = record_assessment(
        programme=programme, requirement=met, user=analyst, seen_revision=0, status="partly_met", owner=analyst
    )
    assert (saved.status, saved.revision, saved.assessed_by, saved.owner) == ("partly_met", 1, analyst, analyst)
    assert saved.assessed_on is not None and saved.history.first().history_user == analyst
    again = record_assessment(programme=programme, requirement=met, user=analyst, seen_revision=1, evidence="Audit.")
    assert again.revision == 2 and again.status == "partly_met" and again.history.count() == 2
    assert m.Assessment.objects.get(company=programme.company, requirement=met).status == "met"  # untouched


def test_a_stale_edit_is_refused_and_names_what_changed(firm):
    analyst, programme, (met, _, _) = firm["analyst"], firm["programme"], firm["requirements"]
    record_assessment(programme=programme, requirement=met, user=analyst, seen_revision=0, status="gap")
    with pytest.raises(StaleAssessment, match="p-analyst changed it meanwhile \\(now gap, revision 1\\)"):
        record_assessment(programme=programme, requirement=met, user=analyst, seen_revision=0, status="met")
    assert m.ProgrammeAssessment.objects.get(programme=programme, requirement=met).status == "gap"


def test_only_the_firms_editors_record_and_owners_belong_to_the_firm(firm):
    programme, (met, _, _) = firm["programme"], firm["requirements"]
    stranger = f.UserFactory(username="stranger")
    stranger.groups.add(Group.objects.get(name="Analyst"))
    with pytest.raises(PermissionDenied):
        record_assessment(programme=programme, requirement=met, user=stranger, seen_revision=0, status="met")
    viewer = f.UserFactory(username="viewer")  # a member without the Analyst role
    f.FirmMembershipFactory(user=viewer, company=programme.company)
    with pytest.raises(PermissionDenied):
        record_assessment(programme=programme, requirement=met, user=viewer, seen_revision=0, status="met")
    with pytest.raises(ValidationError, match="does not belong"):
        record_assessment(programme=programme, requirement=met, user=firm["analyst"], seen_revision=0, owner=stranger)
    assert not m.ProgrammeAssessment.objects.exists()


def test_programme_assessments_never_reach_a_public_or_staff_door(firm, client, admin_client, tmp_path, settings):
    programme, (met, _, _) = firm["programme"], firm["requirements"]
    f.ProgrammeAssessmentFactory(programme=programme, requirement=met, evidence=MARK, status="gap")
    for response in (
        client.get("/api/v1/assessments/", {"company": programme.company.slug}),
        admin_client.get("/api/v1/assessments/", {"company": programme.company.slug}),
        client.get(f"/companies/{programme.company.slug}/"),
    ):
        assert response.status_code == 200 and MARK not in response.content.decode()
    settings.OPEN_DATA_DIR = tmp_path
    from django.core.management import call_command

    call_command("publish_open_data")
    assert not [p for p in tmp_path.iterdir() if MARK.encode() in p.read_bytes()]
    staff_statuses = m.EffectiveStatus.objects.filter(company=programme.company, requirement=met)
    assert [row.status for row in staff_statuses] == ["met"]  # the firm-wide status, not the programme's


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_real_transactions_two_first_edits_do_not_both_win(firm):
    """Two editors who both saw no programme assessment: the second is refused, the first kept."""
    analyst, programme, (met, _, _) = firm["analyst"], firm["programme"], firm["requirements"]
    record_assessment(programme=programme, requirement=met, user=analyst, seen_revision=0, status="gap")
    with pytest.raises(StaleAssessment):
        record_assessment(programme=programme, requirement=met, user=analyst, seen_revision=0, status="met")
    assert list(m.ProgrammeAssessment.objects.values_list("status", flat=True)) == ["gap"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite serialises writers")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_edit_waits_for_a_concurrent_one_then_is_refused(firm):
    analyst, programme, (met, _, _) = firm["analyst"], firm["programme"], firm["requirements"]
    first = record_assessment(programme=programme, requirement=met, user=analyst, seen_revision=0, status="gap")
    locked, release, outcome = threading.Event(), threading.Event(), []

    def concurrent_save():
        try:
            with transaction.atomic():
                held = m.ProgrammeAssessment.objects.select_for_update().get(pk=first.pk)
                held.status, held.revision = "met", held.revision + 1
                held.save(update_fields=["status", "revision"])
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    def edit():
        try:
            record_assessment(programme=programme, requirement=met, user=analyst, seen_revision=1, evidence="x")
            outcome.append("saved")
        except StaleAssessment:
            outcome.append("refused")
        finally:
            connection.close()

    worker = threading.Thread(target=concurrent_save)
    worker.start()
    assert locked.wait(10)
    editing = threading.Thread(target=edit)
    editing.start()
    editing.join(0.5)
    assert editing.is_alive(), "the edit did not wait for the row lock"
    release.set()
    worker.join(10)
    editing.join(10)
    assert outcome == ["refused"]
    first.refresh_from_db()
    assert (first.status, first.evidence, first.revision) == ("met", "", 2)
