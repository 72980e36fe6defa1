"""What the pages that can also be downloaded share: their bad-input answer and the site's address."""

from django.http import JsonResponse
from django.shortcuts import render


def site_of(request) -> str:
    """Scheme and host, so that exported links to requirements work outside the site."""
    return request.build_absolute_uri("/").rstrip("/")


def invalid(request, form, template: str, context: dict):
    """A 400 with the messages beside the fields; as JSON when JSON was asked for."""
    if request.GET.get("format") == "json":
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return render(request, template, context, status=400)
