"""The curators' admin site: Django's, with every admin view refusing a query string it would choke on.

Changelist filters, the date drill-down and autocomplete pass query values to the database
unchecked, and PostgreSQL answers a NUL byte with an error (a 500); the date drill-down turns
``__year``/``__month``/``__day`` into a date and overflows on a huge number (another 500). One
wrapper around every admin view answers 400 first, whichever model, filter or search box the
value came from.
"""

from __future__ import annotations

import re
from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpResponseBadRequest
from django.urls import path

DATE_PART = re.compile(r"__(year|month|day)$")
DATE_PART_VALUE = re.compile(r"[0-9]{1,4}")


def query_problem(request) -> str:
    """What is wrong with the query string, in one sentence; empty when nothing is."""
    with_nul = [key for key, values in request.GET.lists() if "\x00" in key or any("\x00" in v for v in values)]
    if with_nul:
        names = ", ".join(sorted(key.replace("\x00", "") for key in with_nul))
        return f"Null characters are not allowed in the query string ({names})."
    bad_dates = [
        key
        for key, values in request.GET.lists()
        if DATE_PART.search(key) and not all(DATE_PART_VALUE.fullmatch(value) for value in values)
    ]
    if bad_dates:
        return f"Give years, months and days of the date drill-down as numbers ({', '.join(sorted(bad_dates))})."
    return ""


def refuse_bad_queries(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        problem = query_problem(request)
        if problem:
            return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
        return view(request, *args, **kwargs)

    return guarded


class CurationSite(admin.AdminSite):
    """The admin site; its index is the curators' start page (regulations/admin/start_page.py)."""

    index_template = "admin/start_page.html"

    def admin_view(self, view, cacheable=False):
        return super().admin_view(refuse_bad_queries(view), cacheable)

    def index(self, request, extra_context=None):
        from regulations.admin.start_page import start_page_context  # the admin modules load after the site

        return super().index(request, start_page_context(request) | (extra_context or {}))

    def get_urls(self):
        from regulations.admin.start_page import discard_import

        discard = path("imports/<str:upload>/discard/", self.admin_view(discard_import), name="discard_import")
        return [discard, *super().get_urls()]


class CurationAdminConfig(AdminConfig):
    """django.contrib.admin, with CurationSite as ``admin.site``."""

    default_site = "regulations.admin_site.CurationSite"
