"""Illustrative sample assessments for the fictional firm: deterministic, labelled, reproducible.

Each requirement that applies in one of the firm's markets on the spec's day gets a
status from the spec's mix, an assessment date inside the period and a visibility,
all drawn from a hash of the firm and the requirement, so every load gives the same
sample and a second load changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from regulations.applicability import applicabilities
from regulations.models import Assessment, AssessmentStatus, Company, Requirement, Rule, Visibility

from .readiness import SampleSpec

SAMPLE_EVIDENCE = "Illustrative sample: made-up evidence for a fictional firm, to show how readiness is tracked."


def draw(*parts: str) -> int:
    """A stable number from 0 to 9999 for the given parts."""
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return int(digest[:8], 16) % 10_000


def sample_requirements(company: Company, spec: SampleSpec):
    markets = [market.jurisdiction for market in company.market_entries.select_related("jurisdiction__parent")]
    rules = Rule.objects.published().live_on(spec.as_of).exclude(slug__in=spec.unassessed_rules)
    applying = set()
    for reach in applicabilities(markets, spec.as_of).values():
        applying |= set(reach.rules(rules, binding_only=True).values_list("pk", flat=True))
    return Requirement.objects.filter(rule_id__in=applying).select_related("rule").order_by("rule__slug", "key")


def pick_status(percentile: int, mix: dict[str, int]) -> str:
    """The status whose band of the mix (in percent, in order) holds ``percentile``."""
    threshold = 0
    for status, share in mix.items():
        threshold += share
        if percentile < threshold:
            return status
    return "unassessed"


def sample_values(company: Company, requirement: Requirement, spec: SampleSpec) -> dict | None:
    """The sample assessment of one requirement, or None when the mix leaves it unassessed."""
    name = [company.slug, requirement.rule.slug, requirement.key]
    status = pick_status(draw(*name, "status") % 100, spec.mix)
    if status == "unassessed":
        return None
    span = (spec.assessed_until - spec.assessed_from).days
    internal = draw(*name, "visibility") % 100 < spec.internal_percent
    return {
        "status": AssessmentStatus(status),
        "assessed_on": spec.assessed_from + dt.timedelta(days=draw(*name, "date") % (span + 1)),
        "visibility": Visibility.INTERNAL if internal else Visibility.PUBLIC,
        "is_sample": True,
        "evidence": SAMPLE_EVIDENCE,
    }


def sample_assessments(loader, spec: SampleSpec) -> None:
    """Create (or, with sync, reset) the fictional firm's sample assessments through the loader."""
    company = loader.companies.get(spec.company)
    if company is None or not company.is_fictional:
        loader.problems.append(f"samples: {spec.company!r} is not a fictional firm; samples go on made-up firms only")
        return
    for requirement in sample_requirements(company, spec):
        values = sample_values(company, requirement, spec)
        if values:
            loader.upsert(Assessment, {"company": company, "requirement": requirement}, values)
