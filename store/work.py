"""Read queries for a person's work and the portal's lists: which reviews concern a member
(as the reviewed member or as a drawn reviewer), the cycles, the letters a person may read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select

from napreview.store.models import (
    AssignmentRow,
    CycleRow,
    DocumentRow,
    FocalPointRow,
    LetterRow,
    ReviewRow,
)
from napreview.store.repository import Store


@dataclass(frozen=True)
class ReviewLine:
    cycle: str
    member: str
    stage: str
    round: int
    overdue: bool
    updated_at: datetime


@dataclass(frozen=True)
class CycleLine:
    cycle: str
    chair: str
    started_by: str
    started_at: datetime
    members: int
    counts: dict[str, int]


def _line(row: ReviewRow) -> ReviewLine:
    return ReviewLine(
        cycle=row.cycle_id,
        member=row.member_code,
        stage=row.stage,
        round=row.round,
        overdue=row.overdue,
        updated_at=row.updated_at,
    )


def reviews_of(store: Store, member: str) -> list[ReviewLine]:
    """The member's own reviews, newest cycle first."""
    with store.session() as s:
        rows = s.scalars(
            select(ReviewRow)
            .where(ReviewRow.member_code == member)
            .order_by(ReviewRow.updated_at.desc())
        ).all()
        return [_line(r) for r in rows]


def reviews_drawn_for(store: Store, reviewer: str) -> list[tuple[ReviewLine, bool]]:
    """Reviews the member was drawn for (currently assigned), with whether it has submitted."""
    with store.session() as s:
        pairs = s.execute(
            select(AssignmentRow.cycle_id, AssignmentRow.member_code)
            .where(AssignmentRow.reviewer_code == reviewer)
            .where(AssignmentRow.active.is_(True))
        ).all()
        result = []
        for cycle, member in pairs:
            row = s.get(ReviewRow, (cycle, member))
            if row is None:
                continue
            submitted = s.scalars(_peer_review(cycle, member, reviewer)).first() is not None
            result.append((_line(row), submitted))
        result.sort(key=lambda pair: pair[0].updated_at, reverse=True)
        return result


def is_drawn_reviewer(store: Store, cycle: str, member: str, reviewer: str) -> bool:
    """Drawn for this review now, or drawn once and submitted a peer review."""
    with store.session() as s:
        active = s.scalars(
            select(AssignmentRow.id)
            .where(AssignmentRow.cycle_id == cycle)
            .where(AssignmentRow.member_code == member)
            .where(AssignmentRow.reviewer_code == reviewer)
            .where(AssignmentRow.active.is_(True))
        ).first()
        if active is not None:
            return True
        return s.scalars(_peer_review(cycle, member, reviewer)).first() is not None


def drawn_for(store: Store, cycle: str, reviewer: str) -> set[str]:
    """The members of a cycle this member reviews now, or was drawn for and reviewed (the
    reviews ``is_drawn_reviewer`` lets it read), in two queries."""
    with store.session() as s:
        active = s.scalars(
            select(AssignmentRow.member_code)
            .where(AssignmentRow.cycle_id == cycle)
            .where(AssignmentRow.reviewer_code == reviewer)
            .where(AssignmentRow.active.is_(True))
        ).all()
        submitted = s.scalars(
            select(DocumentRow.member_code)
            .where(DocumentRow.cycle_id == cycle)
            .where(DocumentRow.reviewer_code == reviewer)
        ).all()
        return {*active, *submitted}


def open_reviews(store: Store, stages: tuple[str, ...] | None = None) -> list[ReviewLine]:
    """Reviews not yet completed or withdrawn, optionally at some stages only."""
    with store.session() as s:
        query = select(ReviewRow).where(ReviewRow.stage.not_in(("completed", "withdrawn")))
        if stages:
            query = query.where(ReviewRow.stage.in_(stages))
        rows = s.scalars(query.order_by(ReviewRow.cycle_id, ReviewRow.member_code)).all()
        return [_line(r) for r in rows]


def overdue_reviews(store: Store) -> list[ReviewLine]:
    with store.session() as s:
        rows = s.scalars(
            select(ReviewRow)
            .where(ReviewRow.overdue.is_(True))
            .where(ReviewRow.stage.not_in(("completed", "withdrawn")))
            .order_by(ReviewRow.cycle_id, ReviewRow.member_code)
        ).all()
        return [_line(r) for r in rows]


def cycles(store: Store) -> list[CycleLine]:
    """Every cycle, newest first, with its reviews counted per stage (from the projection)."""
    with store.session() as s:
        rows = s.scalars(select(CycleRow).order_by(CycleRow.started_at.desc())).all()
        counted = s.execute(
            select(ReviewRow.cycle_id, ReviewRow.stage, func.count()).group_by(
                ReviewRow.cycle_id, ReviewRow.stage
            )
        ).all()
        members = dict(
            s.execute(
                select(
                    AssignmentRow.cycle_id, func.count(func.distinct(AssignmentRow.member_code))
                ).group_by(AssignmentRow.cycle_id)
            ).all()
        )
        counts: dict[str, dict[str, int]] = {}
        for cycle, stage, n in counted:
            counts.setdefault(cycle, {})[stage] = n
        return [
            CycleLine(
                cycle=r.id,
                chair=r.chair,
                started_by=r.started_by,
                started_at=r.started_at,
                members=int(members.get(r.id, 0)),
                counts=counts.get(r.id, {}),
            )
            for r in rows
        ]


def focal_point_emails(store: Store, member: str) -> set[str]:
    """Every address that has been the member's focal point: letters to a predecessor stay
    the member's letters."""
    with store.session() as s:
        return set(
            s.scalars(select(FocalPointRow.email).where(FocalPointRow.member_code == member)).all()
        )


def letters_to(store: Store, recipients: set[str]) -> list[LetterRow]:
    """Letters addressed to any of these addresses, newest first."""
    if not recipients:
        return []
    with store.session() as s:
        rows = list(
            s.scalars(
                select(LetterRow)
                .where(LetterRow.recipient.in_(sorted(recipients)))
                .order_by(LetterRow.created_at.desc(), LetterRow.id)
            ).all()
        )
        for row in rows:
            s.expunge(row)
        return rows


def _peer_review(cycle: str, member: str, reviewer: str) -> Select[tuple[str]]:
    """The peer reviews this reviewer submitted for this member's review (any round)."""
    return (
        select(DocumentRow.id)
        .where(DocumentRow.cycle_id == cycle)
        .where(DocumentRow.member_code == member)
        .where(DocumentRow.reviewer_code == reviewer)
    )
