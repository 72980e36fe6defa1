"""Which phase-in milestones concern a requirement in a market, and from when it binds a vehicle.

A requirement's own milestones replace its rule's; of each kind, a milestone of the
market (set by a law that reaches it, such as the EU's dates for UN R155 in Germany)
replaces one that holds everywhere. Then the vehicle decides:

- a new type approved on or after the day is bound from the date for new types,
  or, where only one date for all new vehicles is recorded, from that one;
- an already approved type registered on the day is bound from the date for all new
  vehicles (or the end of acceptance of its older series); a date for new types alone
  says nothing about it, so its date is then "not recorded" rather than guessed.

Reporting and other starts bind every vehicle. Where several dates fit, the earliest
counts: it is when the requirement first bites. Pure Python over loaded milestones, so a
checklist reads them in one query whatever its length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Milestone, MilestoneKind, VehicleSituation

VEHICLE_KINDS = {
    VehicleSituation.NEW_TYPE: [[MilestoneKind.NEW_TYPES], [MilestoneKind.ALL_NEW_VEHICLES]],
    VehicleSituation.REGISTERED: [[MilestoneKind.ALL_NEW_VEHICLES, MilestoneKind.OLDER_SERIES_END]],
}
EVERY_VEHICLE = [MilestoneKind.REPORTING, MilestoneKind.OTHER]


@dataclass(frozen=True)
class PhaseIn:
    """The milestones that concern one requirement in one market, and from when it binds the vehicle."""

    milestones: list[Milestone] = field(default_factory=list)
    start: dt.date | None = None

    @property
    def described(self) -> str:
        return "; ".join(milestone.label for milestone in self.milestones)


def concerning(milestones: Iterable[Milestone], requirement_id: int | None, markets: set[int]) -> list[Milestone]:
    """Of one rule's ``milestones``, those for ``requirement_id`` in a market reached through ``markets``."""
    reaching = [ms for ms in milestones if ms.jurisdiction_id is None or ms.jurisdiction_id in markets]
    own = [ms for ms in reaching if ms.requirement_id is not None and ms.requirement_id == requirement_id]
    chosen = own or [ms for ms in reaching if ms.requirement_id is None]
    kinds: dict[str, list[Milestone]] = {}
    for milestone in chosen:
        kinds.setdefault(milestone.kind, []).append(milestone)
    kept = [ms for same in kinds.values() for ms in ([one for one in same if one.jurisdiction_id] or same)]
    return sorted(kept, key=lambda ms: (ms.date, ms.kind, ms.key))


def start_for(milestones: list[Milestone], vehicle: str) -> dt.date | None:
    """From when ``milestones`` bind the ``vehicle``; None when none of them speaks to it."""
    dates: dict[str, dt.date] = {}
    for milestone in milestones:
        dates[milestone.kind] = min(milestone.date, dates.get(milestone.kind, milestone.date))
    found = [dates[kind] for kind in EVERY_VEHICLE if kind in dates]
    for kinds in VEHICLE_KINDS[VehicleSituation(vehicle)]:
        fitting = [dates[kind] for kind in kinds if kind in dates]
        if fitting:
            found.append(min(fitting))
            break
    return min(found, default=None)


def phase_in(milestones: Iterable[Milestone], requirement_id: int | None, markets: set[int], vehicle: str) -> PhaseIn:
    relevant = concerning(milestones, requirement_id, markets)
    return PhaseIn(relevant, start_for(relevant, vehicle) if relevant else None)


def by_rule(rule_ids) -> dict[int, list[Milestone]]:
    """The milestones of ``rule_ids``, keyed by rule, with their markets (one query)."""
    found: dict[int, list[Milestone]] = {}
    for milestone in Milestone.objects.filter(rule_id__in=set(rule_ids)).select_related("jurisdiction"):
        found.setdefault(milestone.rule_id, []).append(milestone)
    return found
