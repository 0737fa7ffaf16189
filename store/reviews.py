"""The read model: what the store keeps of each review (schemas/review.py ``ReviewProjection``),
written by the review itself whenever any of it changes, so that work lists, the cycle page and
its chart never ask Temporal and never read a history. Temporal stays the truth.

A worker older than the read model sends no deadlines or reviewer slots (``reviewers`` None):
what is stored of them is then left as it is. A projection older than the one stored (by the
review's own clock) changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVarTuple

from sqlalchemy import Select, func, select, tuple_

from napreview.schemas.stages import SlotProjection, Stage
from napreview.store.db import Repository
from napreview.store.tables import (
    AssignmentRow,
    DocumentRow,
    LetterRow,
    ReviewRow,
    ReviewStageRow,
)

if TYPE_CHECKING:  # the models of the whole review are compiled by who projects one
    from napreview.schemas.review import ReviewProjection

TERMINAL = (Stage.COMPLETED.value, Stage.WITHDRAWN.value)
_Columns = TypeVarTuple("_Columns")  # what a query selects: whole rows, some columns, a count


@dataclass(frozen=True)
class ReviewRecord:
    """A review as the read model keeps it. ``reviewers`` is None while only a worker older
    than the read model has projected it (deadlines and slots unknown); ``at`` is the review's
    own clock when it last published; ``updated_at`` the store's."""

    cycle: str
    member: str
    stage: Stage
    round: int
    overdue: bool
    cedaw_rating: str | None
    deadline: datetime | None
    reviewers: tuple[SlotProjection, ...] | None
    answers_due: datetime | None
    unanswered: int | None
    at: datetime | None
    updated_at: datetime

    @property
    def complete(self) -> bool:
        """Deadlines and reviewer slots are known (projected by a current worker)."""
        return self.reviewers is not None

    def slot(self, reviewer: str) -> SlotProjection | None:
        """The reviewer's place in this review, if it has one."""
        return next((s for s in self.reviewers or () if s.member == reviewer), None)


@dataclass(frozen=True)
class StageEntry:
    """A stage a review entered, in which round, and when."""

    stage: Stage
    round: int
    at: datetime


def _record(row: ReviewRow) -> ReviewRecord:
    slots = None
    if row.reviewers is not None:
        slots = tuple(SlotProjection.model_validate(s) for s in row.reviewers)
    return ReviewRecord(
        cycle=row.cycle_id,
        member=row.member_code,
        stage=Stage(row.stage),
        round=row.round,
        overdue=row.overdue,
        cedaw_rating=row.cedaw_rating,
        deadline=row.deadline,
        reviewers=slots,
        answers_due=row.answers_due,
        unanswered=row.unanswered,
        at=row.at,
        updated_at=row.updated_at,
    )


def _later(row: ReviewRow, p: ReviewProjection) -> bool:
    """What is stored was published after ``p`` (a count missing, from an older worker, is 0)."""
    if row.at is None or p.at is None:
        return False
    return (row.at, row.publication or 0) > (p.at, p.publication or 0)


