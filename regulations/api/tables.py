"""``format=csv`` on the API's listings: the same rows as the site's /rules.csv, /jurisdictions.csv and
/companies.csv (``listings.py``, one row builder each), for the same parameters."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError

from ..exports.tables import table_response
from .pagination import Pages

FORMATS = ["json", "csv"]
FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=FORMATS,
    description="`csv`: every row of the listing for these parameters as one CSV file (no pages); `json` by default.",
)


def as_csv(request) -> bool:
    """Whether the client asked for the listing as CSV; a format that is neither is a 400, and so are page
    parameters out of range, whether or not the answer has pages (the same request, the same verdict)."""
    Pages().check(request)
    fmt = request.query_params.get("format") or "json"
    if fmt not in FORMATS:
        raise ValidationError({"format": [f"Choose json or csv, not {fmt}."]})
    return fmt == "csv"


def csv_listing(serializer_class):
    """The schema of a list that also answers ``format=csv``: its JSON pages, or a CSV file."""
    return extend_schema(
        parameters=[FORMAT],
        responses={(200, "application/json"): serializer_class(many=True), (200, "text/csv"): OpenApiTypes.STR},
    )


def csv_response(table):
    return table_response(table, "csv")
