"""Path converters for codes and slugs: a segment that cannot name anything is a 404 before any query.

A NUL byte, a non-ASCII character or a segment longer than its column never reaches the database.
"""

from __future__ import annotations

from django.urls.converters import StringConverter

from .models import Company, Jurisdiction, Rule

CODE_PATTERN = f"[A-Za-z0-9-]{{1,{Jurisdiction._meta.get_field('code').max_length}}}"
SLUG_LENGTH = max(model._meta.get_field("slug").max_length for model in (Rule, Company))


class JurisdictionCodeConverter(StringConverter):
    """A jurisdiction code in any case: de, US-CA, unece."""

    regex = CODE_PATTERN


class SlugConverter(StringConverter):
    """A rule's or firm's slug, in any case, no longer than a slug may be."""

    regex = f"[-a-zA-Z0-9_]{{1,{SLUG_LENGTH}}}"


class TableFormatConverter(StringConverter):
    """The formats a listing downloads as: /rules.csv, /jurisdictions.json."""

    regex = "csv|json"
