"""Previews that passed and wait for their uploader's confirmation, recorded beside their upload.

The upload itself is a file (uploads.py); its ``PendingImport`` row says who uploaded what for which
model, when, and how many rows, so the start page can list it. The row is written when the preview
can be confirmed and removed with the file: on confirmation, on discard and when the upload expires.
"""

from __future__ import annotations

from django.db.models import QuerySet

from regulations.models import PendingImport

from .uploads import MAX_AGE, ImportUploads


def remember_pending_import(*, user, model, confirm_initial: dict, row_count: int) -> PendingImport:
    """Record the upload a confirm form names (its ``initial``, as django-import-export fills it)."""
    return PendingImport.objects.create(
        upload=confirm_initial["import_file_name"],
        user=user,
        model=model._meta.label_lower,
        file_name=(confirm_initial.get("original_file_name") or "")[:255],
        row_count=row_count,
        file_format=int(confirm_initial["format"]),
        resource=int(confirm_initial.get("resource") or 0),
    )


def waiting_imports() -> QuerySet:
    """Uploads that can still be confirmed: expired ones are never listed, even before they are purged."""
    return PendingImport.objects.waiting(MAX_AGE).select_related("user")


def may_discard(user, pending: PendingImport) -> bool:
    """Only the uploader, or a superuser, throws an upload away."""
    return user.is_superuser or pending.user_id == user.pk


def discard_pending_import(pending: PendingImport) -> None:
    """Remove the upload's file and its record (``ImportUploads.remove`` does both)."""
    ImportUploads(name=pending.upload).remove()
