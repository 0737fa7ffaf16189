"""Members' deputy focal points: a person with the focal point's rights, for a dated period. A
deputy acts as themselves (their own person id in every step, signature and timeline) and is
never the addressee of the member's letters, which stay with the focal point.

Designating a deputy registers the person as a focal point of that member, in the same
transaction, as designating a focal point does; ending it takes the rights away at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from napreview.schemas.text import today
from napreview.store.db import Repository
from napreview.store.errors import NotFoundError
from napreview.store.focal_points import register_as_focal_point
from napreview.store.tables import DeputyRow


@dataclass(frozen=True)
class Deputy:
    member: str
    name: str
    email: str
    active_from: date
    active_to: date | None

    def served(self, member: str, on: date) -> bool:
        """Whether this was ``member``'s deputy on ``on``."""
        return (
            self.member == member
            and self.active_from <= on
            and (self.active_to is None or on < self.active_to)
        )


def _deputy(row: DeputyRow) -> Deputy:
    return Deputy(row.member_code, row.name, row.email, row.active_from, row.active_to)


def active_on(day: date):
    """The SQL condition of a deputy serving on ``day``."""
    return (DeputyRow.active_from <= day) & (
        DeputyRow.active_to.is_(None) | (DeputyRow.active_to > day)
    )


class DeputyRepository(Repository):
    def active(self, member: str, on: date | None = None) -> list[Deputy]:
        with self._session() as s:
            rows = s.scalars(
                select(DeputyRow)
                .where(DeputyRow.member_code == member)
                .where(active_on(on or today()))
                .order_by(DeputyRow.id)
            ).all()
            return [_deputy(r) for r in rows]

    def history(self, member: str) -> list[Deputy]:
        with self._session() as s:
            rows = s.scalars(
                select(DeputyRow)
                .where(DeputyRow.member_code == member)
                .order_by(DeputyRow.active_from, DeputyRow.id)
            ).all()
            return [_deputy(r) for r in rows]

    def periods(self, emails: Sequence[str]) -> dict[str, list[Deputy]]:
        """Every period each address served as a deputy, by address: timelines and the
        conversation name a deputy as one for what they did while serving."""
        if not emails:
            return {}
        with self._session() as s:
            rows = s.scalars(
                select(DeputyRow)
                .where(DeputyRow.email.in_(sorted({e.lower() for e in emails})))
                .order_by(DeputyRow.active_from, DeputyRow.id)
            ).all()
        found: dict[str, list[Deputy]] = {}
        for row in rows:
            found.setdefault(row.email, []).append(_deputy(row))
        return found

    def designate(self, member: str, name: str, email: str, *, by: str | None) -> Deputy:
        """A deputy from today (a member may have more than one); the same address designated
        again keeps its open period."""
        email = email.strip().lower()
        with self._session() as s:
            open_row = s.scalars(
                select(DeputyRow)
                .where(DeputyRow.member_code == member)
                .where(DeputyRow.email == email)
                .where(DeputyRow.active_to.is_(None))
            ).first()
            if open_row is not None:
                open_row.name = name
                return _deputy(open_row)
            row = DeputyRow(
                member_code=member, name=name, email=email, active_from=today(), recorded_by=by
            )
            s.add(row)
            register_as_focal_point(s, email, member, example=False)
            s.flush()
            return _deputy(row)

    def end(self, member: str, email: str) -> Deputy:
        """The deputy serves no longer, from today: kept in the history, without the rights."""
        email = email.strip().lower()
        with self._session() as s:
            row = s.scalars(
                select(DeputyRow)
                .where(DeputyRow.member_code == member)
                .where(DeputyRow.email == email)
                .where(DeputyRow.active_to.is_(None))
            ).first()
            if row is None:
                raise NotFoundError(f"{email} is not a deputy focal point of {member}.")
            row.active_to = today()
            return _deputy(row)
