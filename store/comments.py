"""The conversation of a review: comments between the member's focal point, its review troika
and the secretariat, in the order they were written. A comment is never changed or removed: the
thread is part of the review's record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from napreview.schemas.members import Actor, Role
from napreview.store.db import Repository
from napreview.store.errors import NotFoundError
from napreview.store.tables import ReviewCommentRow


@dataclass(frozen=True)
class Comment:
    id: int
    cycle: str
    member: str
    author: Actor  # who wrote it, as the session proved them (no email: see ``Actor``)
    text: str
    at: datetime


def _comment(row: ReviewCommentRow) -> Comment:
    author = Actor(person_id=row.author, role=Role(row.author_role), member=row.author_member)
    return Comment(row.id, row.cycle_id, row.member_code, author, row.text, row.at)


class CommentRepository(Repository):
    def add(self, cycle: str, member: str, author: Actor, text: str) -> Comment:
        row = ReviewCommentRow(
            cycle_id=cycle,
            member_code=member,
            author=author.ref,
            author_role=author.role.value,
            author_member=author.member,
            text=text,
            at=datetime.now(UTC),
        )
        with self._session() as s:
            s.add(row)
            s.flush()
            return _comment(row)

    def waiting_letters(self, limit: int = 100) -> list[Comment]:
        """Comments whose letters were never started (Temporal was away), oldest first."""
        with self._session() as s:
            rows = s.scalars(
                select(ReviewCommentRow)
                .where(ReviewCommentRow.letters_started_at.is_(None))
                .order_by(ReviewCommentRow.id)
                .limit(limit)
            ).all()
            return [_comment(r) for r in rows]

    def letters_started(self, comment_id: int) -> None:
        """The comment's letters are started (the first time said is kept)."""
        with self._session() as s:
            row = s.get_one(ReviewCommentRow, comment_id)
            if row.letters_started_at is None:
                row.letters_started_at = datetime.now(UTC)

    def get(self, comment_id: int) -> Comment:
        with self._session() as s:
            row = s.get(ReviewCommentRow, comment_id)
            if row is None:
                raise NotFoundError(f"There is no comment {comment_id}.")
            return _comment(row)

    def of_review(self, cycle: str, member: str) -> list[Comment]:
        """The review's thread, oldest first."""
        with self._session() as s:
            rows = s.scalars(
                select(ReviewCommentRow)
                .where(ReviewCommentRow.cycle_id == cycle)
                .where(ReviewCommentRow.member_code == member)
                .order_by(ReviewCommentRow.at, ReviewCommentRow.id)
            ).all()
            return [_comment(r) for r in rows]
