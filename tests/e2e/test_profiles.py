"""A market profile reads as a list of rules under the reasons they bind for (issue 13, item 5)."""

import re

from playwright.sync_api import expect

EU_LAW = re.compile(r"^Applies in Germany: via EU membership since 1 January 1958$")


def test_a_profile_says_each_reason_once_not_once_per_rule(page, live_url):
    page.goto(f"{live_url}/jurisdictions/de/")
    reasons = page.locator(".kb-reason-group")
    rules = page.locator(".kb-reason-group + ul > li")
    assert rules.count() > 2 * reasons.count() > 0
    domains = page.locator("#rules-heading ~ h4.kb-domain").count()
    eu_law = page.locator(".kb-reason-group li").filter(has_text=EU_LAW)
    assert 0 < eu_law.count() <= domains  # once per domain, not once per EU rule (about 45 of them)
    expect(page.get_by_role("link", name="GDPR", exact=True).first).to_be_visible()
