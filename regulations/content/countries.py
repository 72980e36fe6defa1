"""Countries and subdivisions from ISO 3166 (pycountry), original names from CLDR (Babel)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pycountry
from babel import Locale, UnknownLocaleError
from babel.core import get_global

OFFICIAL = {"official", "de_facto_official"}


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    original_name: str


@cache
def official_language(code: str) -> str | None:
    """The most widely spoken official language of a territory, per CLDR."""
    languages = get_global("territory_languages").get(code, {})
    official = [
        (info.get("population_percent", 0), language)
        for language, info in languages.items()
        if info.get("official_status") in OFFICIAL
    ]
    return max(official)[1] if official else None


def original_name(code: str, english: str) -> str:
    language = official_language(code)
    if not language:
        return ""
    try:
        name = Locale.parse(language).territories.get(code, "")
    except (UnknownLocaleError, ValueError):
        return ""
    return "" if name == english else name


def countries() -> list[Country]:
    """All ISO 3166-1 countries, with their common English name where ISO's is formal."""
    result = []
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        result.append(Country(country.alpha_2, english, original_name(country.alpha_2, english)))
    return result


def subdivision_country(code: str) -> str | None:
    """The country of an ISO 3166-2 subdivision code, or None when ISO has no such code."""
    subdivision = pycountry.subdivisions.get(code=code)
    return subdivision.country_code if subdivision else None
