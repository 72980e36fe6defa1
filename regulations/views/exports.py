"""What the pages that can also be downloaded share: their bad-input answer and the site's address."""

from collections.abc import Callable

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from regulations.checklists import Checklist
from regulations.exports import TooLargeForPdf


def site_of(request) -> str:
    """Scheme and host, so that exported links to requirements work outside the site."""
    return request.build_absolute_uri("/").rstrip("/")


def invalid(request, form, template: str, context: dict):
    """A 400 with the messages beside the fields; as JSON when JSON was asked for."""
    if request.GET.get("format") == "json":
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return render(request, template, context, status=400)


def written(writer, checklist: Checklist, refuse: Callable[[str], HttpResponse]) -> HttpResponse:
    """The writer's file, or ``refuse(message)`` (a 400 beside the form) when it declines: a PDF too long to lay out."""
    try:
        return writer(checklist)
    except TooLargeForPdf as refusal:
        return refuse(str(refusal))


def refuse_with(request, form, template: str, context: dict) -> Callable[[str], HttpResponse]:
    """A refusal that puts its message on the form's format field and answers 400."""

    def refuse(message: str) -> HttpResponse:
        form.add_error("format", message)
        return invalid(request, form, template, context)

    return refuse
