"""A vehicle programme's checklist: the one checklist builder, asked once per target market.

Each market has its own planned type-approval day, so each gets its own query: the rules
that bind a new type of the programme's automation level there on that day, their
milestones deciding whether and from when each requirement bites (docs/design/workspace.md).
"""

from __future__ import annotations

import datetime as dt

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
