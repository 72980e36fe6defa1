"""Where rules come from: jurisdictions, unions and treaty bodies, authorities, topics."""

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper


class JurisdictionKind(models.TextChoices):
    COUNTRY = "country", "Country"
    SUBDIVISION = "subdivision", "Subdivision"
    UNION = "union", "Supranational union"
    TREATY_BODY = "treaty_body", "Treaty body"


class SlugManager(models.Manager):
    """A manager whose natural key is the model's slug (for fixtures that survive re-numbering)."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class JurisdictionQuerySet(models.QuerySet):
    def places(self):
        """Countries and subdivisions: where a vehicle is sold, as opposed to unions and treaty bodies."""
        return self.filter(kind__in=[JurisdictionKind.COUNTRY, JurisdictionKind.SUBDIVISION])

    def bodies(self):
        """Unions and treaty bodies."""
        return self.filter(kind__in=[JurisdictionKind.UNION, JurisdictionKind.TREATY_BODY])

    def makers(self):
        """Jurisdictions that make published rules: a semi-join, not a DISTINCT over every rule."""
        from .rules import Rule  # defined after jurisdictions, which it points to

        return self.filter(pk__in=Rule.objects.published().values("jurisdiction_id"))


class JurisdictionManager(models.Manager.from_queryset(JurisdictionQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Jurisdiction(models.Model):
    """A country, subdivision, union or treaty body that makes or takes rules."""

    code = models.CharField(
        max_length=12,
        unique=True,
        help_text="ISO 3166-1 alpha-2 or ISO 3166-2 code (DE, US-CA), or EU, EAEU, EEA, UNECE. Upper case.",
    )
    name = models.CharField(max_length=200)
    original_name = models.CharField(max_length=200, blank=True, help_text="Name in the official language.")
    kind = models.CharField(max_length=20, choices=JurisdictionKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The country a subdivision belongs to (US for US-CA).",
    )
    region = models.CharField(max_length=40, blank=True, help_text="UN M49 continental region.")
    description = models.TextField(blank=True)

    objects = JurisdictionManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code=Upper("code")), name="jurisdiction_code_upper_case"),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="jurisdiction_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def natural_key(self):
        return (self.code,)


class MembershipRole(models.TextChoices):
    MEMBER = "member", "Member state"
    EEA_EFTA = "eea_efta", "EEA EFTA state"
    PARTY_1958 = "party_1958", "Contracting party to the 1958 Agreement"
    PARTY_1998 = "party_1998", "Contracting party to the 1998 Agreement"


class MembershipQuerySet(models.QuerySet):
    def active_on(self, date: dt.date):
        """Memberships held on ``date``; an unrecorded start counts as held."""
        return self.filter(
            Q(since__isnull=True) | Q(since__lte=date),
            Q(until__isnull=True) | Q(until__gte=date),
        )


class MembershipManager(models.Manager.from_queryset(MembershipQuerySet)):
    def get_by_natural_key(self, member, body, role, since):
        return self.get(member__code=member, body__code=body, role=role, since=since)


class Membership(models.Model):
    """A jurisdiction in a union or treaty, from ``since`` to ``until`` (last day, inclusive)."""

    member = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="memberships")
    body = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="members",
        limit_choices_to={"kind__in": [JurisdictionKind.UNION, JurisdictionKind.TREATY_BODY]},
    )
    role = models.CharField(max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    since = models.DateField(null=True, blank=True, help_text="Leave empty when the date is not confirmed.")
    until = models.DateField(null=True, blank=True, help_text="Last day of membership; empty while it lasts.")
    source_url = models.URLField(max_length=1000, blank=True)
    note = models.TextField(blank=True)

    objects = MembershipManager()

    class Meta:
        ordering = ["body__code", "member__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(until__isnull=True) | Q(until__gte=F("since")),
                name="membership_dates_in_order",
                violation_error_message="A membership cannot end before it starts.",
            ),
            models.CheckConstraint(condition=~Q(member=F("body")), name="membership_not_of_itself"),
            models.UniqueConstraint(fields=["member", "body", "role", "since"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["member", "body", "role"],
                condition=Q(since__isnull=True),
                name="membership_unique_undated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.code} in {self.body.code} ({self.get_role_display()})"

    def natural_key(self):
        return (self.member.code, self.body.code, self.role, self.since.isoformat() if self.since else None)

    natural_key.dependencies = ["regulations.jurisdiction"]


class Authority(models.Model):
    """A body that issues rules (European Commission, CAC, NHTSA, MLIT ...)."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=300, unique=True)
    abbreviation = models.CharField(max_length=40, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, null=True, blank=True, related_name="authorities"
    )

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)


class Topic(models.Model):
    """A node of the small topic tree; the top level is the three mission domains."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    order = models.PositiveSmallIntegerField(default=0)

    objects = SlugManager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="topic_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)
