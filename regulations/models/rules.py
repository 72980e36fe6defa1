"""Rules, their requirements, sources and relations to one another."""

import datetime as dt

from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from simple_history.models import HistoricalRecords

from .jurisdictions import Authority, Jurisdiction, MembershipRole, SlugManager, Topic

MAX_SAE_LEVEL = 5
REVIEW_INTERVAL = dt.timedelta(days=182)  # facts older than six months are due for a check


class Instrument(models.TextChoices):
    LAW = "law", "Law"
    REGULATION = "regulation", "Regulation"
    TECHNICAL_STANDARD = "technical_standard", "Technical standard"
    GUIDANCE = "guidance", "Guidance"
    BILL = "bill", "Bill or proposal"


class TreatyInstrument(models.TextChoices):
    """Which UNECE treaty a rule belongs to, and whether it is the treaty itself or an instrument under it.

    A treaty instrument reaches a country only through that treaty's parties (``TREATY_ROLES``).
    """

    NONE = "", "Not a UNECE treaty instrument"
    AGREEMENT_1958 = "agreement_1958", "The 1958 Agreement itself"
    UN_REGULATION = "un_regulation", "UN Regulation (1958 Agreement)"
    AGREEMENT_1998 = "agreement_1998", "The 1998 Agreement itself"
    UN_GTR = "un_gtr", "UN Global Technical Regulation (1998 Agreement)"


TREATY_ROLES = {
    TreatyInstrument.AGREEMENT_1958: MembershipRole.PARTY_1958,
    TreatyInstrument.UN_REGULATION: MembershipRole.PARTY_1958,
    TreatyInstrument.AGREEMENT_1998: MembershipRole.PARTY_1998,
    TreatyInstrument.UN_GTR: MembershipRole.PARTY_1998,
}


class CurationState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class LegalStatus(models.TextChoices):
    """Derived from a rule's dates on a given day; never stored."""

    PROPOSED = "proposed", "Proposed"
    ADOPTED = "adopted", "Adopted, not yet applicable"
    IN_FORCE = "in_force", "In force"
    REPEALED = "repealed", "Repealed"
    UNDETERMINED = "undetermined", "Date of application not recorded"


def legal_status_expression(date: dt.date) -> Case:
    """The legal status of each rule on ``date``, as one SQL expression.

    The order of the branches is the definition: a rule past its end date is
    repealed; a bill is only ever proposed; a rule whose obligations have
    started is in force; one not yet made on ``date`` is proposed; one made but
    not yet applying is adopted. Without a date of application the status is
    undetermined until a curator records it.
    """
    return Case(
        When(applies_until__lte=date, then=Value(LegalStatus.REPEALED)),
        When(instrument=Instrument.BILL, then=Value(LegalStatus.PROPOSED)),
        When(applies_from__lte=date, then=Value(LegalStatus.IN_FORCE)),
        When(adopted_on__gt=date, then=Value(LegalStatus.PROPOSED)),
        When(applies_from__gt=date, then=Value(LegalStatus.ADOPTED)),
        default=Value(LegalStatus.UNDETERMINED),
        output_field=models.CharField(),
    )


