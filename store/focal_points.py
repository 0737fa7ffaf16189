"""Members' focal points: one per member and location for a dated period; a change closes the
current one and opens another, so the history is kept, never overwritten.

Designating a focal point also registers the person (a focal point of that member) in the same
transaction: who may act for a member changes at once, and never half.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from napreview.schemas.members import FocalPoint, Honorific, Location, Rank, Role
from napreview.schemas.text import today
from napreview.store.db import Repository
from napreview.store.errors import ConflictError
from napreview.store.tables import FocalPointRow, UserRow, new_person_id


@dataclass(frozen=True)
class Designation:
    """A focal point to designate, as the secretariat (or a new installation) gives it."""

    member: str
    name: str
    email: str
    title: str | None = None
    ministry: str | None = None
    location: Location = Location.CAPITAL
    honorific: Honorific | None = None
    rank: Rank | None = None
    family_name: str | None = None


def _focal_point(row: FocalPointRow) -> FocalPoint:
    return FocalPoint(
        member=row.member_code,
        name=row.name,
        title=row.title,
        honorific=row.honorific,
        rank=row.rank,
        family_name=row.family_name,
        ministry=row.ministry,
        email=row.email,
        location=Location(row.location),
        active_from=row.active_from,
        active_to=row.active_to,
    )


def _row(d: Designation, day: date, by: str | None, example: bool) -> dict[str, object]:
    return {
        "member_code": d.member,
        "name": d.name,
        "title": d.title,
        "honorific": d.honorific.value if d.honorific else None,
        "rank": d.rank.value if d.rank else None,
        "family_name": d.family_name,
        "ministry": d.ministry,
        "email": d.email.strip().lower(),
        "location": d.location.value,
        "active_from": day,
        "recorded_by": by,
        "example": example,
    }


def _active_on(day: date):
    return (FocalPointRow.active_from <= day) & (
        FocalPointRow.active_to.is_(None) | (FocalPointRow.active_to > day)
    )


class FocalPointRepository(Repository):
    def active(self, member: str, on: date | None = None) -> list[FocalPoint]:
        """The member's focal points on a day (default today), capital first."""
        return self.active_of([member], on).get(member, [])

    def active_of(
        self, members: Sequence[str], on: date | None = None
    ) -> dict[str, list[FocalPoint]]:
        """The focal points of many members on a day, in one query, capital first."""
        with self._session() as s:
            rows = s.scalars(
                select(FocalPointRow)
                .where(FocalPointRow.member_code.in_(list(members)))
                .where(_active_on(on or today()))
                .order_by(FocalPointRow.member_code, FocalPointRow.location, FocalPointRow.id)
            ).all()
            result: dict[str, list[FocalPoint]] = {}
            for row in rows:
                result.setdefault(row.member_code, []).append(_focal_point(row))
            return result

    def history(self, member: str) -> list[FocalPoint]:
        """Every focal point the member has had, oldest first."""
        with self._session() as s:
            rows = s.scalars(
                select(FocalPointRow)
                .where(FocalPointRow.member_code == member)
                .order_by(FocalPointRow.active_from, FocalPointRow.id)
            ).all()
            return [_focal_point(r) for r in rows]

    def designate(
        self, designation: Designation, *, by: str | None = None, example: bool = False
    ) -> FocalPoint:
        """A focal point from today; the previous one at that location is closed and kept. The
        address must not belong to someone registered in another role."""
        values = _row(designation, today(), by, example)
        email = str(values["email"])
        with self._session() as s:
            for row in s.scalars(
                select(FocalPointRow)
                .where(FocalPointRow.member_code == designation.member)
                .where(FocalPointRow.location == designation.location.value)
                .where(FocalPointRow.active_to.is_(None))
            ):
                row.active_to = today()
            row = FocalPointRow(**values)
            s.add(row)
            register_as_focal_point(s, email, designation.member, example)
            s.flush()
            return _focal_point(row)

    def designate_many(
        self, designations: Sequence[Designation], *, by: str, example: bool
    ) -> None:
        """First focal points of members that have none (a new installation, a bench's
        synthetic members), in three statements whatever their number."""
        if not designations:
            return
        rows = [_row(d, today(), by, example) for d in designations]
        with self._session() as s:
            s.execute(insert(FocalPointRow), rows)
            s.execute(
                insert(UserRow),
                [
                    {
                        "email": row["email"],
                        "person_id": new_person_id(),
                        "role": Role.FOCAL_POINT.value,
                        "member_code": row["member_code"],
                        "example": example,
                    }
                    for row in rows
                ],
            )


def register_as_focal_point(s: Session, email: str, member: str, example: bool) -> None:
    """Register the address as a focal point of the member (a focal point's or a deputy's);
    an address registered in another role is refused."""
    user = s.get(UserRow, email)
    if user is None:
        s.add(
            UserRow(email=email, role=Role.FOCAL_POINT.value, member_code=member, example=example)
        )
    elif user.role == Role.FOCAL_POINT.value:
        user.member_code = member
    else:
        raise ConflictError(
            f"{email} is registered as {user.role.replace('_', ' ')}; a focal point needs"
            " an address of their own."
        )
