"""A member's consent to publish its follow-up: every time it was given or withdrawn, with who
and when. Nothing is public until the member's focal point gives it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from napreview.store.db import Repository
from napreview.store.tables import FollowUpConsentRow


@dataclass(frozen=True)
class Consent:
    """Consent given (``public``) or withdrawn, by whom and when."""

    public: bool
    by: str
    at: datetime


class FollowUpConsentRepository(Repository):
    def record(self, cycle: str, member: str, public: bool, by: str) -> Consent:
        with self._session() as s:
            row = FollowUpConsentRow(cycle_id=cycle, member_code=member, public=public, by=by)
            s.add(row)
            s.flush()
            return Consent(row.public, row.by, row.at)

    def history(self, cycle: str, member: str) -> list[Consent]:
        """Every consent given or withdrawn, oldest first."""
        with self._session() as s:
            rows = s.scalars(
                select(FollowUpConsentRow)
                .where(
                    (FollowUpConsentRow.cycle_id == cycle)
                    & (FollowUpConsentRow.member_code == member)
                )
                .order_by(FollowUpConsentRow.id)
            )
            return [Consent(r.public, r.by, r.at) for r in rows]

    def current(self, cycle: str, member: str) -> Consent | None:
        """The last consent given or withdrawn; None when it never was."""
        with self._session() as s:
            row = s.scalars(
                select(FollowUpConsentRow)
                .where(
                    (FollowUpConsentRow.cycle_id == cycle)
                    & (FollowUpConsentRow.member_code == member)
                )
                .order_by(FollowUpConsentRow.id.desc())
                .limit(1)
            ).first()
            return Consent(row.public, row.by, row.at) if row else None
