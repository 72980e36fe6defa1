"""Watches and digests (issue 17, step 6): what changed in the rules a user depends on, e-mailed daily through a
real SMTP server the test starts (aiosmtpd), and flagged on the programme grid since the user's last review."""

import datetime as dt
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from regulations import models as m
from regulations.digests import changes_since, rules_of
from regulations.services import record_new_requirements

from . import factories as f
from .servers import Inbox, free_port
from .test_workflow import as_user
from .test_workspace import build_firm, grid_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    """A real SMTP server on localhost, and the site's e-mail settings pointed at it."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.SITE_URL = "https://kb.example.org"
    yield inbox
    controller.stop()


def body(message) -> str:
    return message.get_payload(decode=True).decode()


@pytest.fixture
def watched():
    """A firm's programme watched by its analyst (with an e-mail address), and the rule its market holds."""
    firm = build_firm(2)
    analyst = firm["analyst"]
    analyst.email = "analyst@example.org"
    analyst.save()
    watch = m.Watch.objects.create(user=analyst, programme=firm["programme"], created_at=timezone.now())
    return firm | {"watch": watch, "rule": firm["requirements"][0].rule}


def test_a_new_requirement_reaches_the_watchers_inbox_once(watched, smtp):
    rule, analyst = watched["rule"], watched["analyst"]
    new = f.RequirementFactory(rule=rule, reference="Art. 99")
    record_new_requirements(requirements=[new], user=analyst)

    call_command("send_digests")
    assert len(smtp.messages) == 1
    message = message_from_bytes(smtp.messages[0])
    assert message["To"] == "analyst@example.org" and "What changed in the rules you watch" in message["Subject"]
    text = body(message)
    assert f"New requirement in {rule}: Art. 99." in text
    assert f"https://kb.example.org/rules/{rule.slug}/" in text and watched["programme"].name in text

    call_command("send_digests")  # nothing new since the last digest
    assert len(smtp.messages) == 1


def test_an_amendment_and_a_moved_milestone_are_changes_loading_content_is_not(watched):
    rule, analyst = watched["rule"], watched["analyst"]
    since = timezone.now() - dt.timedelta(seconds=1)
    amending = f.RuleFactory(jurisdiction=rule.jurisdiction, short_name="TVDA Amendment")
    m.RuleRelation.objects.create(from_rule=amending, to_rule=rule, kind=m.RelationKind.AMENDS)
    m.ChangeEvent.objects.create(rule=amending, kind=m.ChangeKind.PUBLISHED, summary="Added.", by=analyst)
    milestone = m.Milestone(
        rule=rule, key="new-types", kind="new_types", date=dt.date(2028, 7, 1), source_url="https://x.example"
    )
    milestone._change_reason = "Loaded from the reference content"
    milestone.save()
    milestone.date = dt.date(2029, 7, 1)
    milestone._change_reason = "Moved after review"
    milestone.save()

    summaries = [c.summary for c in changes_since({rule.pk}, since, timezone.now())]
    assert f"{rule} amended by {amending}." in summaries
    assert any("milestone new-types changed" in s and "2029-07-01" in s for s in summaries)
    assert not any("added" in s and "milestone" in s for s in summaries)  # the load is not news


def test_drafts_make_no_news(watched):
    rule = watched["rule"]
    since = timezone.now() - dt.timedelta(seconds=1)
    rule.state = m.CurationState.DRAFT
    rule.save()
    m.ChangeEvent.objects.create(rule=rule, kind=m.ChangeKind.REVISED, summary="Zyxwvuq draft change.")
    assert changes_since({rule.pk}, since, timezone.now()) == []


def test_a_market_a_topic_and_a_programme_each_depend_on_their_rules(watched):
    rule, analyst, market = watched["rule"], watched["analyst"], watched["market"]
    today = timezone.localdate()
    assert rule.pk in rules_of(watched["watch"], today)
    assert rule.pk in rules_of(m.Watch(user=analyst, jurisdiction=market), today)
    topic = m.Topic.objects.get(slug="cybersecurity")
    tagged = f.RuleFactory(topics=[topic])
    f.RequirementFactory(rule=tagged)
    about_topic = rules_of(m.Watch(user=analyst, topic=topic), today)
    assert tagged.pk in about_topic and rule.pk not in about_topic


def test_the_grid_says_which_rows_changed_since_the_last_review(watched):
    programme, analyst = watched["programme"], watched["analyst"]
    client = as_user(analyst)
    assert "changed since your last review" not in client.get(grid_url(programme)).content.decode()
    client.post(reverse("regulations:workspace-reviewed", args=[programme.company.slug, programme.slug]))
    other_rule = f.RuleFactory(jurisdiction=watched["market"])
    moved = f.RequirementFactory(rule=other_rule)
    record_new_requirements(requirements=[moved], user=analyst)
    html = client.get(grid_url(programme)).content.decode()
    assert html.count("changed since your last review") == 1  # the new rule's row only
    client.post(reverse("regulations:workspace-reviewed", args=[programme.company.slug, programme.slug]))
    assert "changed since your last review" not in client.get(grid_url(programme)).content.decode()


def test_watches_are_added_and_removed_one_target_at_a_time(watched):
    analyst = watched["analyst"]
    client = as_user(analyst)
    url = reverse("regulations:workspace-watch")
    page = client.post(url, {"jurisdiction": "DE", "topic": "cybersecurity"}, follow=True).content.decode()
    assert "Choose one market, one topic or one programme" in page
    client.post(url, {"jurisdiction": "DE"})
    assert analyst.watches.filter(jurisdiction__code="DE").exists()
    theirs = f.ProgrammeFactory()
    client.post(url, {"programme": theirs.pk})
    assert not analyst.watches.filter(programme=theirs).exists()  # another firm's programme cannot be watched
    watch = analyst.watches.get(jurisdiction__code="DE")
    stranger = f.UserFactory(username="stranger")
    assert as_user(stranger).post(reverse("regulations:workspace-unwatch", args=[watch.pk])).status_code == 404
    client.post(reverse("regulations:workspace-unwatch", args=[watch.pk]))
    assert not analyst.watches.filter(jurisdiction__code="DE").exists()
