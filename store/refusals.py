"""Refused steps: who, which step, why (in English, and as a code with its parameters). A
validator's refusal never reaches Temporal's history, so the store keeps it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from napreview.schemas.refusals import Reason
from napreview.store.db import Repository
from napreview.store.tables import RefusalRow


@dataclass(frozen=True)
class RefusalRecord:
    """``reason`` is the English sentence; ``why`` the same as a code with parameters, for a
    reader in another language (None where only English was recorded)."""

    at: datetime
    actor: str
    role: str | None
    step: str
    reason: str
    why: Reason | None


class RefusalRepository(Repository):
    def record(
        self,
        *,
        actor: str,
        role: str | None,
        step: str,
        reason: str,
        why: Reason | None = None,
        cycle: str | None = None,
        member: str | None = None,
    ) -> None:
        with self._session() as s:
            s.add(
                RefusalRow(
                    cycle_id=cycle,
                    member_code=member,
                    actor=actor,
                    role=role,
                    step=step,
                    reason=reason,
                    code=why.code if why else None,
                    params=why.model_dump(mode="json")["params"] if why else None,
                )
            )

    def of_review(self, cycle: str | None, member: str | None) -> list[RefusalRecord]:
        """The refusals of one member's review (``member`` None: of the cycle itself; both
        None: of no review, such as administration), oldest first."""
        with self._session() as s:
            rows = s.scalars(
                select(RefusalRow)
                .where(RefusalRow.cycle_id == cycle)
                .where(RefusalRow.member_code == member)
                .order_by(RefusalRow.at, RefusalRow.id)
            ).all()
            return [
                RefusalRecord(
                    at=r.at,
                    actor=r.actor,
                    role=r.role,
                    step=r.step,
                    reason=r.reason,
                    why=Reason(code=r.code, params=r.params or {}) if r.code else None,
                )
                for r in rows
            ]
