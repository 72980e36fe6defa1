"""Public pages for anonymous readers from a cache keyed by the content version and the day.

A page is worked out once per content version (``regulations/content_version.py``),
per day (pages answer "as of today" unless asked otherwise) and per address, then
served from the cache until the content changes: a curator's save moves the version
in the same transaction, so the next request after it commits renders afresh, and
nothing is ever served that the database no longer says. Signed-in users (curators
see drafts and internal data), requests carrying messages, non-GET requests, pages
holding a form's CSRF token (it belongs to one reader) and anything but a complete HTML
page of 200 are never cached. Each worker process keeps
its own cache (``CACHES``); ``PAGE_CACHE=0`` turns it off (it is off with DEBUG, so
template edits show at once, and in the tests, which turn it on where they test it).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import cc_delim_re

from .content_version import seen

MAX_BYTES = 300_000  # a bounded page is smaller; anything bigger is not worth a slot
TIMEOUT_SECONDS = 24 * 60 * 60  # the day is in the key; this only frees old entries
KEYED_HEADERS = ("HX-Request", "HX-History-Restore-Request")  # the request headers pages vary on
HEADER = "X-Page-Cache"


class PageCacheMiddleware:
    """Innermost middleware: outer ones still add their headers (CSP, security) to a cached page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.PAGE_CACHE or not anonymous_read(request):
            return self.get_response(request)
        try:
            version = seen()
        except (OperationalError, InterfaceError):
            version = None  # the view meets the same outage and answers 503 in its own terms
        if version is None:
            return self.get_response(request)
        key = page_key(request, version)
        stored = cache.get(key)
        if stored is not None:
            status, content, headers = stored
            response = HttpResponse(content, status=status, headers=dict(headers))
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if storable(response) and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # a form's token is one reader's
            cache.set(key, (response.status_code, response.content, list(response.items())), TIMEOUT_SECONDS)
            response[HEADER] = "miss"
        return response


def anonymous_read(request: HttpRequest) -> bool:
    """A GET without a session (so without a signed-in user) and without messages waiting for it."""
    signed_in_or_told = {settings.SESSION_COOKIE_NAME, "messages"} & request.COOKIES.keys()
    return request.method in ("GET", "HEAD") and not signed_in_or_told


def page_key(request: HttpRequest, version: int) -> str:
    varying = "|".join(request.headers.get(name, "") for name in KEYED_HEADERS)
    address = hashlib.sha256(f"{request.build_absolute_uri()}|{varying}".encode()).hexdigest()
    return f"kb-page:{version}:{timezone.localdate().isoformat()}:{address}"


def storable(response: HttpResponse) -> bool:
    """A whole HTML page of 200 that sets no cookie, may be shared, and varies only on what the key holds."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html") or len(response.content) > MAX_BYTES:
        return False
    control = {part.strip().lower() for part in response.get("Cache-Control", "").split(",")}
    if control & {"private", "no-store", "no-cache"}:
        return False
    varies = {name.lower() for name in cc_delim_re.split(response.get("Vary", "")) if name}
    return varies <= {name.lower() for name in KEYED_HEADERS} | {"cookie", "accept-encoding"}
