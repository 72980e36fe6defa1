"""Ranked search over rules: the one function every door calls.

On PostgreSQL: the weighted full-text vector kept by triggers (title and short
name above citation above summary above requirement text), trigram word
similarity for typos, and substring matches for citations, bare numbers and
titles in other scripts (汽车数据). On SQLite: a weighted substring score, with
each word also matched against close spellings from the rules' own vocabulary.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, Exists, F, FloatField, Lookup, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from .expressions import AmongIds, RankIn
from .models import Requirement

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
# The best matches a search keeps, ranked: the list, its facets and its exports all count
# within them (a search for a word on every rule would otherwise be ranked on every request).
MAX_HITS = 1000
SUGGESTIONS = 3
SUGGESTION_SIMILARITY = 0.2  # trigram similarity: "gdrp" is 0.25 from "GDPR"
SUGGESTION_CUTOFF = 0.6  # difflib's ratio on SQLite: "gdrp" is 0.75 from "gdpr"
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hits:
    """What a search found: rule ids, best first, and whether more than ``limit`` matched."""

    ranked: list[int]
    capped: bool
    limit: int


def find(queryset: QuerySet, query: str) -> Hits:
    """The rules of ``queryset`` matching ``query``, best first: one query, at most ``MAX_HITS``."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    matches = postgres_matches if connection.vendor == "postgresql" else fallback_matches
    ranked = (
        matches(queryset.prefetch_related(None), query)
        .order_by("-search_rank", "jurisdiction__code", "title", "pk")
        .values_list("pk", flat=True)
    )
    limit = MAX_HITS
    found = list(ranked[: limit + 1])
    return Hits(found[:limit], capped=len(found) > limit, limit=limit)


def search_rules(queryset: QuerySet, query: str, hits: Hits | None = None) -> QuerySet:
    """Rules of ``queryset`` among the hits of ``query``, annotated with ``search_rank`` (higher is better).

    Give ``hits`` (from ``find``) to reuse one search in several queries: the list and each facet.
    """
    if not " ".join(query.split()):
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    hits = hits or find(queryset, query)
    return queryset.filter(AmongIds(hits.ranked)).annotate(search_rank=RankIn(hits.ranked))


def substring_match(query: str) -> Q:
    return (
        Q(citation__icontains=query)
        | Q(short_name__icontains=query)
        | Q(title__icontains=query)
        | Q(original_title__icontains=query)
    )


def exact_match(query: str) -> Q:
    """The rule's own name or number: its short name, slug or whole citation (or a citation ending in it)."""
    return (
        Q(short_name__iexact=query)
        | Q(slug__iexact=query)
        | Q(citation__iexact=query)
        | Q(citation__iendswith=f" {query}")
    )


class ILike(Lookup):
    """PostgreSQL's ILIKE, which the trigram indexes serve (Django's icontains compares UPPER()s, which they do not)."""

    lookup_name = "ilike"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]


def containing(query: str) -> str:
    return "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def postgres_matches(queryset: QuerySet, query: str) -> QuerySet:
    """Every branch of the condition has its index (the planner ORs their bitmaps); the rank is computed on matches.

    Full text (the weighted vector, GIN), close spellings of a word in the short fields
    (trigram word similarity over the default threshold, GIN) and substrings of them (ILIKE, GIN).
    """
    text = SearchQuery(query, search_type="websearch", config="english") | SearchQuery(
        query, search_type="plain", config="simple"
    )
    pattern = containing(query)
    short_fields = ("title", "short_name", "citation")
    condition = Q(search_vector=text)
    for name in short_fields:
        condition |= Q(TrigramWordSimilar(F(name), query))
    for name in (*short_fields, "original_title"):
        condition |= Q(ILike(F(name), pattern))
    # Close spellings rank only what the words did not find: computing them for every match of a
    # common word (48,000 rules for "data" at scale) cost five times the rest of the rank.
    similarity = Case(
        When(Q(search_vector=text), then=Value(0.0)),
        default=Greatest(*(TrigramWordSimilarity(query, name) for name in short_fields)),
        output_field=FloatField(),
    )
    exact = Case(
        When(exact_match(query), then=Value(2.0)),
        When(substring_match(query), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    text_rank = SearchRank(F("search_vector"), text, weights=[0.1, 0.2, 0.4, 1.0])
    return queryset.filter(condition).annotate(search_rank=text_rank + similarity + exact)


def vocabulary(queryset: QuerySet) -> list[str]:
    words = set()
    for values in queryset.values_list("title", "short_name", "citation"):
        for value in values:
            words.update(word.lower() for word in WORD.findall(value or "") if len(word) > 3)
    return sorted(words)


def spellings(term: str, words: list[str]) -> list[str]:
    close = difflib.get_close_matches(term.lower(), words, n=3, cutoff=0.8) if len(term) > 4 else []
    return [term, *close]


def fallback_matches(queryset: QuerySet, query: str) -> QuerySet:
    terms = WORD.findall(query)[:MAX_TERMS] or [query]
    words = vocabulary(queryset)
    rank = Case(
        When(exact_match(query), then=Value(10.0)),
        When(substring_match(query), then=Value(5.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    condition = substring_match(query)
    every_term = Q()
    for term in terms:
        variants = spellings(term, words)
        named, titled, cited, summarised, required = Q(), Q(), Q(), Q(), Q()
        for variant in variants:
            named |= Q(short_name__icontains=variant)
            titled |= Q(title__icontains=variant) | Q(original_title__icontains=variant)
            cited |= Q(citation__icontains=variant)
            summarised |= Q(summary__icontains=variant)
            required |= Q(obligation__icontains=variant) | Q(reference__icontains=variant)
        in_requirements = Exists(Requirement.objects.filter(required, rule=OuterRef("pk")))
        rank = rank + Case(
            When(named, then=Value(5.0)),
            When(titled, then=Value(4.0)),
            When(cited, then=Value(3.0)),
            When(summarised, then=Value(2.0)),
            When(in_requirements, then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        every_term &= named | titled | cited | summarised | Q(in_requirements)
    return queryset.annotate(search_rank=rank).filter(condition | every_term)


def nearest_names(queryset: QuerySet, query: str) -> list[str]:
    """The rule names of ``queryset`` closest to a search that found nothing: its "did you mean".

    On PostgreSQL the trigram similarity of the short name (indexed); on SQLite difflib's
    ratio over the distinct short names.
    """
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    named = queryset.exclude(short_name="")
    if not query:
        return []
    if connection.vendor == "postgresql":
        closest = (
            named.annotate(closeness=TrigramSimilarity("short_name", query))
            .filter(closeness__gte=SUGGESTION_SIMILARITY)
            .order_by("-closeness", "short_name")
            .values_list("short_name", flat=True)
        )
        return list(dict.fromkeys(closest[: SUGGESTIONS * 4]))[:SUGGESTIONS]
    names = {name.lower(): name for name in named.values_list("short_name", flat=True).distinct()}
    close = difflib.get_close_matches(query.lower(), list(names), n=SUGGESTIONS, cutoff=SUGGESTION_CUTOFF)
    return [names[name] for name in close]