class RuleQuerySet(models.QuerySet):
    def published(self):
        """What every public page, export, feed and API response starts from."""
        return self.filter(state=CurationState.PUBLISHED)

    def for_list(self):
        """What a row of a rule list shows: jurisdiction, authority and topics, in three queries."""
        return self.select_related("jurisdiction", "authority").prefetch_related("topics").defer("search_vector")

    def for_detail(self):
        """A rule page: requirements, sources, topics, milestones and relations to other published rules."""
        from .milestones import Milestone  # defined after rules, which it points to

        return (
            self.select_related("jurisdiction__parent", "authority")
            .defer("search_vector")
            .prefetch_related(
                "topics__parent",
                "requirements__topics",
                "sources",
                models.Prefetch("milestones", queryset=Milestone.objects.select_related("jurisdiction")),
                models.Prefetch(
                    "outgoing_relations",
                    queryset=RuleRelation.objects.filter(to_rule__state=CurationState.PUBLISHED).select_related(
                        "to_rule__jurisdiction"
                    ),
                ),
                models.Prefetch(
                    "incoming_relations",
                    queryset=RuleRelation.objects.filter(from_rule__state=CurationState.PUBLISHED).select_related(
                        "from_rule__jurisdiction"
                    ),
                ),
            )
        )

    def due_for_review(self, today: dt.date):
        """Published rules whose facts were not checked against the official source for six months, or never."""
        cutoff = today - REVIEW_INTERVAL
        return self.published().filter(Q(last_reviewed_on__lt=cutoff) | Q(last_reviewed_on__isnull=True))

    def for_level(self, level: int):
        """Rules that concern SAE ``level``: those for all vehicles and those whose range covers it."""
        return self.filter(Q(level_min__isnull=True) | Q(level_min__lte=level, level_max__gte=level))

    def in_topics(self, topics):
        """Rules tagged with any of ``topics`` or their sub-topics (no join, so no duplicates)."""
        return self.filter(
            pk__in=Topic.rules.through.objects.filter(topic__in=with_subtopics(topics)).values("rule_id")
        )

    def holding_requirements_in(self, topics):
        """Rules with a requirement about any of ``topics``: tagged themselves, or by a requirement's own topics."""
        wanted = with_subtopics(topics)
        tagged = Topic.rules.through.objects.filter(topic__in=wanted).values("rule_id")
        by_requirement = Requirement.topics.through.objects.filter(topic__in=wanted).values("requirement__rule_id")
        return self.filter(Q(pk__in=tagged) | Q(pk__in=by_requirement))

    def live_on(self, date: dt.date):
        """In force, or adopted and coming: what a firm must prepare for on ``date``."""
        live = [LegalStatus.IN_FORCE, LegalStatus.ADOPTED]
        return self.alias(_live_status=legal_status_expression(date)).filter(_live_status__in=live)

    def with_legal_status(self, date: dt.date):
        """Annotate ``legal_status`` as of ``date``."""
        return self.annotate(legal_status=legal_status_expression(date))

    def with_status_on(self, status: str, date: dt.date):
        return self.alias(_legal_status=legal_status_expression(date)).filter(_legal_status=status)

    def in_force_on(self, date: dt.date):
        """Rules whose obligations bind on ``date`` (same answer as the IN_FORCE branch, index-friendly)."""
        return (
            self.exclude(instrument=Instrument.BILL)
            .filter(applies_from__lte=date)
            .filter(Q(applies_until__isnull=True) | Q(applies_until__gt=date))
        )

    def repealed_on(self, date: dt.date):
        return self.filter(applies_until__lte=date)

    def adopted_not_yet_applicable_on(self, date: dt.date):
        return self.with_status_on(LegalStatus.ADOPTED, date)

    def proposed_on(self, date: dt.date):
        return self.with_status_on(LegalStatus.PROPOSED, date)


class RuleManager(SlugManager.from_queryset(RuleQuerySet)):
    pass


