"""What waits for a person (issue #8 item 1): `napreview tasks` and the portal's home page.

A focal point: its member's self-assessment (or revision) due, peer reviews its member was drawn
for and has not submitted, peer recommendations to answer. The secretariat: sign-offs waiting
and overdue reviews. Auditors have nothing waiting.

Read from the store's read model (store/reviews.py): stages, deadlines, reviewer slots and
answers due, so a work list asks Temporal nothing, however many reviews are open. Two things
the read model does not hold are asked of the one review concerned: the secretariat's comments
on a review returned for revision, and everything about a review only a worker older than the
read model has projected (no deadlines or slots known yet).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel

from napreview.schemas.members import Actor, Role
from napreview.schemas.stages import ReviewerStatus, SlotProjection, Stage
from napreview.services.errors import NotFoundError
from napreview.store.follow_ups import FollowUpRecord
from napreview.store.records import Store
from napreview.store.reviews import ReviewRecord

if TYPE_CHECKING:  # Temporal loads only when a list must ask a review (`napreview tasks` reads)
    from temporalio.client import Client

    from napreview.schemas.review import ReviewState


class TaskKind(StrEnum):
    SELF_ASSESSMENT = "self_assessment"
    REVISION = "revision"
    PEER_REVIEW = "peer_review"
    RECOMMENDATIONS = "recommendations"
    SIGN_OFF = "sign_off"
    OVERDUE = "overdue"
    PROGRESS_REPORT = "progress_report"  # a follow-up's report asked of the member
    ACKNOWLEDGEMENT = "acknowledgement"  # a progress report the secretariat has not acknowledged


class Task(BaseModel):
    kind: TaskKind
    cycle: str
    member: str
    stage: Stage
    round: int
    deadline: datetime | None = None
    days_left: int | None = None
    overdue: bool = False
    comments: str | None = None
    count: int | None = None


class ReviewSummaryLine(BaseModel):
    cycle: str
    member: str
    stage: str
    round: int
    overdue: bool


class WorkList(BaseModel):
    email: str
    role: Role
    member: str | None
    tasks: list[Task]
    reviews: list[ReviewSummaryLine]
    reviewing: list[ReviewSummaryLine]


def days_left(deadline: datetime | None, now: datetime | None = None) -> int | None:
    """Whole days until the deadline, rounded up; negative once it has passed."""
    if deadline is None:
        return None
    seconds = (deadline - (now or datetime.now(UTC))).total_seconds()
    return math.ceil(seconds / 86400) if seconds >= 0 else -math.ceil(-seconds / 86400)


def _task(
    kind: TaskKind,
    review: ReviewRecord,
    deadline: datetime | None,
    overdue: bool,
    count: int | None = None,
) -> Task:
    return Task(
        kind=kind,
        cycle=review.cycle,
        member=review.member,
        stage=review.stage,
        round=review.round,
        deadline=deadline,
        days_left=days_left(deadline),
        overdue=overdue,
        count=count,
    )


def _line(review: ReviewRecord) -> ReviewSummaryLine:
    return ReviewSummaryLine(
        cycle=review.cycle,
        member=review.member,
        stage=review.stage.value,
        round=review.round,
        overdue=review.overdue,
    )


# --------------------------------------------------------------------------- a focal point


def own_tasks(review: ReviewRecord) -> list[Task]:
    """What the member's focal point owes its own review."""
    tasks = []
    if review.stage is Stage.SELF_ASSESSMENT:
        kind = TaskKind.SELF_ASSESSMENT if review.round == 1 else TaskKind.REVISION
        tasks.append(_task(kind, review, review.deadline, review.overdue))
    if review.stage in (Stage.PEER_REVIEW, Stage.CEDAW_CHECK, Stage.SIGN_OFF) and review.unanswered:
        due = review.answers_due or review.deadline
        tasks.append(_task(TaskKind.RECOMMENDATIONS, review, due, False, count=review.unanswered))
    return tasks


def reviewer_task(review: ReviewRecord, reviewer: str) -> Task | None:
    """The peer review the member still owes, while the review waits for it."""
    slot = review.slot(reviewer)
    if review.stage is not Stage.PEER_REVIEW or slot is None:
        return None
    if slot.status is not ReviewerStatus.ACTIVE:
        return None
    return _task(TaskKind.PEER_REVIEW, review, slot.due, slot.overdue)


# --------------------------------------------------------------------------- the secretariat


def secretariat_task(review: ReviewRecord) -> Task | None:
    """A sign-off waiting, or an overdue review (by its earliest overdue peer review, else its
    stage's deadline)."""
    if review.stage is Stage.SIGN_OFF:
        return _task(TaskKind.SIGN_OFF, review, review.deadline, review.overdue)
    if review.overdue and not review.stage.terminal:
        dues = [s.due for s in review.reviewers or () if s.overdue and s.due]
        return _task(TaskKind.OVERDUE, review, min(dues) if dues else review.deadline, True)
    return None


# --------------------------------------------------------------------------- follow-ups


def report_tasks(records: Iterable[FollowUpRecord]) -> list[Task]:
    """The progress report each open follow-up of the member asks for now."""
    return [
        Task(
            kind=TaskKind.PROGRESS_REPORT,
            cycle=r.state.cycle,
            member=r.state.member,
            stage=Stage.COMPLETED,
            round=r.state.period,
            deadline=r.state.deadline.due,
            days_left=days_left(r.state.deadline.due),
            overdue=r.state.overdue,
        )
        for r in records
        if r.state.closed_at is None and r.state.deadline is not None
    ]


