"""Every listing as CSV or JSON for its current filter: /rules.csv?applies_in=de, /jurisdictions.json."""

from __future__ import annotations

from django.http import JsonResponse

from regulations.exports.tables import table_response
from regulations.filters import RuleFilter
from regulations.listings import company_table, jurisdiction_table, rule_table
from regulations.models import Rule
from regulations.views.exports import site_of


def rules_table(request, fmt: str):
    """The rule list's rows for the same parameters; a bad filter is a 400 naming each field and its error."""
    filterset = RuleFilter(request.GET, queryset=Rule.objects.published().for_list(), request=request)
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.form.errors.get_json_data()}, status=400)
    return table_response(rule_table(filterset, site_of(request)), fmt)


def jurisdictions_table(request, fmt: str):
    return table_response(jurisdiction_table(site_of(request)), fmt)


def companies_table(request, fmt: str):
    return table_response(company_table(site_of(request)), fmt)
