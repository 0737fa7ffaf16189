"""The Chair of the Network for each year, as the secretariat records it (DESIGN §7): one
member, or two co-Chairs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select

from napreview.store.db import Repository
from napreview.store.tables import ChairRow

MAX_CHAIRS = 2


def _codes(row: ChairRow) -> tuple[str, ...]:
    return (row.member_code,) + ((row.co_member_code,) if row.co_member_code else ())


class ChairRepository(Repository):
    def all(self) -> dict[int, tuple[str, ...]]:
        """The Chair or co-Chairs (member codes) of each year recorded, in year order."""
        with self._session() as s:
            rows = s.scalars(select(ChairRow).order_by(ChairRow.year)).all()
            return {r.year: _codes(r) for r in rows}

    def of_year(self, year: int) -> tuple[str, ...]:
        """The Chair or co-Chairs of the year; none when the year has none recorded."""
        with self._session() as s:
            row = s.get(ChairRow, year)
            return _codes(row) if row else ()

    def record(self, year: int, members: Sequence[str], by: str) -> None:
        """Record (or correct) the Chair, or the two co-Chairs, of a year."""
        if not 1 <= len(members) <= MAX_CHAIRS or len(set(members)) != len(members):
            raise ValueError(f"a year has one Chair or two co-Chairs, not {list(members)}")
        first, *second = members
        co = second[0] if second else None
        with self._session() as s:
            row = s.get(ChairRow, year)
            if row is None:
                s.add(ChairRow(year=year, member_code=first, co_member_code=co, recorded_by=by))
            else:
                row.member_code = first
                row.co_member_code = co
                row.recorded_by = by
                row.recorded_at = datetime.now(UTC)
