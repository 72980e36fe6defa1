"""A programme's checklist as an analyst's grid: its requirements across its markets, with where it stands on each.

The rows come from the one checklist builder, asked once per target market on that market's
planned type-approval day (``regulations.programmes``), less the rules whose vehicle categories
leave out the programme's; a requirement that applies in several markets is one row naming
them all. Each row carries the programme's standing on it
(``regulations.programme_assessments``). The filters that need the standing (status, owner,
overdue) are applied after it is read; market and topic narrow the checklist queries
themselves. The same rows serve the page and the spreadsheet export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms

from .checklists import build_checklist
from .evidence import NEEDS_RENEWAL, all_expired, expiry_by_requirement
from .models import AssessmentStatus, Programme, ProgrammeMarket, Rule, Topic
from .models.programmes import members_of
from .programme_assessments import Standing, standings
from .programmes import checklist_queries, fits_category

PAGE_SIZE = 50
MINE = "me"
STATUSES = [*AssessmentStatus.choices, (NEEDS_RENEWAL, "Needs renewal")]  # what a row can show


@dataclass
class GridRow:
    """One requirement of the programme's checklist, in every target market it applies in."""

    requirement_id: int
    rule: str
    rule_slug: str
    reference: str
    requirement_key: str
    obligation: str
    topics: str
    markets: list[dict] = field(default_factory=list)  # {code, applies_from, bites} per market
    standing: Standing | None = None
    is_overdue: bool = False
    changed: bool = False  # its rule changed since the user last reviewed the programme
    evidence: int = 0  # pieces of evidence serving the programme
    needs_renewal: bool = False  # assessed met, but every piece of its evidence has expired

    @property
    def status(self) -> str:
        """The status shown: "needs renewal" instead of "met" when all its evidence has expired."""
        return NEEDS_RENEWAL if self.needs_renewal else self.standing.status

    @property
    def label(self) -> str:
        return f"{self.rule} {self.reference or self.requirement_key}"

    def overdue(self, today: dt.date) -> bool:
        record = self.standing.record if self.standing else None
        return bool(record and record.due_on and record.due_on < today and self.standing.status != AssessmentStatus.MET)


class GridFilter(forms.Form):
    """The grid's filters; a wrong value is a 400 with the message beside the field."""

    market = forms.ModelChoiceField(
        queryset=ProgrammeMarket.objects.none(),
        required=False,
        to_field_name="jurisdiction__code",
        error_messages={"invalid_choice": "Not one of this programme's markets."},
    )
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        required=False,
        to_field_name="slug",
        error_messages={"invalid_choice": "Unknown topic: choose one from the list."},
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *STATUSES],
        required=False,
        error_messages={"invalid_choice": "Unknown status %(value)s: choose one from the list."},
    )
    owner = forms.CharField(required=False, max_length=150)
    overdue = forms.BooleanField(required=False, label="Overdue only")
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, programme: Programme, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["market"].queryset = programme.markets.select_related("jurisdiction")
        self.members = list(members_of(programme.company))  # read once: every row's owner list shows them
        self.fields["owner"].widget = forms.Select(
            choices=[("", "Anyone"), (MINE, "Me"), *((u.username, u.get_username()) for u in self.members)]
        )

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        if owner and owner != MINE and owner not in {u.username for u in self.members}:
            raise forms.ValidationError(f"{owner} does not belong to {self.programme.company}.")
        return owner


@dataclass
class Grid:
    rows: list[GridRow]  # those the filters keep
    tally: list[tuple[str, str, int]]  # (status, label, count) over the market and topic asked, whatever the rest


def programme_grid(programme: Programme, filters: dict, user, today: dt.date) -> Grid:
    every = grid_rows(programme, {**filters, "status": None, "owner": None, "overdue": False}, user, today)
    counts = dict.fromkeys([*AssessmentStatus.values, NEEDS_RENEWAL], 0)
    for row in every:
        counts[row.status] += 1
    tally = [(status, label, counts[status]) for status, label in STATUSES]
    return Grid([row for row in every if kept(row, filters, user, today)], tally)


def grid_rows(programme: Programme, filters: dict, user, today: dt.date) -> list[GridRow]:
    """The programme's rows, merged across its markets, with their standings, filtered."""
    queries = checklist_queries(programme, today)
    market = filters.get("market")
    if market is not None:
        queries = [q for q in queries if q.applies_in[0].pk == market.jurisdiction_id]
    rows: dict[int, GridRow] = {}
    for query in queries:
        if filters.get("topic") is not None:
            query.topics = [filters["topic"]]
        for row in build_checklist(query).rows:
            found = rows.setdefault(
                row["requirement_id"],
                GridRow(
                    requirement_id=row["requirement_id"],
                    rule=row["rule"],
                    rule_slug=row["rule_slug"],
                    reference=row["reference"],
                    requirement_key=row["requirement_key"],
                    obligation=row["obligation"],
                    topics=row["topics"],
                ),
            )
            found.markets.append(
                {"code": row["applies_in"], "applies_from": row["applies_from"], "bites": row["bites"]}
            )
    categories = dict(
        Rule.objects.filter(slug__in={r.rule_slug for r in rows.values()}).values_list("slug", "vehicle_categories")
    )
    rows = {
        pk: row for pk, row in rows.items() if fits_category(categories.get(row.rule_slug), programme.vehicle_category)
    }
    found_standings, expiries = standings(programme, rows), expiry_by_requirement(programme, rows)
    for pk, row in rows.items():
        row.standing = found_standings[pk]
        row.is_overdue = row.overdue(today)
        row.evidence = len(expiries.get(pk, []))
        row.needs_renewal = row.standing.status == AssessmentStatus.MET and all_expired(expiries.get(pk, []), today)
    return [row for row in rows.values() if kept(row, filters, user, today)]


def kept(row: GridRow, filters: dict, user, today: dt.date) -> bool:
    status, owner = filters.get("status"), filters.get("owner")
    if status and row.status != status:
        return False
    if owner:
        record = row.standing.record
        name = record.owner.get_username() if record and record.owner else None
        if name != (user.get_username() if owner == MINE else owner):
            return False
    return not (filters.get("overdue") and not row.is_overdue)
