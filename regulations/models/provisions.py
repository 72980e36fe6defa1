"""The provision matrix: standard questions asked of every market, and the answers each jurisdiction's law gives.

An answer belongs to the jurisdiction whose law it reads (the EU's GDPR, Japan's APPI)
and rests on requirements of that law. A market takes its own answers and the answers
whose cited rules reach it (``regulations.provisions.matrix``): the EU's answers reach
its members, a UN Regulation's the parties that apply it, a federal law's the states.

Where a market's law holds nothing on a question, a curator may record that as a
*finding* (value ``none``): the day of the search, what was read and searched, and the
rules read. It rests on no requirement, so it travels nowhere: it answers for its own
jurisdiction only, and only while no other answer reaches that market.
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .jurisdictions import Jurisdiction, SlugManager, Topic
from .rules import CurationState, Requirement, Rule

EXPLANATION_LENGTH = 240


class QuestionGroup(models.TextChoices):
    """Where a question sits on /provisions/: the three mission domains, then supply chain and export controls."""

    DATA_SECURITY = "data-security", "Data security"
    CROSS_BORDER = "cross-border-data-transfer", "Cross-border data transfer"
    ROAD_SAFETY = "road-safety", "Road safety"
    SUPPLY_CHAIN = "supply-chain", "Supply chain and export controls"


class Question(models.Model):
    """One standard question, read the same way in every market (``yes_means``)."""

    slug = models.SlugField(max_length=80, unique=True)
    group = models.CharField(max_length=40, choices=QuestionGroup.choices)
    topic = models.ForeignKey(
        Topic,
        on_delete=models.PROTECT,
        related_name="questions",
        help_text="Its domain decides whether a market without an answer was researched for it.",
    )
    label = models.CharField(max_length=120, help_text="A short name for a row or a map title.")
    text = models.CharField(max_length=300, help_text="The question, as a user would ask it.")
    yes_means = models.CharField(max_length=300, help_text="What a “yes” says, so every market is read alike.")
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.label

    def natural_key(self):
        return (self.slug,)


class AnswerValue(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    NONE = "none", "No rule (a dated search found none)"


class AnswerQuerySet(models.QuerySet):
    def published(self):
        """What every public page, export and API response starts from."""
        return self.filter(state=CurationState.PUBLISHED)


class AnswerManager(models.Manager.from_queryset(AnswerQuerySet)):
    def get_by_natural_key(self, question_slug, code):
        return self.get(question__slug=question_slug, jurisdiction__code=code)


class Answer(models.Model):
    """What ``jurisdiction``'s own law answers to ``question``, resting on some of its requirements."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(max_length=10, choices=AnswerValue.choices)
    explanation = models.CharField(
        max_length=EXPLANATION_LENGTH, help_text="One line, in our own words: who must do what, how soon."
    )
    rests_on = models.ManyToManyField(
        Requirement,
        related_name="answers",
        blank=True,  # a finding rests on none; every other answer on at least one (AnswerForm, content check)
        help_text="The requirements of this jurisdiction's rules that establish the answer; its date and force "
        "in each market come from them.",
    )
    checked_on = models.DateField(
        null=True, blank=True, help_text="A finding only: the day the search that found no rule was made."
    )
    searched = models.TextField(
        blank=True, help_text="A finding only, shown publicly: which laws were read and what was searched."
    )
    checked_rules = models.ManyToManyField(
        Rule,
        blank=True,
        related_name="findings",
        help_text="A finding only: the rules read that hold nothing on the question.",
    )
    state = models.CharField(max_length=20, choices=CurationState.choices, default=CurationState.DRAFT)
    internal_note = models.TextField(blank=True, help_text="For curators only; never shown publicly.")
    revision = models.PositiveIntegerField(default=1, help_text="Counts saves; a stale form is refused.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[rests_on, checked_rules])
    objects = AnswerManager()

    class Meta:
        ordering = ["question__order", "jurisdiction__code"]
        permissions = [("publish_answer", "Can publish answers")]
        constraints = [
            models.UniqueConstraint(fields=["question", "jurisdiction"], name="answer_unique_per_jurisdiction"),
            models.CheckConstraint(condition=Q(value__in=AnswerValue.values), name="answer_value_known"),
            models.CheckConstraint(condition=~Q(explanation=""), name="answer_explained"),
            models.CheckConstraint(
                condition=Q(value=AnswerValue.NONE, checked_on__isnull=False) & ~Q(searched="")
                | ~Q(value=AnswerValue.NONE) & Q(checked_on__isnull=True, searched=""),
                name="answer_finding_dated",
                violation_error_message="A finding (no rule) needs the day of the search and what was searched; "
                "an answer resting on requirements has neither.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction.code}: {self.question}"

    def natural_key(self):
        return (self.question.slug, self.jurisdiction.code)

    natural_key.dependencies = ["regulations.question", "regulations.jurisdiction"]

    @property
    def is_published(self) -> bool:
        return self.state == CurationState.PUBLISHED

    @property
    def is_finding(self) -> bool:
        return self.value == AnswerValue.NONE
