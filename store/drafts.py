"""Forms filled in part, one per person, review and document, so weeks of work are never lost."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select

from napreview.store.db import Repository
from napreview.store.tables import DraftRow


def _draft(email: str, cycle: str, member: str, kind: str) -> Select[Any]:
    return (
        select(DraftRow)
        .where(DraftRow.email == email)
        .where(DraftRow.cycle_id == cycle)
        .where(DraftRow.member_code == member)
        .where(DraftRow.kind == kind)
    )


class DraftRepository(Repository):
    def save(
        self, email: str, cycle: str, member: str, kind: str, values: dict[str, Any]
    ) -> datetime:
        """Keep the form as it stands; returns when it was saved."""
        with self._session() as s:
            row = s.scalars(_draft(email, cycle, member, kind)).first()
            if row is None:
                row = DraftRow(email=email, cycle_id=cycle, member_code=member, kind=kind)
                s.add(row)
            row.values = values
            row.updated_at = datetime.now(UTC)
            return row.updated_at

    def get(
        self, email: str, cycle: str, member: str, kind: str
    ) -> tuple[dict[str, Any], datetime] | None:
        """The draft's values and when they were saved, if there is one."""
        with self._session() as s:
            row = s.scalars(_draft(email, cycle, member, kind)).first()
            return (dict(row.values), row.updated_at) if row else None

    def drop(self, email: str, cycle: str, member: str, kind: str) -> None:
        with self._session() as s:
            row = s.scalars(_draft(email, cycle, member, kind)).first()
            if row is not None:
                s.delete(row)
