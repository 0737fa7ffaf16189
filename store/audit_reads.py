"""Who read which audit trail, when (issue #8 item 8): every read of a timeline, a replay check
or an export is recorded, from the command line and the portal alike, so that reading the
record of a review leaves a record of its own."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Index, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from napreview.store.models import Base, UtcDateTime, utcnow

if TYPE_CHECKING:
    from napreview.schemas.members import Actor
    from napreview.store.repository import Store


class AuditReadRow(Base):
    """One read of a workflow's audit trail: who (person id, email, role, member), what
    (timeline, replay check, export), through which door, when."""

    __tablename__ = "audit_reads"
    __table_args__ = (
        Index("ix_audit_reads_workflow", "workflow_id"),
        Index("ix_audit_reads_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    person_id: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(32))
    member: Mapped[str | None] = mapped_column(String(16))
    workflow_id: Mapped[str] = mapped_column(String(120))
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str | None] = mapped_column(String(16))
    what: Mapped[str] = mapped_column(String(64))
    via: Mapped[str] = mapped_column(String(16))


def record_audit_read(
    store: Store,
    actor: Actor,
    *,
    workflow_id: str,
    cycle: str,
    member: str | None,
    what: str,
    via: str,
) -> None:
    with store.session() as s:
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


def audit_reads(store: Store, workflow_id: str | None = None) -> list[AuditReadRow]:
    """The reads recorded, oldest first (of one workflow, if given)."""
    query = select(AuditReadRow).order_by(AuditReadRow.at, AuditReadRow.id)
    if workflow_id is not None:
        query = query.where(AuditReadRow.workflow_id == workflow_id)
    with store.session() as s:
        rows = list(s.scalars(query).all())
        for row in rows:
            s.expunge(row)
        return rows
