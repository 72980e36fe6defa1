"""The page a sign-in gets once django-axes has locked the account at that address."""

import datetime as dt

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render


def in_words(wait: dt.timedelta) -> str:
    seconds = round(wait.total_seconds())
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def locked_out(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 in the admin's own look, saying why, for how long, and who can unlock."""
    wait = get_cool_off(request)
    context = admin.site.each_context(request) | {
        "title": "Too many failed sign-in attempts",
        "failure_limit": get_failure_limit(request, credentials),
        "wait": in_words(wait),
    }
    response = render(request, "admin/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(round(wait.total_seconds()))
    return response
