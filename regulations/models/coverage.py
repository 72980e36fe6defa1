"""Coverage: which domains of a jurisdiction's own law the knowledge base has researched, as of when.

Without it an empty list cannot tell "nothing applies" from "nobody looked". A row
says the law a jurisdiction makes itself was researched for one of the three mission
domains; where no row exists, pages say "not covered yet" instead of a count of 0.
"""

from django.db import models
from django.db.models import Q

from .jurisdictions import Jurisdiction


class Domain(models.TextChoices):
    """The three mission domains: the top-level topics coverage is recorded for (slugs of ``Topic``)."""

    DATA_SECURITY = "data-security", "Data security"
    ROAD_SAFETY = "road-safety", "Road safety"
    CROSS_BORDER = "cross-border-data-transfer", "Cross-border data transfer"


class CoverageManager(models.Manager):
    def get_by_natural_key(self, code, domain):
        return self.get(jurisdiction__code=code, domain=domain)


class Coverage(models.Model):
    """The law ``jurisdiction`` makes itself was researched for ``domain``, as of ``researched_on``."""

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="researched_domains")
    domain = models.CharField(max_length=40, choices=Domain.choices)
    researched_on = models.DateField(help_text="The day the research was current (the reference's review date).")
    note = models.TextField(
        blank=True,
        help_text="Public. What was looked at; say so here when the research found no rule in this domain.",
    )

    objects = CoverageManager()

    class Meta:
        ordering = ["jurisdiction__code", "domain"]
        verbose_name_plural = "coverage"
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "domain"], name="coverage_unique_per_domain"),
            models.CheckConstraint(condition=Q(domain__in=Domain.values), name="coverage_domain_known"),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.code}: {self.get_domain_display()} researched as of {self.researched_on}"

    def natural_key(self):
        return (self.jurisdiction.code, self.domain)

    natural_key.dependencies = ["regulations.jurisdiction"]
