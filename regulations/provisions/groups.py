"""Market groups the provision matrix can show at once: the EU and the EAEU from their recorded memberships,
ASEAN and the Gulf Cooperation Council from the lists below (groupings, not law-makers: no rule of theirs
reaches a member, so they are not jurisdictions in the content)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from regulations.models import Jurisdiction, Membership, MembershipRole


@dataclass(frozen=True)
class MarketGroup:
    key: str
    name: str
    body: str = ""  # a union whose recorded members on the day make the group
    codes: tuple[str, ...] = ()  # otherwise, these countries
    source: str = ""


GROUPS = {
    group.key: group
    for group in (
        MarketGroup("eu", "European Union", body="EU"),
        MarketGroup("eaeu", "Eurasian Economic Union", body="EAEU"),
        MarketGroup(
            "asean",
            "ASEAN",
            # Timor-Leste was admitted as the eleventh member on 26 October 2025 (47th ASEAN Summit; press reports).
            codes=("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN"),
            source="https://asean.org/member-states/",
        ),
        MarketGroup(
            "gulf",
            "Gulf Cooperation Council",
            codes=("AE", "BH", "KW", "OM", "QA", "SA"),
            source="https://www.gcc-sg.org/",
        ),
    )
}


def group_members(key: str, on: dt.date) -> QuerySet:
    """The group's countries on ``on``, by name (one query)."""
    group = GROUPS[key]
    places = Jurisdiction.objects.select_related("parent").order_by("name")
    if group.body:
        members = Membership.objects.active_on(on).filter(body__code=group.body, role=MembershipRole.MEMBER)
        return places.filter(pk__in=members.values("member_id"))
    return places.filter(code__in=group.codes)
