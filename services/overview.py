"""A cycle as the store's read model keeps it (store/reviews.py): counts per stage and the status
of its reviews, for the portal and `napreview cycle status`, without Temporal.

No Temporal import here, nor in anything this module imports: a command that only reads the
read model answers without loading the SDK (tests/integration/test_cli_imports.py), and the store's
modules are imported for type checking only, so the command line may import the models at the
top. `cycles.py` asks Temporal's visibility for the same status (`cycle status --live`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel

from napreview.schemas.stages import ReviewerStatus, Stage
from napreview.services.errors import NotFoundError

if TYPE_CHECKING:  # the store (SQLAlchemy) loads with the first call, not with the models
    from napreview.store.cycles import CycleLine
    from napreview.store.records import Store
    from napreview.store.reviews import ReviewRecord


class ReviewLine(BaseModel):
    member: str
    stage: Stage
    round: int
    overdue: bool
    reviewers: list[str]


class CycleStatus(BaseModel):
    cycle: str
    counts: dict[str, int]
    reviews: list[ReviewLine]


def status_of(
    store: Store,
    cycle: str,
    counts: dict[str, int],
    wanted: list[tuple[str, Stage, bool]],
    in_order: bool = False,
    rounds: dict[str, int] | None = None,
) -> CycleStatus:
    """The status of these reviews (member, stage, overdue), with reviewers from the store and
    rounds as given (the read model's) or else from the store, in member order (or in the
    order given)."""
    members = [m for m, _, _ in wanted]
    few = len(members) < 500
    if rounds is None:
        rounds = store.reviews.rounds(cycle, members if few else None)
    reviewers = store.cycles.assignments(cycle, members if few else None)
    lines = [
        ReviewLine(
            member=member,
            stage=at,
            round=rounds.get(member, 1),
            overdue=late,
            reviewers=reviewers.get(member, []),
        )
        for member, at, late in wanted
    ]
    if not in_order:
        lines.sort(key=lambda line: line.member)
    return CycleStatus(cycle=cycle, counts=counts, reviews=lines)


def cycle_status(
    store: Store,
    cycle: str,
    stage: Stage | None = None,
    overdue: bool = False,
    readable: Collection[str] | None = None,
) -> CycleStatus:
    """Every review of the cycle the filter finds (of the ``readable`` members only, when
    given), overdue first, with the counts per stage: `napreview cycle status`, from the read
    model in a few queries of plain columns, at ten thousand reviews as at 83."""
    found = store.reviews.lines(cycle, stage, overdue, readable)
    counts = _counts(store, cycle, readable, found=bool(found))
    wanted = [(member, at, late) for member, at, _, late in found]
    rounds = {member: round_ for member, _, round_, _ in found}
    return status_of(store, cycle, counts, wanted, in_order=True, rounds=rounds)


def _counts(
    store: Store, cycle: str, readable: Collection[str] | None, found: bool
) -> dict[str, int]:
    """The reviews per stage; a cycle neither found nor recorded is not there."""
    counts: dict[str, int] = {s.value: 0 for s in Stage}
    counts.update(store.reviews.counts(cycle, readable))
    if not found and not any(counts.values()) and not store.cycles.exists(cycle):
        raise NotFoundError(f"There is no cycle {cycle!r}.")
    return counts


class CycleOverview(CycleStatus):
    """A cycle as the portal shows it, read from the store alone: the status of a page of its
    reviews (overdue first), when each of them last changed, how many reviews the filter finds
    in all, and the next deadline each waits for (none once it waits for no one)."""

    updated: dict[str, datetime]
    matching: int
    next_due: dict[str, datetime] = {}


def next_due(record: ReviewRecord) -> datetime | None:
    """What a review waits for next, by when: the member's answers, the stage's deadline, or
    the earliest deadline of a reviewer still to submit."""
    if record.stage.terminal:
        return None
    if record.answers_due is not None:
        return record.answers_due
    if record.deadline is not None:
        return record.deadline
    open_slots = [
        slot.due
        for slot in record.reviewers or ()
        if slot.due is not None and slot.status is ReviewerStatus.ACTIVE
    ]
    return min(open_slots, default=None)


def cycle_overview(
    store: Store,
    cycle: str,
    stage: Stage | None = None,
    overdue: bool = False,
    *,
    readable: Collection[str] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> CycleOverview:
    """The cycle from the read model: counts per stage and a page of the reviews (at one
    stage, or overdue only), overdue first. ``readable``: only these members' reviews are
    counted and listed (a focal point's scope, ``access.readable_reviews``); None: the whole
    cycle. No Temporal query, and the database does the counting and the paging, so a view
    costs the same at 83 reviews as at ten thousand. A review appears once it has published
    its first stage. Its chart: services/progress.py."""
    records = store.reviews.of_cycle(
        cycle, stage, overdue, members=readable, offset=offset, limit=limit
    )
    counts = _counts(store, cycle, readable, found=bool(records))
    wanted = [(r.member, r.stage, r.overdue) for r in records]
    rounds = {r.member: r.round for r in records}
    status = status_of(store, cycle, counts, wanted, in_order=True, rounds=rounds)
    matching = (
        offset + len(records)
        if limit is None or len(records) < limit
        else store.reviews.matching(cycle, stage, overdue, readable)
    )
    return CycleOverview(
        **status.model_dump(),
        updated={r.member: r.updated_at for r in records},
        matching=matching,
        next_due={r.member: due for r in records if (due := next_due(r)) is not None},
    )


def cycle_exists(store: Store, cycle: str) -> bool:
    return store.cycles.exists(cycle)


def cycles_overview(store: Store) -> list[CycleLine]:
    """Every cycle, newest first, with its reviews counted per stage (from the read model)."""
    return store.cycles.overview()
