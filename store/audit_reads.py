"""Who read which audit trail, when (issue #8 item 8): every read of a timeline, a replay check
or an export is recorded, from the command line and the portal alike, so that reading the
record of a review leaves a record of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from napreview.schemas.members import Actor
from napreview.store.db import Repository
from napreview.store.tables import AuditReadRow


@dataclass(frozen=True)
class AuditRead:
    """One read: who (person id, email, role, member), what, of which workflow, through
    which door, when."""

    at: datetime
    person_id: str
    email: str | None
    role: str
    member: str | None
    workflow_id: str
    cycle_id: str
    member_code: str | None
    what: str
    via: str


class AuditReadRepository(Repository):
    def record(
        self,
        actor: Actor,
        *,
        workflow_id: str,
        cycle: str,
        member: str | None,
        what: str,
        via: str,
    ) -> None:
        with self._session() as s:
            s.add(
                AuditReadRow(
                    person_id=actor.ref,
                    email=actor.email,
                    role=actor.role.value,
                    member=actor.member,
                    workflow_id=workflow_id,
                    cycle_id=cycle,
                    member_code=member,
                    what=what,
                    via=via,
                )
            )

    def list(self, workflow_id: str | None = None) -> list[AuditRead]:
        """The reads recorded, oldest first (of one workflow, if given)."""
        query = select(AuditReadRow).order_by(AuditReadRow.at, AuditReadRow.id)
        if workflow_id is not None:
            query = query.where(AuditReadRow.workflow_id == workflow_id)
        with self._session() as s:
            return [
                AuditRead(
                    at=r.at,
                    person_id=r.person_id,
                    email=r.email,
                    role=r.role,
                    member=r.member,
                    workflow_id=r.workflow_id,
                    cycle_id=r.cycle_id,
                    member_code=r.member_code,
                    what=r.what,
                    via=r.via,
                )
                for r in s.scalars(query)
            ]