def acknowledgement_tasks(records: Iterable[FollowUpRecord]) -> list[Task]:
    """Each progress report received and not yet acknowledged."""
    return [
        Task(
            kind=TaskKind.ACKNOWLEDGEMENT,
            cycle=r.state.cycle,
            member=r.state.member,
            stage=Stage.COMPLETED,
            round=report.period,
        )
        for r in records
        for report in r.state.reports
        if report.acknowledged_at is None
    ]


# --------------------------------------------------------------------------- the list


# How a door reaches Temporal when it must: the command line's and the portal's own connection.
Connect = Callable[[], Awaitable["Client"]]


class _Lazy:
    """A connection made on first need only, once."""

    def __init__(self, connect: Connect | None) -> None:
        self._connect = connect
        self._client: Client | None = None

    @property
    def possible(self) -> bool:
        return self._connect is not None

    async def __call__(self) -> Client:
        assert self._connect is not None
        if self._client is None:
            self._client = await self._connect()
        return self._client


async def work_list(store: Store, actor: Actor, connect: Connect | None = None) -> WorkList:
    """Everything waiting for this person, overdue first, then by deadline. Temporal is reached
    (``connect``) only for what the read model cannot tell (see the module's docstring): a
    list of reviews projected whole needs no Temporal at all. The read model is read in a worker
    thread: the portal's event loop serves other people meanwhile."""
    client = _Lazy(connect)
    tasks: list[Task] = []
    reviews: list[ReviewSummaryLine] = []
    reviewing: list[ReviewSummaryLine] = []
    if actor.role is Role.FOCAL_POINT and actor.member:
        member = actor.member
        own = await asyncio.to_thread(store.reviews.of_member, member)
        drawn = await asyncio.to_thread(store.reviews.drawn_for, member)
        open_own = await _completed(client, [r for r in own if not r.stage.terminal])
        waiting = [r for r, submitted in drawn if not submitted and not r.stage.terminal]
        for review in open_own:
            tasks += own_tasks(review)
        tasks += [t for r in await _completed(client, waiting) if (t := reviewer_task(r, member))]
        await _with_comments(client, tasks)
        tasks += report_tasks(await asyncio.to_thread(store.follow_ups.of_member, member))
        reviews = [_line(r) for r in own]
        reviewing = [_line(r) for r, _ in drawn]
    elif actor.role is Role.SECRETARIAT:
        waiting = await asyncio.to_thread(store.reviews.open, Stage.SIGN_OFF)
        overdue = await asyncio.to_thread(store.reviews.open, overdue=True)
        late = [r for r in overdue if r.stage is not Stage.SIGN_OFF]
        tasks = [t for r in await _completed(client, waiting + late) if (t := secretariat_task(r))]
        tasks += acknowledgement_tasks(await asyncio.to_thread(store.follow_ups.still_open))
    tasks.sort(key=_order)
    return WorkList(
        email=actor.email or "",
        role=actor.role,
        member=actor.member,
        tasks=tasks,
        reviews=reviews,
        reviewing=reviewing,
    )


def _order(task: Task) -> tuple[int, float, str, str]:
    when = task.deadline.timestamp() if task.deadline else float("inf")
    return (0 if task.overdue else 1, when, task.cycle, task.member)


# --------------------------------------------------------------------------- what the model lacks


async def _completed(client: _Lazy, records: list[ReviewRecord]) -> list[ReviewRecord]:
    """The records, those projected by an older worker completed from their review's own state
    (one query each; none once every worker projects the whole review). A review that cannot
    be asked is left as the read model has it."""
    older = [r for r in records if not r.complete]
    if not older or not client.possible:
        return records
    states = await _states(await client(), older)
    return [
        from_state(states[(r.cycle, r.member)], r) if (r.cycle, r.member) in states else r
        for r in records
    ]


async def _with_comments(client: _Lazy, tasks: list[Task]) -> None:
    """The secretariat's comments on each review returned for revision, from that review."""
    revisions = [t for t in tasks if t.kind is TaskKind.REVISION]
    if not revisions or not client.possible:
        return
    from napreview.schemas.review import Decision

    states = await _states(await client(), revisions)
    for task in revisions:
        state = states.get((task.cycle, task.member))
        returned = [
            d
            for d in (state.sign_offs if state else [])
            if d.decision is Decision.RETURN_FOR_REVISION
        ]
        if returned:
            task.comments = returned[-1].comments


async def _states(
    client: Client, reviews: Iterable[ReviewRecord | Task]
) -> dict[tuple[str, str], ReviewState]:
    """The live state of each review; one that cannot be found (yet) is left out."""
    from napreview.services.steps import review_state

    async def one(cycle: str, member: str) -> ReviewState | None:
        try:
            return await review_state(client, cycle, member)
        except NotFoundError:
            return None

    pairs = sorted({(r.cycle, r.member) for r in reviews})
    found = await asyncio.gather(*(one(c, m) for c, m in pairs))
    return {pair: state for pair, state in zip(pairs, found, strict=True) if state is not None}


def from_state(state: ReviewState, record: ReviewRecord) -> ReviewRecord:
    """A review's record as a current worker would have projected it, from its state."""
    from napreview.schemas.review import recommendation_keys

    answered = set(state.responses)
    return ReviewRecord(
        cycle=state.cycle,
        member=state.member,
        stage=state.stage,
        round=state.round,
        overdue=state.overdue,
        cedaw_rating=state.cedaw.rating.value if state.cedaw else None,
        deadline=state.deadline.due if state.deadline else None,
        reviewers=tuple(
            SlotProjection(
                member=slot.member,
                status=slot.status,
                due=slot.deadline.due if slot.deadline else None,
                overdue=slot.overdue,
            )
            for slot in state.reviewers
        ),
        answers_due=state.answers_due,
        unanswered=len([k for k in recommendation_keys(state.reviewers) if k not in answered]),
        at=record.at,
        updated_at=record.updated_at,
    )
