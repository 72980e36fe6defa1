"""A vehicle programme's checklist: the one checklist builder, asked once per target market.

Each market has its own planned type-approval day, so each gets its own query: the rules
that bind a new type of the programme's automation level there on that day, their
milestones deciding whether and from when each requirement bites (docs/design/workspace.md).
"""

from __future__ import annotations

import datetime as dt
import re

from regulations.checklists import Checklist, ChecklistQuery, build_checklist
from regulations.models import Programme, VehicleSituation


def checklist_queries(programme: Programme, today: dt.date) -> list[ChecklistQuery]:
    """One query per target market, for a new type approved on the market's planned day (else ``today``)."""
    return [
        ChecklistQuery(
            applies_in=[market.jurisdiction],
            level=programme.sae_level,
            on=market.type_approval_on or today,
            vehicle=VehicleSituation.NEW_TYPE,
            company=programme.company,
        )
        for market in programme.markets.select_related("jurisdiction").order_by("jurisdiction__name")
    ]


def programme_checklists(programme: Programme, today: dt.date) -> list[Checklist]:
    return [build_checklist(query) for query in checklist_queries(programme, today)]


CATEGORY_LIST = re.compile(r"^\s*[LMNO][1-4]?(\s*,\s*[LMNO][1-4]?)*\s*$")


def fits_category(categories: str | None, category: str) -> bool:
    """Whether a rule whose ``vehicle_categories`` reads ``categories`` reaches a vehicle of ``category`` (M1 ...).

    Only a plain list of UN categories ("M, N, O", "M1, N1", "M3") can exclude: any other
    wording ("passenger cars (M1), pick-ups (N1) ...", "motor vehicles marketed in Ecuador")
    keeps the rule, since reading it is a curator's job, not a guess of ours.
    """
    if not categories or not CATEGORY_LIST.match(categories):
        return True
    listed = {token.strip() for token in categories.split(",")}
    return category in listed or category[0] in listed