class Rule(models.Model):
    """One legal instrument or standard."""

    slug = models.SlugField(max_length=100, unique=True)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="rules")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="rules")
    title = models.CharField(max_length=500, help_text="Official English title, or the usual English name.")
    original_title = models.CharField(max_length=500, blank=True, help_text="Title in the original language.")
    short_name = models.CharField(max_length=200, blank=True, help_text="GDPR, UN R155, PIPL ...")
    citation = models.CharField(
        max_length=500, blank=True, help_text="Official citation; unique within the jurisdiction."
    )
    instrument = models.CharField(max_length=20, choices=Instrument.choices)
    binding_by_itself = models.BooleanField(
        default=True,
        help_text=(
            "Binds firms wherever it applies (a law, a regulation, a mandatory standard such as a Chinese GB). "
            "Untick for guidance, best practice, a voluntary standard (GB/T, ISO), a UN Regulation or a treaty: "
            "it then binds only where another rule makes it binding, and is advisory elsewhere."
        ),
    )
    treaty_instrument = models.CharField(
        max_length=20,
        choices=TreatyInstrument.choices,
        blank=True,
        default=TreatyInstrument.NONE,
        help_text="For UNECE instruments: it reaches only the parties to its own treaty (1958 or 1998).",
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="rules")
    level_min = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_SAE_LEVEL)],
        help_text="Lowest SAE level concerned; leave both levels empty for all connected vehicles.",
    )
    level_max = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_SAE_LEVEL)], help_text="Highest SAE level."
    )
    vehicle_categories = models.CharField(
        max_length=300, blank=True, help_text="Vehicle categories or scope as stated, e.g. M, N, O"
    )
    adopted_on = models.DateField(null=True, blank=True, help_text="Date made, signed or published.")
    applies_from = models.DateField(null=True, blank=True, help_text="Date its obligations first bind.")
    applies_until = models.DateField(null=True, blank=True, help_text="Repeal or expiry date.")
    summary = models.TextField(help_text="Markdown, in our own words.")
    internal_notes = models.TextField(blank=True, help_text="For curators only; never shown publicly.")
    state = models.CharField(max_length=20, choices=CurationState.choices, default=CurationState.DRAFT)
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text="When its facts were last checked against the official source."
    )
    last_reviewed_by = models.CharField(max_length=150, blank=True, help_text="Who checked them.")
    revision = models.PositiveIntegerField(default=1, help_text="Counts saves; a stale form is refused.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="Kept by database triggers on PostgreSQL; unused on SQLite."
    )

    requirement_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="How many requirements the rule has; kept by database triggers."
    )

    history = HistoricalRecords(m2m_fields=[topics], excluded_fields=["search_vector", "requirement_count"])
    objects = RuleManager()

    class Meta:
        ordering = ["jurisdiction__code", "title"]
        permissions = [("publish_rule", "Can publish rules")]
        constraints = [
            models.CheckConstraint(
                condition=Q(applies_until__isnull=True)
                | Q(applies_from__isnull=True)
                | Q(applies_until__gt=F("applies_from")),
                name="rule_applies_until_after_applies_from",
                violation_error_message="The end date must be after the date of application.",
            ),
            models.CheckConstraint(
                condition=Q(level_min__isnull=True, level_max__isnull=True)
                | Q(level_min__isnull=False, level_max__isnull=False),
                name="rule_levels_both_or_neither",
                violation_error_message="Give both SAE levels, or neither for all connected vehicles.",
            ),
            models.CheckConstraint(
                condition=Q(level_min__isnull=True)
                | Q(level_min__gte=0, level_max__lte=MAX_SAE_LEVEL, level_min__lte=F("level_max")),
                name="rule_levels_in_range",
                violation_error_message="SAE levels run from 0 to 5, lowest first.",
            ),
            models.CheckConstraint(
                condition=~Q(instrument=Instrument.GUIDANCE, binding_by_itself=True),
                name="rule_guidance_never_binds_by_itself",
                violation_error_message="Guidance never binds by itself: untick “binding by itself”.",
            ),
            models.CheckConstraint(
                condition=Q(treaty_instrument=TreatyInstrument.NONE) | Q(binding_by_itself=False),
                name="rule_treaty_instrument_never_binds_by_itself",
                violation_error_message=(
                    "A UNECE treaty or UN Regulation binds only where a rule makes it binding: "
                    "untick “binding by itself”."
                ),
            ),
            models.UniqueConstraint(
                fields=["jurisdiction", "citation"],
                condition=~Q(citation=""),
                name="rule_citation_unique_per_jurisdiction",
                violation_error_message="Another rule of this jurisdiction has this citation.",
            ),
        ]
        indexes = [
            # Covers what the rule list filters and counts (its facets), so that PostgreSQL answers
            # them from this index instead of reading every wide row (search vector, summary).
            models.Index(
                fields=["state", "jurisdiction"],
                include=[
                    "id",
                    "instrument",
                    "treaty_instrument",
                    "adopted_on",
                    "applies_from",
                    "applies_until",
                    "level_min",
                    "level_max",
                ],
                name="rule_state_jurisdiction",
            ),
            # Covers the readiness totals: the rules binding in a market, summed by requirement count.
            models.Index(
                fields=["state", "jurisdiction"],
                include=[
                    "id",
                    "binding_by_itself",
                    "instrument",
                    "adopted_on",
                    "applies_from",
                    "applies_until",
                    "requirement_count",
                ],
                name="rule_market_scope",
            ),
            models.Index(fields=["applies_from"], name="rule_applies_from"),
            models.Index(fields=["-updated_at"], name="rule_recently_updated"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.title

    def natural_key(self):
        return (self.slug,)

    @property
    def is_published(self) -> bool:
        return self.state == CurationState.PUBLISHED

    @property
    def levels_label(self) -> str:
        if self.level_min is None:
            return "All connected vehicles"
        if self.level_min == self.level_max:
            return f"SAE L{self.level_min}"
        return f"SAE L{self.level_min}-L{self.level_max}"


class RequirementKind(models.TextChoices):
    OBLIGATION = "obligation", "Obligation"
    PROHIBITION = "prohibition", "Prohibition"
    REPORTING = "reporting", "Reporting"
    CERTIFICATION = "certification", "Certification"


def with_subtopics(topics) -> models.QuerySet:
    """``topics`` and the topics beneath them (the tree has two levels)."""
    return Topic.objects.filter(Q(pk__in=[t.pk for t in topics]) | Q(parent__in=topics))


class RequirementQuerySet(models.QuerySet):
    def in_topics(self, topics):
        """Requirements about any of ``topics`` or their sub-topics: by their own topics, else their rule's."""
        wanted = with_subtopics(topics)
        own = Requirement.topics.through.objects.filter(requirement_id=OuterRef("pk"))
        of_rule = Topic.rules.through.objects.filter(rule_id=OuterRef("rule_id"), topic__in=wanted)
        return self.filter(Exists(own.filter(topic__in=wanted)) | (~Exists(own) & Exists(of_rule)))

    def current_on(self, day: dt.date):
        """Those not yet superseded by another requirement on ``day``."""
        return self.filter(Q(superseded_on__isnull=True) | Q(superseded_on__gt=day))


class RequirementManager(models.Manager.from_queryset(RequirementQuerySet)):
    def get_by_natural_key(self, rule_slug, key):
        return self.get(rule__slug=rule_slug, key=key)


class Requirement(models.Model):
    """One obligation inside a rule."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="requirements")
    key = models.SlugField(max_length=80, help_text="Stable identifier within the rule, e.g. art-27.")
    reference = models.CharField(max_length=300, blank=True, help_text="Art. 27, para 7.2 ...")
    kind = models.CharField(max_length=20, choices=RequirementKind.choices, default=RequirementKind.OBLIGATION)
    topics = models.ManyToManyField(
        Topic,
        blank=True,
        related_name="requirements",
        help_text="Only where it is narrower than its rule: left empty, it takes the rule's topics.",
    )
    obligation = models.TextField(help_text="What the firm must do, in plain language and our own words.")
    deadline = models.DateField(null=True, blank=True, help_text="Its own date, where the rule is phased.")
    evidence = models.TextField(blank=True, help_text="What a firm would show to prove it complies.")
    order = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=1, help_text="Counts saves; a stale form is refused.")
    reference_checked = models.BooleanField(
        default=True, help_text="Untick while the clause number has not been checked in the official text."
    )
    internal_note = models.TextField(blank=True, help_text="For curators only; never shown publicly.")
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
        help_text="The requirement that replaces this one.",
    )
    superseded_on = models.DateField(
        null=True, blank=True, help_text="From this day it no longer applies: it leaves checklists."
    )

    history = HistoricalRecords(m2m_fields=[topics])
    objects = RequirementManager()

    class Meta:
        ordering = ["rule_id", "order", "pk"]  # by id, not the rule's own ordering: no join to sort 500,000 rows
        constraints = [
            models.UniqueConstraint(fields=["rule", "key"], name="requirement_key_unique_per_rule"),
            models.CheckConstraint(
                condition=Q(superseded_by__isnull=True) | Q(superseded_on__isnull=False),
                name="requirement_superseded_on_a_day",
                violation_error_message="Say from which day the replacing requirement takes over.",
            ),
            models.CheckConstraint(
                condition=Q(superseded_by__isnull=True) | ~Q(superseded_by=F("pk")),
                name="requirement_not_superseded_by_itself",
                violation_error_message="A requirement cannot replace itself.",
            ),
        ]
        indexes = [
            # Upcoming deadlines (the home page, profiles, the calendar) look up the few dated requirements.
            models.Index(fields=["deadline"], condition=Q(deadline__isnull=False), name="requirement_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.reference or self.key}"

    def superseded_at(self, day: dt.date) -> bool:
        """Whether it no longer applies on ``day`` because another requirement took over."""
        return self.superseded_on is not None and self.superseded_on <= day

    def natural_key(self):
        return (*self.rule.natural_key(), self.key)

    natural_key.dependencies = ["regulations.rule"]


class SourceManager(models.Manager):
    def get_by_natural_key(self, rule_slug, url):
        return self.get(rule__slug=rule_slug, url=url)


class Source(models.Model):
    """Where a rule's text or facts can be read."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(max_length=1000)
    title = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=10, default="en", help_text="ISO 639-1 code.")
    official = models.BooleanField(
        default=False, help_text="Published by the issuing authority, an official journal or registry."
    )
    accessed_on = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()
    objects = SourceManager()

    class Meta:
        ordering = ["rule", "-official", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["rule", "url"], name="source_url_unique_per_rule")]

    def __str__(self) -> str:
        return self.title or self.publisher or self.url

    def natural_key(self):
        return (*self.rule.natural_key(), self.url)

    natural_key.dependencies = ["regulations.rule"]


