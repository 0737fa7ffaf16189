"""The Chair of the Network for each year, as the secretariat records it (DESIGN §7)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from napreview.store.db import Repository
from napreview.store.tables import ChairRow


class ChairRepository(Repository):
    def all(self) -> dict[int, str]:
        """The Chair (a member code) of each year recorded, in year order."""
        with self._session() as s:
            rows = s.scalars(select(ChairRow).order_by(ChairRow.year)).all()
            return {r.year: r.member_code for r in rows}

    def of_year(self, year: int) -> str | None:
        with self._session() as s:
            row = s.get(ChairRow, year)
            return row.member_code if row else None

    def record(self, year: int, member: str, by: str) -> None:
        """Record (or correct) the Chair of a year."""
        with self._session() as s:
            row = s.get(ChairRow, year)
            if row is None:
                s.add(ChairRow(year=year, member_code=member, recorded_by=by))
            else:
                row.member_code = member
                row.recorded_by = by
                row.recorded_at = datetime.now(UTC)
