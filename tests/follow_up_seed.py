"""Follow-ups and indicator values as the read model keeps them, written straight into a store, for
the tests of what the secretariat reads of implementation (/follow-ups, the annual-meeting
report): two cycles, two members, items of every status and a few themes, and measured values of
two global indicators beside a baseline and a plan's own indicator (which the report leaves out).
"""

from __future__ import annotations

from datetime import UTC, datetime

from napreview.schemas.follow_up import (
    FollowUpItem,
    FollowUpState,
    ItemSource,
    ItemStatus,
    StatusChange,
    Tags,
)
from napreview.schemas.indicators import NewPlanIndicator, NewValue, Reading, ValueKind
from napreview.services import indicators, users
from napreview.store.records import Store

from .helpers import SECRETARIAT

AT = datetime(2027, 3, 1, tzinfo=UTC)

# cycle -> member -> (theme, status) of each item
ITEMS: dict[str, dict[str, list[tuple[str | None, ItemStatus]]]] = {
    "first": {
        "DEU": [
            ("prevention", ItemStatus.DONE),
            ("prevention", ItemStatus.DONE),
            ("participation", ItemStatus.UNDER_WAY),
            (None, ItemStatus.NOT_STARTED),
        ],
    },
    "second": {
        "DEU": [
            ("prevention", ItemStatus.DONE),
            ("prevention", ItemStatus.UNDER_WAY),
            ("participation", ItemStatus.NOT_STARTED),
            ("participation", ItemStatus.NOT_PURSUED),
        ],
        "MEX": [
            ("protection", ItemStatus.DONE),
            ("protection", ItemStatus.DONE),
            ("participation", ItemStatus.UNDER_WAY),
        ],
    },
}


def _item(n: int, theme: str | None, status: ItemStatus) -> FollowUpItem:
    history = [] if status is ItemStatus.NOT_STARTED else [
        StatusChange(at=AT, by="fp", status=status, reason="Covered by the new plan."
                     if status is ItemStatus.NOT_PURSUED else None)
    ]  # fmt: skip
    return FollowUpItem(
        key=f"network:P{n}", source=ItemSource.NETWORK_RECOMMENDATION, source_ref=f"P{n}",
        text_sha256="0" * 64, tags=Tags(pillar=theme), history=history,
    )  # fmt: skip


def seed_follow_ups(store: Store, first: str, second: str) -> None:
    """The follow-ups of cycles ``first`` and ``second`` (named so that tests sharing a store
    do not meet) and the indicator values."""
    for name, cycle in (("first", first), ("second", second)):
        for member, items in ITEMS[name].items():
            state = FollowUpState(
                cycle=cycle, member=member, drawn=True, as_of=AT,
                items=[_item(n, theme, status) for n, (theme, status) in enumerate(items)],
            )  # fmt: skip
            store.follow_ups.project(state)
    secretariat = users.actor(store, SECRETARIAT)
    for indicator, member, period, kind, women, men, total in (
        ("SG-09", "DEU", "2025", ValueKind.MEASURED, 40, 60, 100),
        ("SG-09", "DEU", "2026", ValueKind.MEASURED, 45, 65, 110),
        ("SG-09", "MEX", "2026", ValueKind.MEASURED, 20, 30, 50),
        ("SG-09", "MEX", "2024", ValueKind.BASELINE, 10, 30, 40),
        ("SG-01", "DEU", "2026", ValueKind.MEASURED, None, None, 12.5),
    ):
        reading = Reading(women=women, men=men, total=total)
        value = NewValue(
            indicator=indicator, member=member, period=period, kind=kind, reading=reading,
            source="National statistics office",
        )  # fmt: skip
        indicators.record(store, secretariat, value)
    own = indicators.add(store, secretariat, "DEU", _plan_indicator())
    reading = Reading(total=7)
    value = NewValue(indicator=own.id, member="DEU", period="2026", reading=reading, source="Plan")
    indicators.record(store, secretariat, value)


def _plan_indicator() -> NewPlanIndicator:
    return NewPlanIndicator.model_validate(
        {"pillar": "participation", "measure": "count", "title": {"en": "Mediators trained"}}
    )