class RelationKind(models.TextChoices):
    AMENDS = "amends", "amends"
    REPEALS = "repeals", "repeals"
    IMPLEMENTS = "implements", "implements"
    MAKES_BINDING = "makes_binding", "makes binding"
    REFERENCES = "references", "references"


class RuleRelationManager(models.Manager):
    def get_by_natural_key(self, from_slug, to_slug, kind):
        return self.get(from_rule__slug=from_slug, to_rule__slug=to_slug, kind=kind)


class RuleRelation(models.Model):
    """``from_rule`` amends / repeals / implements / makes binding / references ``to_rule``."""

    from_rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="outgoing_relations")
    to_rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="incoming_relations")
    kind = models.CharField(max_length=20, choices=RelationKind.choices)
    applies_from = models.DateField(
        null=True, blank=True, help_text="Only when the relation takes effect on a date of its own."
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = RuleRelationManager()

    class Meta:
        ordering = ["from_rule", "kind", "to_rule"]
        constraints = [
            models.UniqueConstraint(fields=["from_rule", "to_rule", "kind"], name="relation_unique"),
            models.CheckConstraint(condition=~Q(from_rule=F("to_rule")), name="relation_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.from_rule} {self.get_kind_display()} {self.to_rule}"

    def natural_key(self):
        return (self.from_rule.slug, self.to_rule.slug, self.kind)

    natural_key.dependencies = ["regulations.rule"]
