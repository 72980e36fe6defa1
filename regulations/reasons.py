"""The paths along which a rule reaches a place (steps), each with its force (a reason), and the verdict.

``Applicability`` (``applicability.py``) finds them; these classes only hold and word them.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.utils.formats import date_format

from .force import STRENGTH, Force, ForceWords
from .models import Jurisdiction, MembershipRole, Rule

LONG_DATE = "j F Y"
TREATY_NAMES = {MembershipRole.PARTY_1958: "1958 Agreement", MembershipRole.PARTY_1998: "1998 Agreement"}


class StepKind(enum.Enum):
    OWN = "own"
    PARENT = "parent"
    UNION = "union"
    BINDING = "binding"
    INCORPORATED = "incorporated"
    PARTY = "party"  # a party to the treaty, reached by the treaty itself or one of its GTRs
    APPLIES = "applies"  # a party recorded as applying the UN Regulation
    UNRECORDED = "unrecorded"  # a party whose application of the UN Regulation is not recorded


@dataclass(frozen=True)
class Step:
    kind: StepKind
    via: Jurisdiction | None = None
    since: dt.date | None = None
    rule: Rule | None = None
    effective_from: dt.date | None = None
    treaty: str = ""  # the membership role of a treaty step

    def describe(self, jurisdiction: Jurisdiction) -> str:
        treaty = TREATY_NAMES.get(self.treaty, "")
        start = f" from {date_format(self.effective_from, LONG_DATE)}" if self.effective_from else ""
        match self.kind:
            case StepKind.OWN:
                return f"made by {jurisdiction.name}"
            case StepKind.PARENT:
                return f"made by {self.via.name}, of which {jurisdiction.name} is part"
            case StepKind.UNION:
                return f"via {self.via.code} membership{since_text(self.since)}"
            case StepKind.INCORPORATED:
                return f"incorporated in {jurisdiction.name} by {self.rule}{start}"
            case StepKind.PARTY if self.treaty == MembershipRole.PARTY_1998:
                return f"party to the {treaty}{since_text(self.since)}, which binds governments, not vehicles"
            case StepKind.PARTY:
                return f"party to the {treaty}{since_text(self.since)}"
            case StepKind.APPLIES:
                return f"applies it as a party to the {treaty}{since_text(self.since)}"
            case StepKind.UNRECORDED:
                return (
                    f"party to the {treaty}{since_text(self.since)}; whether it applies this regulation is not recorded"
                )
        return f"made binding by {self.rule}{start}"


def since_text(date: dt.date | None) -> str:
    return f" since {date_format(date, LONG_DATE)}" if date else " (start date not recorded)"


@dataclass(frozen=True)
class Reason(ForceWords):
    """A path from the jurisdiction to the rule, with its force: the last step is how the path starts in X."""

    jurisdiction: Jurisdiction
    steps: tuple[Step, ...]
    force: Force | None = Force.BINDING

    @property
    def binding(self) -> bool:
        return self.force == Force.BINDING

    @property
    def effective_from(self) -> dt.date | None:
        dates = [step.effective_from for step in self.steps if step.effective_from]
        return max(dates, default=None)

    def __str__(self) -> str:
        return f"{'Applies in' if self.force else 'In'} {self.jurisdiction.name}: {self.path}"

    @property
    def path(self) -> str:
        """The steps as one phrase: "made binding by A from <date>, which applies via EU membership ..."."""
        text = self.steps[0].describe(self.jurisdiction)
        for step in self.steps[1:]:
            if step.kind is StepKind.BINDING:
                text += f", which is itself {step.describe(self.jurisdiction)}"
            elif step.kind is StepKind.OWN:
                text += f", a rule of {self.jurisdiction.name}"
            elif step.kind is StepKind.PARENT:
                text += f", a rule of {step.via.name}, of which {self.jurisdiction.name} is part"
            elif step.kind is StepKind.INCORPORATED:
                text += f", {step.describe(self.jurisdiction)}"
            else:
                text += f", which applies {step.describe(self.jurisdiction)}"
        return text


@dataclass(frozen=True)
class Verdict(ForceWords):
    """One rule in one place: the strongest force among its reasons; weaker reasons are detail."""

    jurisdiction: Jurisdiction
    reasons: tuple[Reason, ...]  # strongest first

    @property
    def force(self) -> Force | None:
        return self.reasons[0].force if self.reasons else None

    @property
    def grounds(self) -> list[Reason]:
        """The reasons that carry the verdict."""
        return [reason for reason in self.reasons if reason.force == self.force]

    @property
    def detail(self) -> list[Reason]:
        """Weaker paths (a recognition where the rule binds), shown as detail, never as a second verdict."""
        return [reason for reason in self.reasons if reason.force != self.force]


def strongest_first(reasons: list[Reason]) -> list[Reason]:
    return sorted(reasons, key=lambda reason: -STRENGTH[reason.force])
