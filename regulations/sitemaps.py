"""The public pages for search engines; only published rules are listed."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Company, Jurisdiction, Requirement, Rule


class RuleSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Rule.objects.published().only("slug", "updated_at").order_by("slug")

    def location(self, rule):
        return reverse("regulations:rule-detail", args=[rule.slug])

    def lastmod(self, rule):
        return rule.updated_at


class RequirementSitemap(Sitemap):
    """Each requirement's permanent page, so a clause can be found and cited on its own."""

    changefreq = "weekly"

    def items(self):
        published = Requirement.objects.filter(rule__state="published")
        return published.select_related("rule").only("key", "rule__slug").order_by("rule__slug", "key")

    def location(self, requirement):
        return reverse("regulations:requirement-detail", args=[requirement.rule.slug, requirement.key])


class JurisdictionSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        published = Rule.objects.published().values("jurisdiction_id")
        return Jurisdiction.objects.filter(pk__in=published).only("code").order_by("code")

    def location(self, jurisdiction):
        return reverse("regulations:jurisdiction-detail", args=[jurisdiction.code.lower()])


class CompanySitemap(Sitemap):
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
