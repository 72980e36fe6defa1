"""The uploaded file kept between an import's preview and its confirmation.

django-import-export keeps it in the temporary folder under a name it then trusts from the
confirmation form, and keeps it forever when the preview is never confirmed. Here uploads live in a
folder of their own under names we make (32 hex digits), so a confirmation can only ever name one of
them; a file is removed when its import is confirmed or cannot be, and uploads older than
``MAX_AGE`` are removed on every new upload and by ``manage.py purge_import_uploads``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import time
from pathlib import Path
from uuid import uuid4

from django.utils import timezone
from import_export.tmp_storages import TempFolderStorage

from regulations.models import PendingImport

MAX_AGE = dt.timedelta(hours=24)
NAME = re.compile(r"[0-9a-f]{32}")


def uploads_folder() -> Path:
    """Under the system's temporary folder (``TMPDIR``), read when needed so tests and deployments can move it."""
    return Path(tempfile.gettempdir()) / "kb-imports"


def is_upload_name(name: str) -> bool:
    return bool(NAME.fullmatch(name or ""))


def purge_uploads(max_age: dt.timedelta = MAX_AGE) -> int:
    """Remove the uploads older than ``max_age``, and their records (pending.py); return how many files."""
    PendingImport.objects.filter(created_at__lte=timezone.now() - max_age).delete()
    folder = uploads_folder()
    if not folder.is_dir():
        return 0
    cutoff = time.time() - max_age.total_seconds()
    removed = 0
    for path in folder.iterdir():
        if is_upload_name(path.name) and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


class ImportUploads(TempFolderStorage):
    """django-import-export's temporary storage, confined to our folder and names, expiring old uploads."""

    def save(self, data: bytes) -> None:
        purge_uploads()
        folder = uploads_folder()
        folder.mkdir(mode=0o700, exist_ok=True)
        self.name = uuid4().hex
        descriptor = os.open(self.get_full_path(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)

    def exists(self) -> bool:
        return is_upload_name(self.name) and os.path.isfile(self.get_full_path())

    def read(self):
        if not is_upload_name(self.name):
            raise FileNotFoundError("not an upload of ours")
        return super().read()

    def remove(self) -> None:
        """Remove the file and its record, if any (pending.py): confirmed, refused or discarded, it no longer waits."""
        if is_upload_name(self.name):
            Path(self.get_full_path()).unlink(missing_ok=True)
            PendingImport.objects.filter(upload=self.name).delete()

    def get_full_path(self) -> str:
        return str(uploads_folder() / self.name)
