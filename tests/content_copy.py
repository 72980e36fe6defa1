"""A copy of the reference content that a test edits, to see what the loader or the content check says."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from django.conf import settings

FIXTURES = settings.BASE_DIR / "fixtures"


class ContentCopy:
    def __init__(self, folder: Path):
        self.folder = folder
        shutil.copytree(FIXTURES, folder)

    @contextmanager
    def edit(self, name: str) -> Iterator[dict]:
        """The YAML document at ``name`` (relative to the content folder), written back once edited."""
        path = self.folder / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield data
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
