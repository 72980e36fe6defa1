"""Conditional GET for the API: the content version and the day are the ETag of every answer.

An answer depends on the published content and on the day (statuses and applicability
are worked out for today unless asked otherwise), so a client that sends back the ETag
it got is told 304 Not Modified, without the answer being made again, until a curator's
change or midnight. The schema is left out: it changes with the code, not the content;
and so are signed-in clients (a token or a session), whose answers may hold internal data.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from ..content_version import seen

DATA_PREFIX = "/api/v1/"
NOT_DATA = ("/api/v1/schema/", "/api/v1/docs/")


class ConditionalApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not request.path.startswith(DATA_PREFIX):
            return self.get_response(request)
        if request.path.startswith(NOT_DATA):
            return self.get_response(request)
        if signed_in(request):  # staff answers hold internal data: never matched against an anonymous ETag
            return vary_by_client(self.get_response(request))
        version = seen()
        if version is None:
            return self.get_response(request)
        etag = f'W/"{version}-{timezone.localdate().isoformat()}"'
        response = get_conditional_response(request, etag=etag) or self.get_response(request)
        if response.status_code in (200, 304):
            response["ETag"] = etag
            patch_cache_control(response, no_cache=True)  # keep it, but ask again (with the ETag) before using it
        return vary_by_client(response)


def signed_in(request) -> bool:
    return "Authorization" in request.headers or settings.SESSION_COOKIE_NAME in request.COOKIES


def vary_by_client(response):
    patch_vary_headers(response, ["Authorization", "Cookie"])
    return response
