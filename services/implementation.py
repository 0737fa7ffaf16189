"""Implementation across the Network (issue #22), for the secretariat and auditors: each
member's follow-up items by status per cycle, every item by theme, and each cycle's items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from napreview.schemas.follow_up import FollowUpItem, ItemStatus
from napreview.schemas.members import Actor
from napreview.services import access
from napreview.store.records import Store


@dataclass(frozen=True)
class Standing:
    """How far a group of items has come: how many of each status."""

    label: str
    counts: dict[ItemStatus, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, status: ItemStatus) -> int:
        """Whole percent of the items with this status."""
        return round(100 * self.counts.get(status, 0) / self.total) if self.total else 0


@dataclass(frozen=True)
class MemberStanding:
    cycle: str
    member: str
    standing: Standing
    due: datetime | None
    overdue: bool
    unacknowledged: int
    closed: bool


@dataclass(frozen=True)
class Implementation:
    """Implementation across the Network: per member and cycle, and per theme (of the cycle
    asked for, or of every cycle); ``by_cycle``: every cycle's items, oldest first, whatever
    cycle was asked for, to compare the cycles."""

    members: list[MemberStanding]
    themes: list[Standing]
    cycles: list[str]
    by_cycle: list[Standing]


def _standing(label: str, items: Sequence[FollowUpItem]) -> Standing:
    counts = {status: 0 for status in ItemStatus}
    for item in items:
        counts[item.status] += 1
    return Standing(label, counts)


def implementation(store: Store, actor: Actor, cycle: str | None = None) -> Implementation:
    """Where the follow-ups stand (the secretariat and auditors): each member's items by status
    in each cycle, and every item by theme (the pillar or the Network's theme it serves)."""
    if not access.reads_everything(actor):
        raise access.refuse_read(store, actor, "follow_ups", cycle, None, "every follow-up")
    every = store.follow_ups.all()
    records = [r for r in every if cycle is None or r.state.cycle == cycle]
    members = [
        MemberStanding(
            cycle=r.state.cycle,
            member=r.state.member,
            standing=_standing(r.state.member, r.state.items),
            due=r.state.deadline.due if r.state.deadline else None,
            overdue=r.state.overdue,
            unacknowledged=sum(1 for x in r.state.reports if x.acknowledged_at is None),
            closed=r.state.closed_at is not None,
        )
        for r in records
    ]
    by_theme: dict[str, list[FollowUpItem]] = {}
    for r in records:
        for item in r.state.items:
            by_theme.setdefault(item.tags.pillar or "", []).append(item)
    themes = [_standing(label, items) for label, items in sorted(by_theme.items())]
    by_cycle: dict[str, list[FollowUpItem]] = {}
    for r in every:
        by_cycle.setdefault(r.state.cycle, []).extend(r.state.items)
    cycles = [_standing(label, items) for label, items in sorted(by_cycle.items())]
    return Implementation(members, themes, [c.label for c in reversed(cycles)], cycles)