class ReviewRepository(Repository):
    # --- writing ---

    def project(self, projection: ReviewProjection) -> None:
        """Keep what the review published; add a stage history row when it entered a stage.

        One published before what is stored changes nothing: by the review's clock, then by its
        count of publications (two published in one workflow task share the clock, and their
        local activities can land in either order). The row is held from its read to its write:
        two projections landing at once (parallel activity threads) would otherwise both pass
        the check, and the older could be written last."""
        p = projection
        now = datetime.now(UTC)
        with self._held() as s:
            row = s.get(ReviewRow, (p.cycle, p.member), with_for_update=True)
            if row is None:
                row = ReviewRow(cycle_id=p.cycle, member_code=p.member)
                s.add(row)
            elif _later(row, p):
                return  # published before what is stored: landed late
            entered = row.stage != p.stage.value or row.round != p.round
            row.stage = p.stage.value
            row.round = p.round
            row.overdue = p.overdue
            row.cedaw_rating = p.cedaw_rating
            row.updated_at = now
            if p.reviewers is not None:  # a current worker: every field is its word
                row.deadline = p.deadline
                row.reviewers = [slot.model_dump(mode="json") for slot in p.reviewers]
                row.answers_due = p.answers_due
                row.unanswered = p.unanswered
            if p.at is not None:
                row.at = p.at
                row.publication = p.publication
            if entered:
                s.add(
                    ReviewStageRow(
                        cycle_id=p.cycle,
                        member_code=p.member,
                        stage=p.stage.value,
                        round=p.round,
                        at=p.at or now,
                    )
                )

    # --- one review, one cycle ---

    def get(self, cycle: str, member: str) -> ReviewRecord | None:
        with self._session() as s:
            row = s.get(ReviewRow, (cycle, member))
            return _record(row) if row is not None else None

    def of_cycle(
        self,
        cycle: str,
        stage: Stage | None = None,
        overdue: bool = False,
        *,
        members: Collection[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[ReviewRecord]:
        """The cycle's reviews (at one stage, or overdue only; of these members only), overdue
        first, then in member order; a page of them with ``limit`` (a cycle of ten thousand is
        not one page)."""
        query = _of_cycle(select(ReviewRow), cycle, stage, overdue, members)
        query = query.order_by(ReviewRow.overdue.desc(), ReviewRow.member_code).offset(offset)
        return self._records(query if limit is None else query.limit(limit))

    def lines(
        self,
        cycle: str,
        stage: Stage | None = None,
        overdue: bool = False,
        members: Collection[str] | None = None,
    ) -> list[tuple[str, Stage, int, bool]]:
        """Member, stage, round and overdue of every review ``of_cycle`` finds, in its order,
        without the rest of each record: what `cycle status` lists, ten thousand lines in one
        cheap query."""
        columns = select(ReviewRow.member_code, ReviewRow.stage, ReviewRow.round, ReviewRow.overdue)
        query = _of_cycle(columns, cycle, stage, overdue, members)
        query = query.order_by(ReviewRow.overdue.desc(), ReviewRow.member_code)
        with self._session() as s:
            return [(m, Stage(at), r, late) for m, at, r, late in s.execute(query)]

    def matching(
        self,
        cycle: str,
        stage: Stage | None = None,
        overdue: bool = False,
        members: Collection[str] | None = None,
    ) -> int:
        """How many of the cycle's reviews ``of_cycle`` finds, counted by the database."""
        with self._session() as s:
            found = s.scalar(_of_cycle(select(func.count()), cycle, stage, overdue, members))
            return found or 0

    def counts(self, cycle: str, members: Collection[str] | None = None) -> dict[str, int]:
        """How many of the cycle's reviews (of these members only) are at each stage."""
        query = _of_cycle(select(ReviewRow.stage, func.count()), cycle, None, False, members)
        with self._session() as s:
            return {stage: n for stage, n in s.execute(query.group_by(ReviewRow.stage))}

    def rounds(self, cycle: str, members: Sequence[str] | None = None) -> dict[str, int]:
        """Each review's round (of these members only, or of the whole cycle), in two queries:
        the projection's round, or one more than the letters that returned the review for
        revision, whichever is later (so the round is right whether or not the review was
        projected yet)."""
        projected = select(ReviewRow.member_code, ReviewRow.round).where(
            ReviewRow.cycle_id == cycle
        )
        returned_letters = (
            select(LetterRow.member_code, func.count())
            .where(LetterRow.cycle_id == cycle)
            .where(LetterRow.kind == "returned")
        )
        if members is not None:
            projected = projected.where(ReviewRow.member_code.in_(list(members)))
            returned_letters = returned_letters.where(LetterRow.member_code.in_(list(members)))
        with self._session() as s:
            rounds = {member: round_ for member, round_ in s.execute(projected)}
            returned = s.execute(returned_letters.group_by(LetterRow.member_code))
            for member, count in returned:
                rounds[member] = max(rounds.get(member, 1), count + 1)
            return rounds

    def stages(self, cycle: str, members: Sequence[str]) -> dict[str, list[StageEntry]]:
        """The stages each of these members' reviews entered, in order (the cycle's chart)."""
        with self._session() as s:
            rows = s.scalars(
                select(ReviewStageRow)
                .where(ReviewStageRow.cycle_id == cycle)
                .where(ReviewStageRow.member_code.in_(list(members)))
                .order_by(ReviewStageRow.member_code, ReviewStageRow.at, ReviewStageRow.id)
            ).all()
            found: dict[str, list[StageEntry]] = {}
            for r in rows:
                found.setdefault(r.member_code, []).append(
                    StageEntry(stage=Stage(r.stage), round=r.round, at=r.at)
                )
            return found

    # --- work lists ---

    def of_member(self, member: str) -> list[ReviewRecord]:
        """The member's own reviews, the latest changed first."""
        return self._records(
            select(ReviewRow)
            .where(ReviewRow.member_code == member)
            .order_by(ReviewRow.updated_at.desc())
        )

    def drawn_for(self, reviewer: str) -> list[tuple[ReviewRecord, bool]]:
        """The reviews the member is drawn for now (an active assignment), the latest changed
        first, each with whether it has submitted its peer review."""
        drawn = (
            select(ReviewRow)
            .join(
                AssignmentRow,
                (AssignmentRow.cycle_id == ReviewRow.cycle_id)
                & (AssignmentRow.member_code == ReviewRow.member_code),
            )
            .where(AssignmentRow.reviewer_code == reviewer)
            .where(AssignmentRow.active.is_(True))
            .order_by(ReviewRow.updated_at.desc())
        )
        records = self._records(drawn)
        if not records:
            return []
        with self._session() as s:
            submitted = {
                (cycle, member)
                for cycle, member in s.execute(
                    select(DocumentRow.cycle_id, DocumentRow.member_code)
                    .where(DocumentRow.reviewer_code == reviewer)
                    .where(
                        tuple_(DocumentRow.cycle_id, DocumentRow.member_code).in_(
                            [(r.cycle, r.member) for r in records]
                        )
                    )
                )
            }
        return [(r, (r.cycle, r.member) in submitted) for r in records]

    def open(self, stage: Stage | None = None, overdue: bool = False) -> list[ReviewRecord]:
        """Reviews not completed or withdrawn, of every cycle (at one stage, or overdue only)."""
        query = select(ReviewRow).where(ReviewRow.stage.not_in(TERMINAL))
        if stage is not None:
            query = query.where(ReviewRow.stage == stage.value)
        if overdue:
            query = query.where(ReviewRow.overdue.is_(True))
        return self._records(query.order_by(ReviewRow.cycle_id, ReviewRow.member_code))

    def _records(self, query: Select[Any]) -> list[ReviewRecord]:
        with self._session() as s:
            return [_record(r) for r in s.scalars(query)]


def _of_cycle(
    query: Select[*_Columns],
    cycle: str,
    stage: Stage | None,
    overdue: bool,
    members: Collection[str] | None = None,
) -> Select[*_Columns]:
    query = query.where(ReviewRow.cycle_id == cycle)
    if members is not None:
        query = query.where(ReviewRow.member_code.in_(list(members)))
    if stage is not None:
        query = query.where(ReviewRow.stage == stage.value)
    if overdue:
        query = query.where(ReviewRow.overdue.is_(True))
    return query
