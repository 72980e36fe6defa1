"""Firms, the markets they enter, public records of their standing, and assessments."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from .jurisdictions import Jurisdiction, SlugManager
from .rules import Requirement, Rule

partial_date_validator = RegexValidator(
    r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$",
    "Give a date as YYYY, YYYY-MM or YYYY-MM-DD, only as precise as the source.",
)


def partial_date_field(**kwargs) -> models.CharField:
    """A date known to the year, month or day; stored as ISO text so it sorts and never invents a day."""
    return models.CharField(max_length=10, blank=True, validators=[partial_date_validator], **kwargs)


class Segment(models.TextChoices):
    CARMAKER = "carmaker", "Carmaker"
    SELF_DRIVING = "self_driving", "Self-driving developer"
    SUPPLIER = "supplier", "Supplier"


class CompanyQuerySet(models.QuerySet):
    def for_list(self):
        """Firms with their markets (and each market's country), in two queries."""
        markets = Market.objects.select_related("jurisdiction__parent").order_by("jurisdiction__name")
        return self.select_related("hq_country").prefetch_related(models.Prefetch("market_entries", queryset=markets))


class CompanyManager(SlugManager.from_queryset(CompanyQuerySet)):
    pass


class Company(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    original_name = models.CharField(max_length=200, blank=True)
    segment = models.CharField(max_length=20, choices=Segment.choices)
    hq_city = models.CharField("HQ city", max_length=100, blank=True)
    hq_country = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, null=True, blank=True, related_name="headquartered_companies"
    )
    website = models.URLField(blank=True)
    listings = models.CharField(max_length=200, blank=True, help_text="Stock listings, e.g. HKEX:1211")
    summary = models.TextField(blank=True, help_text="Markdown, in our own words.")
    internal_notes = models.TextField(blank=True, help_text="For curators only; never shown publicly.")
    is_fictional = models.BooleanField(
        default=False, help_text="A made-up firm that carries illustrative sample data; never a real company."
    )
    markets = models.ManyToManyField(Jurisdiction, through="Market", related_name="market_companies")

    objects = CompanyManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)


class MarketStatus(models.TextChoices):
    SELLING = "selling", "Selling"
    TESTING = "testing", "Testing"
    PLANNED = "planned", "Planned"
    EXPLORING = "exploring", "Exploring"


class MarketManager(models.Manager):
    def get_by_natural_key(self, company, jurisdiction):
        return self.get(company__slug=company, jurisdiction__code=jurisdiction)


class Market(models.Model):
    """A jurisdiction a firm sells in or plans to enter."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="market_entries")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="market_entries")
    status = models.CharField(max_length=20, choices=MarketStatus.choices)
    since = partial_date_field()

    objects = MarketManager()

    class Meta:
        ordering = ["company", "jurisdiction__name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "jurisdiction"], name="market_unique_per_company"),
        ]

    def __str__(self) -> str:
        return f"{self.company} in {self.jurisdiction.code} ({self.get_status_display()})"

    def natural_key(self):
        return (self.company.slug, self.jurisdiction.code)

    natural_key.dependencies = ["regulations.company", "regulations.jurisdiction"]


class RecordKind(models.TextChoices):
    MARKET_ENTRY = "market_entry", "Market entry"
    APPROVAL = "approval", "Approval"
    CERTIFICATION = "certification", "Certification"
    PERMIT = "permit", "Permit"
    SELECTION = "selection", "Selection for a programme"
    LISTING = "listing", "Listing"
    PARTNERSHIP = "partnership", "Partnership"
    FINE = "fine", "Fine"
    OTHER = "other", "Other"


class PublicRecord(models.Model):
    """A public, sourced fact about a firm: an approval granted, a permit, a fine, a market entry."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, null=True, blank=True, related_name="company_records"
    )
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, null=True, blank=True, related_name="company_records")
    date = partial_date_field()
    issuer = models.CharField(max_length=300, blank=True)
    description = models.TextField(help_text="In our own words.")
    source_url = models.URLField(max_length=1000)
    internal_note = models.TextField(blank=True, help_text="For curators only; never shown publicly.")

    class Meta:
        ordering = ["company", "-date"]

    def __str__(self) -> str:
        return f"{self.company}: {self.get_kind_display()} {self.date}".strip()


class AssessmentStatus(models.TextChoices):
    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    GAP = "gap", "Gap"
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    UNKNOWN = "unknown", "Unknown"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"


class AssessmentQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=Visibility.PUBLIC)


class AssessmentManager(models.Manager.from_queryset(AssessmentQuerySet)):
    def get_by_natural_key(self, company, rule, key):
        return self.get(company__slug=company, requirement__rule__slug=rule, requirement__key=key)


class AssessmentRecord(models.Model):
    """What an assessment of a requirement records, firm-wide (``Assessment``) or for one programme
    (``ProgrammeAssessment``)."""

    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.UNKNOWN)
    evidence = models.TextField(blank=True)
    evidence_url = models.URLField(max_length=1000, blank=True)
    assessed_on = models.DateField(null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who in the firm answers for closing it.",
    )
    due_on = models.DateField(null=True, blank=True, help_text="When it should be met.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revision = models.PositiveIntegerField(default=1, help_text="Counts saves; a stale form is refused.")

    class Meta:
        abstract = True


class Assessment(AssessmentRecord):
    """A firm's readiness against one requirement, for the firm as a whole (every programme, unless one overrides
    it with its own ``ProgrammeAssessment``)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="assessments")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="assessments")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL)
    is_sample = models.BooleanField(
        "illustrative sample",
        default=False,
        help_text="Demo data, not a statement about the real firm; labelled wherever it shows.",
    )

    history = HistoricalRecords()
    objects = AssessmentManager()

    class Meta:
        ordering = ["company", "requirement"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "requirement"],
                name="assessment_one_per_company_and_requirement",
                violation_error_message="This firm already has an assessment of this requirement.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} / {self.requirement}: {self.get_status_display()}"

    def natural_key(self):
        return (self.company.slug, *self.requirement.natural_key())

    natural_key.dependencies = ["regulations.company", "regulations.requirement"]
