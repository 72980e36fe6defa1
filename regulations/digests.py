"""What changed, since a moment, in the rules a user depends on: the daily digest and "changed since your last review".

A watch on a programme depends on the rules of its checklist (each target market on its
planned type-approval day); a watch on a market, on the rules that apply there today; a
watch on a topic, on the rules holding requirements in it. The changes are what the site
learned after the moment (not the law's own dates, which may lie years back):

- reviewers' corrections of a published rule (``ChangeEvent``: a requirement added, dates
  corrected, a repeal recorded, published again after review);
- a newly published rule that amends or repeals one of them;
- a phase-in milestone of one of them added or moved by a curator (its history; loading
  the reference content is not news).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from .checklists import ChecklistQuery, plan
from .content.loading import CHANGE_REASON
from .models import ChangeEvent, ChangeKind, DigestState, Milestone, RelationKind, Rule, RuleRelation, Watch
from .programmes import checklist_queries


@dataclass(frozen=True)
class Change:
    """One change to a rule someone depends on, when the site learned it."""

    at: dt.datetime
    rule: Rule
    summary: str

    @property
    def url(self) -> str:
        return settings.SITE_URL + reverse("regulations:rule-detail", args=[self.rule.slug])


def rules_of(watch: Watch, today: dt.date) -> set[int]:
    """The published rules ``watch`` depends on."""
    if watch.programme_id:
        queries = checklist_queries(watch.programme, today)
    elif watch.jurisdiction_id:
        queries = [ChecklistQuery(applies_in=[watch.jurisdiction], on=today)]
    else:
        queries = [ChecklistQuery(topics=[watch.topic], on=today)]
    published = Rule.objects.published()
    return {pk for query in queries for section in plan(query, published) for pk in section.rule_ids}


def changes_since(rule_ids: set[int], since: dt.datetime, until: dt.datetime) -> list[Change]:
    """The changes to ``rule_ids`` the site learned in (``since``, ``until``], oldest first (four queries)."""
    window = {"at__gt": since, "at__lte": until}
    found = [
        Change(event.at, event.rule, event.summary)
        for event in ChangeEvent.objects.public().filter(rule_id__in=rule_ids, **window).select_related("rule")
    ]
    kinds = [RelationKind.AMENDS, RelationKind.REPEALS]
    published = ChangeEvent.objects.public().filter(
        kind=ChangeKind.PUBLISHED,
        rule__outgoing_relations__to_rule_id__in=rule_ids,
        rule__outgoing_relations__kind__in=kinds,
        **window,
    )
    first_published = {event.rule_id: event.at for event in published.distinct()}
    relations = RuleRelation.objects.filter(from_rule_id__in=first_published, to_rule_id__in=rule_ids, kind__in=kinds)
    for relation in relations.select_related("from_rule", "to_rule"):
        verb = "amended" if relation.kind == RelationKind.AMENDS else "repealed"
        summary = f"{relation.to_rule} {verb} by {relation.from_rule}."
        found.append(Change(first_published[relation.from_rule_id], relation.to_rule, summary))
    moved = (
        Milestone.history.filter(rule_id__in=rule_ids, history_date__gt=since, history_date__lte=until)
        .exclude(history_change_reason=CHANGE_REASON)
        .select_related("rule")
    )
    for version in moved:
        what = {"+": "added", "~": "changed", "-": "removed"}[version.history_type]
        summary = (
            f"{version.rule}: phase-in milestone {version.key} {what} ({version.get_kind_display()}, {version.date})."
        )
        found.append(Change(version.history_date, version.rule, summary))
    return sorted(found, key=lambda change: (change.at, change.rule.slug))


def changed_rules(rule_ids: set[int], since: dt.datetime) -> set[int]:
    """Which of ``rule_ids`` changed after ``since``: the grid's "changed since your last review"."""
    return {change.rule.pk for change in changes_since(rule_ids, since, timezone.now())}


@dataclass
class Digest:
    user: object
    since: dt.datetime
    until: dt.datetime
    sections: list[tuple[Watch, list[Change]]]

    @property
    def empty(self) -> bool:
        return not any(changes for _, changes in self.sections)

    def text(self) -> str:
        lines = [f"What changed between {self.since:%d %b %Y %H:%M} and {self.until:%d %b %Y %H:%M} UTC", ""]
        for watch, changes in self.sections:
            if not changes:
                continue
            lines.append(f"{watch.target} ({type(watch.target)._meta.verbose_name})")
            lines += [f"- {change.summary}\n  {change.url}" for change in changes]
            lines.append("")
        lines.append(f"Your watches: {settings.SITE_URL}{reverse('regulations:workspace')}")
        return "\n".join(lines)


def digest_for(user, until: dt.datetime, today: dt.date) -> Digest:
    state = DigestState.objects.filter(user=user).first()
    watches = list(user.watches.select_related("jurisdiction", "topic", "programme__company"))
    sections = []
    for watch in watches:
        since = max(state.sent_until, watch.created_at) if state else watch.created_at
        sections.append((watch, changes_since(rules_of(watch, today), since, until)))
    since = state.sent_until if state else min((w.created_at for w in watches), default=until)
    return Digest(user, since, until, sections)


def watchers() -> QuerySet:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, watches__isnull=False).exclude(email="").distinct()


def send_digests(until: dt.datetime | None = None) -> int:
    """E-mail every watcher what changed since their last digest; return how many e-mails went out."""
    until = until or timezone.now()
    today = timezone.localdate(until)
    sent = 0
    for user in watchers():
        digest = digest_for(user, until, today)
        if not digest.empty:
            send_mail(
                f"[{getattr(settings, 'SITE_NAME', 'KB')}] What changed in the rules you watch",
                digest.text(),
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
            sent += 1
        DigestState.objects.update_or_create(user=user, defaults={"sent_until": until})
    return sent
