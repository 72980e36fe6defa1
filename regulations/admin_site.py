"""The curators' admin site: Django's, with every admin view refusing a NUL byte in its query string.

Changelist filters, the date drill-down and autocomplete pass query values to the database
unchecked, and PostgreSQL answers a NUL byte with an error (a 500). One wrapper around every
admin view answers 400 first, whichever model, filter or search box the value came from.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpResponseBadRequest


def refuse_null_characters(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        bad = [key for key, values in request.GET.lists() if "\x00" in key or any("\x00" in v for v in values)]
        if bad:
            names = ", ".join(sorted(key.replace("\x00", "") for key in bad))
            message = f"Null characters are not allowed in the query string ({names})."
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return view(request, *args, **kwargs)

    return guarded


class CurationSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        return super().admin_view(refuse_null_characters(view), cacheable)


class CurationAdminConfig(AdminConfig):
    """django.contrib.admin, with CurationSite as ``admin.site``."""

    default_site = "regulations.admin_site.CurationSite"
