"""A programme's standing on each requirement, and recording it without losing anyone's update.

A firm-wide ``Assessment`` counts for every programme of the firm until the programme records
its own (``ProgrammeAssessment``), which then overrides it for that programme only. Every
door that edits a programme's assessments (the workspace grid, the spreadsheet upload) goes
through ``record_assessment``: it checks who may, locks the row, and refuses a change made
from a stale view, naming what changed meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Assessment, AssessmentStatus, Programme, ProgrammeAssessment, Requirement
from .models.programmes import firms_of, members_of

EDIT = "regulations.change_programmeassessment"
EDITABLE = ("status", "evidence", "evidence_url", "owner", "due_on", "notes")


@dataclass(frozen=True)
class Standing:
    """Where a programme stands on one requirement, and where that comes from."""

    record: Assessment | ProgrammeAssessment | None
    overrides: bool  # the programme's own assessment, not the firm-wide one

    @property
    def status(self) -> str:
        return self.record.status if self.record else AssessmentStatus.UNKNOWN

    @property
    def revision(self) -> int:
        """What an edit must have seen: the programme's own row's revision, 0 while it has none."""
        return self.record.revision if self.overrides else 0


def standings(programme: Programme, requirement_ids: Iterable[int]) -> dict[int, Standing]:
    """Each requirement's standing for ``programme``, in two queries whatever their number."""
    ids = list(requirement_ids)
    own = ProgrammeAssessment.objects.filter(programme=programme, requirement_id__in=ids).select_related("owner")
    firm_wide = Assessment.objects.filter(company_id=programme.company_id, requirement_id__in=ids).select_related(
        "owner"
    )
    found = {row.requirement_id: Standing(row, overrides=False) for row in firm_wide}
    found |= {row.requirement_id: Standing(row, overrides=True) for row in own}
    return {pk: found.get(pk, Standing(None, overrides=False)) for pk in ids}


class StaleAssessment(Exception):
    """Someone saved this programme's assessment after the editor's view was made."""

    def __init__(self, current: ProgrammeAssessment | None):
        self.current = current
        if current is None:
            message = "Not saved: someone else recorded this assessment meanwhile. Reload to see it."
        else:
            who = current.history.first().history_user if current.history.exists() else None
            message = (
                f"Not saved: {who or 'someone'} changed it meanwhile (now {current.get_status_display().lower()}, "
                f"revision {current.revision}). Nothing of theirs was overwritten; reload to see it."
            )
        super().__init__(message)


def may_edit(user, programme: Programme) -> bool:
    return user.has_perm(EDIT) and firms_of(user).filter(pk=programme.company_id).exists()


@transaction.atomic
def record_assessment(
    *, programme: Programme, requirement: Requirement, user, seen_revision: int, **changes
) -> ProgrammeAssessment:
    """Save ``changes`` (status, evidence, evidence_url, owner, due_on, notes) as ``programme``'s own assessment of
    ``requirement``, if ``user`` may and nobody saved it since the editor saw revision ``seen_revision`` (0: the
    programme had no assessment of its own yet)."""
    if not may_edit(user, programme):
        raise PermissionDenied("You may not edit this firm's assessments.")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    owner = changes.get("owner")
    if owner is not None and not members_of(programme.company).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": f"{owner} does not belong to {programme.company}."})
    row = ProgrammeAssessment.objects.select_for_update().filter(programme=programme, requirement=requirement).first()
    if (row.revision if row else 0) != seen_revision:
        raise StaleAssessment(row)
    if row is None:
        row = ProgrammeAssessment(programme=programme, requirement=requirement, revision=0)
    if changes.get("status", row.status) != row.status or row.assessed_on is None:
        row.assessed_on = timezone.localdate()
    for name, value in changes.items():
        setattr(row, name, value)
    row.assessed_by, row.revision = user, row.revision + 1
    row._history_user = user
    row.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:  # another editor created the programme's row first
        raise StaleAssessment(None) from error
    return row
