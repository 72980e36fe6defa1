"""Answers worked out from the content and the day alone, kept in each worker until the content changes.

What reaches each market (its memberships, the day's bindings and incorporations) and
which places make rules do not depend on the page asked for, yet at 50,000 rules working
them out again cost a search page a third of its time. Each worker process keeps the
latest of them in memory, keyed by the content version (``content_version.py``): any
write raises it, so the first request after a change works them out afresh, and a page
never shows an answer the database no longer gives.

Never inside a transaction: it may see its own uncommitted writes under a version number
that a rollback would later hand to other content. ``CONTENT_MEMO=0`` turns it off; it is
off with DEBUG and in the tests (whose query budgets count the work done), and on in the
servers the tests start, which see what readers see.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings
from django.db import connection

from .content_version import seen

T = TypeVar("T")
MAX_ENTRIES = 256  # a key holds the day: readers asking for many past days must not grow it without end

_lock = threading.Lock()
_entries: OrderedDict[Hashable, object] = OrderedDict()
_version: list[int | None] = [None]


def remembered(key: Hashable, work_out: Callable[[], T]) -> T:
    """``work_out()``, or what it gave for ``key`` at the current content version (read once per request)."""
    if not settings.CONTENT_MEMO or connection.in_atomic_block:
        return work_out()
    version = seen()
    if version is None:
        return work_out()
    with _lock:
        if version != _version[0]:
            _entries.clear()
            _version[0] = version
        elif key in _entries:
            _entries.move_to_end(key)
            return _entries[key]
    value = work_out()
    with _lock:
        if version == _version[0]:
            _entries[key] = value
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return value


def forget() -> None:
    """Drop every kept answer (tests that turn the memo on start from nothing)."""
    with _lock:
        _entries.clear()
        _version[0] = None
