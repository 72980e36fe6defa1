"""Evidence with a lifecycle: what may be uploaded, and which "met" requirements need renewing.

A requirement a programme (or its firm) assesses "met" whose every piece of evidence has
expired reads **needs renewal**: worked out here, when shown, never stored. Evidence that
never expires, or a requirement with no evidence at all, keeps its status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q

from .models import EvidenceItem, Programme

NEEDS_RENEWAL = "needs_renewal"
SIGNATURES = {  # how each allowed type's content starts: a renamed executable is refused
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "xlsx": (b"PK\x03\x04",),
    "docx": (b"PK\x03\x04",),
}


def check_upload(upload) -> None:
    """Refuse a file over the size limit, of a type not allowed, or whose content is not what its name says."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(f"The file is {upload.size / 1024 / 1024:.1f} MB; at most {limit // 1024 // 1024} MB.")
    kind = PurePath(upload.name).suffix.lower().lstrip(".")
    if kind not in settings.EVIDENCE_TYPES:
        allowed = ", ".join(sorted(settings.EVIDENCE_TYPES))
        raise ValidationError(f"Files of type .{kind or '?'} are not accepted; upload one of: {allowed}.")
    head = upload.read(8)
    upload.seek(0)
    if kind == "txt":
        try:
            upload.read(64 * 1024).decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError("A .txt file must be UTF-8 text.") from error
        finally:
            upload.seek(0)
    elif not head.startswith(SIGNATURES[kind]):
        raise ValidationError(f"The file's content is not a .{kind} file.")


def evidence_of(programme: Programme) -> Q:
    """The firm's evidence that serves ``programme``: its own, and the firm-wide."""
    return Q(company_id=programme.company_id) & (Q(programme__isnull=True) | Q(programme=programme))


def expiry_by_requirement(programme: Programme, requirement_ids: Iterable[int]) -> dict[int, list[dt.date | None]]:
    """For each requirement with evidence serving ``programme``, each item's expiry day (None: never), one query."""
    through = EvidenceItem.requirements.through.objects.filter(
        requirement_id__in=list(requirement_ids), evidenceitem__in=EvidenceItem.objects.filter(evidence_of(programme))
    )
    found: dict[int, list[dt.date | None]] = {}
    for requirement_id, expires_on in through.values_list("requirement_id", "evidenceitem__expires_on"):
        found.setdefault(requirement_id, []).append(expires_on)
    return found


def all_expired(expiries: list[dt.date | None], today: dt.date) -> bool:
    return bool(expiries) and all(day is not None and day < today for day in expiries)
