"""The public pages for search engines; only published rules are listed.

``/sitemap.xml`` is an index of sections, each split into pages of ``PAGE_SIZE`` addresses
(a knowledge base at scale has hundreds of thousands of requirement pages: one response
with all of them took seconds and megabytes).
"""

import math
from functools import cached_property
from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max
from django.urls import reverse

from .models import Company, Jurisdiction, Requirement, Rule

PAGE_SIZE = 2000


class PagedSitemap(Sitemap):
    limit = PAGE_SIZE


class IdRangePages:
    """Pages of a queryset by ranges of ids, for the largest section: each page is one range of
    the primary key's index, however deep (a page at OFFSET 400,000 read every row before it).
    A page holds at most ``size`` items, fewer where ids in its range are drafts or gone."""

    def __init__(self, queryset, size: int):
        self.queryset, self.size = queryset, size

    @cached_property
    def num_pages(self) -> int:
        # The highest id of all (one step down the index), not of the published only (a join of every row).
        highest = self.queryset.model.objects.aggregate(highest=Max("pk"))["highest"] or 0
        return max(1, math.ceil(highest / self.size))

    def page(self, number) -> SimpleNamespace:
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer.") from error
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That page contains no results.")
        low = (number - 1) * self.size
        return SimpleNamespace(object_list=self.queryset.filter(pk__gt=low, pk__lte=low + self.size))


class Address:
    """A URL pattern reversed once with stand-ins, filled in per item (reversing per item cost more than the rest)."""

    def __init__(self, name: str, parts: int):
        self.name, self.stand_ins = name, [f"kbpart{n}" for n in range(parts)]
        self.reversed = ""

    def __call__(self, *values: str) -> str:
        if not self.reversed:
            self.reversed = reverse(self.name, args=self.stand_ins)
        address = self.reversed
        for stand_in, value in zip(self.stand_ins, values, strict=True):
            address = address.replace(stand_in, value, 1)
        return address


RULE_ADDRESS = Address("regulations:rule-detail", 1)
REQUIREMENT_ADDRESS = Address("regulations:requirement-detail", 2)


class RuleSitemap(PagedSitemap):
    changefreq = "weekly"

    def items(self):
        return Rule.objects.published().only("slug", "updated_at").order_by("slug")

    def get_latest_lastmod(self):
        """One aggregate: Django's default reads every item for the index's date."""
        return Rule.objects.published().aggregate(latest=Max("updated_at"))["latest"]

    def location(self, rule):
        return RULE_ADDRESS(rule.slug)

    def lastmod(self, rule):
        return rule.updated_at


class RequirementSitemap(PagedSitemap):
    """Each requirement's permanent page, so a clause can be found and cited on its own.

    In the order of their ids, which an index serves page by page (sorting them by address
    sorted every requirement for each page).
    """

    changefreq = "weekly"

    def items(self):
        published = Requirement.objects.filter(rule__state="published")
        return published.select_related("rule").only("key", "rule__slug").order_by("pk")

    @cached_property
    def paginator(self) -> IdRangePages:
        return IdRangePages(self.items(), self.limit)

    def location(self, requirement):
        return REQUIREMENT_ADDRESS(requirement.rule.slug, requirement.key)


class JurisdictionSitemap(PagedSitemap):
    changefreq = "weekly"

    def items(self):
        published = Rule.objects.published().values("jurisdiction_id")
        return Jurisdiction.objects.filter(pk__in=published).only("code").order_by("code")

    def location(self, jurisdiction):
        return reverse("regulations:jurisdiction-detail", args=[jurisdiction.code.lower()])


class CompanySitemap(PagedSitemap):
    changefreq = "monthly"

    def items(self):
        return Company.objects.only("slug").order_by("slug")

    def location(self, company):
        return reverse("regulations:company-detail", args=[company.slug])


class PageSitemap(Sitemap):
    changefreq = "daily"
    pages = ["home", "rule-list", "jurisdiction-list", "compare", "checklist", "company-list", "readiness", "changes"]

    def items(self):
        return self.pages

    def location(self, name):
        return reverse(f"regulations:{name}")


SITEMAPS = {
    "pages": PageSitemap,
    "rules": RuleSitemap,
    "requirements": RequirementSitemap,
    "jurisdictions": JurisdictionSitemap,
    "firms": CompanySitemap,
}
