"""A firm's own work: its vehicle programmes, the markets each targets, and who belongs to the firm.

Programmes are a firm's internal data: a user sees a firm's programmes only as a member of
that firm (``FirmMembership``), or with the ``see_every_firm`` permission (a consultancy's
lead, the site's owner). Every page, export and API door asks ``visible_to``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .jurisdictions import Jurisdiction
from .readiness import AssessmentRecord, Company
from .rules import Requirement

SEE_EVERY_FIRM = "regulations.see_every_firm"


class FirmRole(models.TextChoices):
    ANALYST = "analyst", "Analyst"
    LEAD = "lead", "Compliance lead"


class FirmMembership(models.Model):
    """A user working for a firm (a consultancy's analyst may belong to several)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="firm_memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=10, choices=FirmRole.choices, default=FirmRole.ANALYST)

    class Meta:
        ordering = ["company", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company"],
                name="firm_membership_once",
                violation_error_message="This user already belongs to this firm.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.company} ({self.get_role_display()})"


def sees_every_firm(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(SEE_EVERY_FIRM))


def members_of(company) -> models.QuerySet:
    """The users who belong to ``company``: its possible owners of an assessment, by username."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(firm_memberships__company=company).order_by("username")


def firms_of(user) -> models.QuerySet:
    """The firms whose own work (programmes, their assessments and evidence) ``user`` may see and edit."""
    if not user.is_authenticated:
        return Company.objects.none()
    firms = Company.objects.all()
    return firms if sees_every_firm(user) else firms.filter(members__user=user)


class VehicleCategory(models.TextChoices):
    M1 = "M1", "M1 (passenger cars)"
    M2 = "M2", "M2 (minibuses)"
    M3 = "M3", "M3 (buses and coaches)"
    N1 = "N1", "N1 (vans)"
    N2 = "N2", "N2 (medium goods vehicles)"
    N3 = "N3", "N3 (heavy goods vehicles)"


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The programmes ``user`` may see: those of ``firms_of(user)``."""
        return self.filter(company__in=firms_of(user))


class Programme(models.Model):
    """A vehicle programme, e.g. "Model S1 for the EU, 2027": what its checklist is computed from."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="programmes")
    slug = models.SlugField(max_length=100)
    name = models.CharField(max_length=200)
    vehicle_category = models.CharField(max_length=2, choices=VehicleCategory.choices)
    sae_level = models.PositiveSmallIntegerField(
        "SAE level", validators=[MaxValueValidator(5)], help_text="The highest driving automation level it offers."
    )
    ota_updates = models.BooleanField("over-the-air software updates", default=False)
    in_cabin_camera = models.BooleanField("in-cabin camera", default=False)
    cloud_services = models.BooleanField("connected cloud services", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revision = models.PositiveIntegerField(default=1, help_text="Counts saves; a stale form is refused.")

    history = HistoricalRecords()
    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["company", "name"]
        permissions = [("see_every_firm", "Can see every firm's programmes, assessments and evidence")]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "slug"],
                name="programme_slug_once_per_firm",
                violation_error_message="This firm already has a programme with this slug.",
            ),
            models.CheckConstraint(
                condition=Q(sae_level__lte=5),
                name="programme_sae_level_0_to_5",
                violation_error_message="SAE levels run from 0 to 5.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company}: {self.name}"


class ProgrammeMarket(models.Model):
    """A market a programme targets, with the days its checklist is worked out for."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="markets")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="programme_markets")
    type_approval_on = models.DateField("planned type approval", null=True, blank=True)
    first_registration_on = models.DateField("planned first registration", null=True, blank=True)

    class Meta:
        ordering = ["programme", "jurisdiction__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "jurisdiction"],
                name="programme_market_once",
                violation_error_message="This programme already targets this market.",
            ),
            models.CheckConstraint(
                condition=Q(type_approval_on__isnull=True)
                | Q(first_registration_on__isnull=True)
                | Q(first_registration_on__gte=models.F("type_approval_on")),
                name="programme_market_registration_after_approval",
                violation_error_message="First registration cannot come before type approval.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name} in {self.jurisdiction.name}"


class ProgrammeAssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(programme__company__in=firms_of(user))


class ProgrammeAssessment(AssessmentRecord):
    """A programme's own assessment of a requirement, overriding the firm-wide one for that programme.

    Always internal: a separate table from ``Assessment``, so no public page, export, view
    or API door that reads firm-wide assessments can ever show one.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="assessments")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="programme_assessments")
    notes = models.TextField(blank=True, help_text="The team's working notes on it; internal like the rest.")

    history = HistoricalRecords()
    objects = ProgrammeAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["programme", "requirement"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "requirement"],
                name="programme_assessment_once",
                violation_error_message="This programme already has an assessment of this requirement.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name} / {self.requirement}: {self.get_status_display()}"


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(company__in=firms_of(user))


def evidence_path(item, filename: str) -> str:
    return f"evidence/{item.company_id}/{filename}"


class EvidenceItem(models.Model):
    """A document or link showing a firm meets requirements, valid from one day to another.

    A requirement assessed "met" whose every piece of evidence has expired reads "needs
    renewal" (worked out when shown, never stored). Internal: only the firm's members see it.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="evidence_items")
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence_items",
        help_text="Empty: it serves every programme of the firm.",
    )
    requirements = models.ManyToManyField(Requirement, related_name="evidence_items")
    title = models.CharField(max_length=200)
    url = models.URLField("link", max_length=1000, blank=True)
    file = models.FileField(upload_to=evidence_path, blank=True)
    effective_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="Empty: it does not expire.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[requirements])
    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""),
                name="evidence_link_or_file",
                violation_error_message="Give a link or upload a file.",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("effective_on")),
                name="evidence_expires_after_it_starts",
                violation_error_message="It cannot expire before it takes effect.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def expired_on(self, day) -> bool:
        return self.expires_on is not None and self.expires_on < day
