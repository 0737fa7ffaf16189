"""What waits for a person (issue #8 item 1): `napreview tasks` and the portal's home page.

A focal point: its member's self-assessment (or revision) due, peer reviews its member was drawn
for and has not submitted, peer recommendations to answer. The secretariat: sign-offs waiting
and overdue reviews. Auditors have nothing waiting. The store's projection says which reviews
to look at; each review's own state (a query) gives deadlines and answers.
"""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel
from temporalio.client import Client

from napreview.schemas.members import Actor, Role
from napreview.schemas.review import (
    Decision,
    ReviewerStatus,
    ReviewState,
    Stage,
)
from napreview.services.documents import peer_recommendations
from napreview.services.errors import NotFoundError
from napreview.services.steps import review_state
from napreview.store.records import Store
from napreview.store.reviews import ReviewRecord


class TaskKind(StrEnum):
    SELF_ASSESSMENT = "self_assessment"
    REVISION = "revision"
    PEER_REVIEW = "peer_review"
    RECOMMENDATIONS = "recommendations"
    SIGN_OFF = "sign_off"
    OVERDUE = "overdue"


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


def _task(kind: TaskKind, state: ReviewState, deadline: datetime | None, overdue: bool) -> Task:
    return Task(
        kind=kind,
        cycle=state.cycle,
        member=state.member,
        stage=state.stage,
        round=state.round,
        deadline=deadline,
        days_left=days_left(deadline),
        overdue=overdue,
    )


async def _states(client: Client, pairs: list[tuple[str, str]]) -> list[ReviewState]:
    """The live state of each review; one that cannot be found (yet) is left out."""

    async def one(cycle: str, member: str) -> ReviewState | None:
        try:
            return await review_state(client, cycle, member)
        except NotFoundError:
            return None

    found = await asyncio.gather(*(one(c, m) for c, m in pairs))
    return [s for s in found if s is not None]


def _line(line: ReviewRecord) -> ReviewSummaryLine:
    return ReviewSummaryLine(
        cycle=line.cycle,
        member=line.member,
        stage=line.stage.value,
        round=line.round,
        overdue=line.overdue,
    )


async def _focal_point_tasks(client: Client, store: Store, member: str) -> list[Task]:
    tasks: list[Task] = []
    own = [r for r in store.reviews.of_member(member) if not r.stage.terminal]
    for state in await _states(client, [(r.cycle, r.member) for r in own]):
        due = state.deadline.due if state.deadline else None
        if state.stage is Stage.SELF_ASSESSMENT and len(state.self_assessments) < state.round:
            kind = TaskKind.SELF_ASSESSMENT if state.round == 1 else TaskKind.REVISION
            task = _task(kind, state, due, state.overdue)
            returned = [d for d in state.sign_offs if d.decision is Decision.RETURN_FOR_REVISION]
            if kind is TaskKind.REVISION and returned:
                task.comments = returned[-1].comments
            tasks.append(task)
        if state.stage in (Stage.PEER_REVIEW, Stage.CEDAW_CHECK, Stage.SIGN_OFF):
            open_ = [r for r in peer_recommendations(store, state) if r.response is None]
            if open_:
                task = _task(TaskKind.RECOMMENDATIONS, state, due, False)
                task.count = len(open_)
                tasks.append(task)
    drawn = [
        line
        for line, submitted in store.reviews.drawn_for(member)
        if not submitted and not line.stage.terminal
    ]  # the review's own state decides: the projection may lag a moment behind
    for state in await _states(client, [(r.cycle, r.member) for r in drawn]):
        slot = next(
            (
                s
                for s in state.reviewers
                if s.member == member and s.status is ReviewerStatus.ACTIVE
            ),
            None,
        )
        if state.stage is Stage.PEER_REVIEW and slot is not None:
            due = slot.deadline.due if slot.deadline else None
            tasks.append(_task(TaskKind.PEER_REVIEW, state, due, slot.overdue))
    return tasks


async def _secretariat_tasks(client: Client, store: Store) -> list[Task]:
    waiting = store.reviews.open(Stage.SIGN_OFF)
    overdue = [r for r in store.reviews.open(overdue=True) if r.stage is not Stage.SIGN_OFF]
    tasks: list[Task] = []
    pairs = [(r.cycle, r.member) for r in waiting + overdue]
    for state in await _states(client, pairs):
        if state.stage is Stage.SIGN_OFF:
            due = state.deadline.due if state.deadline else None
            tasks.append(_task(TaskKind.SIGN_OFF, state, due, state.overdue))
        elif state.overdue and not state.stage.terminal:
            dues = [s.deadline.due for s in state.reviewers if s.overdue and s.deadline]
            due = min(dues) if dues else (state.deadline.due if state.deadline else None)
            tasks.append(_task(TaskKind.OVERDUE, state, due, True))
    return tasks


def _order(task: Task) -> tuple[int, float, str, str]:
    when = task.deadline.timestamp() if task.deadline else float("inf")
    return (0 if task.overdue else 1, when, task.cycle, task.member)


async def work_list(client: Client, store: Store, actor: Actor) -> WorkList:
    """Everything waiting for this person, overdue first, then by deadline."""
    tasks: list[Task] = []
    reviews: list[ReviewSummaryLine] = []
    reviewing: list[ReviewSummaryLine] = []
    if actor.role is Role.FOCAL_POINT and actor.member:
        tasks = await _focal_point_tasks(client, store, actor.member)
        reviews = [_line(r) for r in store.reviews.of_member(actor.member)]
        reviewing = [_line(r) for r, _ in store.reviews.drawn_for(actor.member)]
    elif actor.role is Role.SECRETARIAT:
        tasks = await _secretariat_tasks(client, store)
    tasks.sort(key=_order)
    return WorkList(
        email=actor.email or "",
        role=actor.role,
        member=actor.member,
        tasks=tasks,
        reviews=reviews,
        reviewing=reviewing,
    )
