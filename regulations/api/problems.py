"""Every API error as one JSON shape: RFC 9457 problem details (``application/problem+json``).

``{"type", "title", "status", "detail", "instance"}``, and for a 400 ``errors``: the
messages per parameter, as the pages show them beside each field.
"""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.views import exception_handler

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"
INVALID = "Some parameters are not valid: see errors."


def problem_details(exc, context):
    """DRF's exception handler, answering in problem details; None (a 500 from Django) for the unexpected."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    status = response.status_code
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "instance": context["request"].get_full_path(),
    }
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        body |= {"detail": INVALID, "errors": errors}
    else:
        body["detail"] = str(response.data.get("detail", "")) if isinstance(response.data, dict) else str(exc)
    response.data = body
    response.content_type = PROBLEM_JSON
    return response


def form_errors(form) -> dict[str, list[str]]:
    """A Django form's errors as the ``errors`` member: the messages per parameter."""
    return {name: [error["message"] for error in errors] for name, errors in form.errors.get_json_data().items()}


def problem(request, status: int, detail: str) -> JsonResponse:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    return JsonResponse(body | {"instance": request.get_full_path()}, status=status, content_type=PROBLEM_JSON)


def not_found(request, exception=None):
    """Django's 404 (an address no route matches): problem details under /api/, the site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return problem(request, 404, "No such address in the API: see /api/v1/schema/.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith(API_PREFIX):
        return problem(request, 500, "Something went wrong on our side; it has been logged.")
    return defaults.server_error(request)
