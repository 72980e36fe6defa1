"""When the database does not answer, say so plainly (503, Retry-After) instead of a bare 500."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
MESSAGE = "The knowledge base cannot reach its database just now. Nothing was changed; please try again in a minute."
# Doors that machines read: they get the message as plain text, not as a page.
TEXT_DOORS = {"regulations:changes-feed", "regulations:deadlines-ics", "sitemap", "sitemap-section"}


class DatabaseUnavailableMiddleware:
    """Turn a view's OperationalError/InterfaceError into a 503 in the door's own terms, and log it.

    The database settings bound every wait (kb/settings.py), so this answers within a few
    seconds. A statement cancelled by the statement timeout is an OperationalError too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s %s (%s)", request.method, request.path, exception)
        response = unavailable_response(request)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response


def unavailable_response(request) -> HttpResponse:
    answer_format = request.GET.get("format", "")
    view_name = request.resolver_match.view_name if request.resolver_match else ""
    if answer_format == "json" or (request.accepts("application/json") and not request.accepts("text/html")):
        return JsonResponse({"status": "unavailable", "detail": MESSAGE}, status=503)
    if answer_format not in ("", "html") or view_name in TEXT_DOORS:
        return HttpResponse(MESSAGE, content_type="text/plain; charset=utf-8", status=503)
    return HttpResponse(render_to_string("503.html", {"message": MESSAGE}, request=request), status=503)
