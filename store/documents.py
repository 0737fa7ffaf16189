"""Submitted documents (self-assessments and peer reviews), stored before the review is asked to
take them, and the NAP records the self-assessments carry."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from napreview.schemas.digest import sha256_of
from napreview.schemas.nap import Nap
from napreview.schemas.submissions import DocumentKind, DocumentRef
from napreview.store.db import Repository
from napreview.store.errors import NotFoundError
from napreview.store.tables import DocumentRow, NapRow


@dataclass(frozen=True)
class Document:
    """A document as submitted: where it belongs, who sent it, its digest and its JSON body."""

    id: str
    kind: DocumentKind
    cycle: str
    member: str
    reviewer: str | None
    submitted_by: str
    sha256: str
    body: dict[str, Any]
    created_at: datetime


class DocumentRepository(Repository):
    def save(
        self,
        *,
        kind: DocumentKind,
        cycle: str,
        member: str,
        submitted_by: str,
        body: dict[str, Any],
        reviewer: str | None = None,
    ) -> DocumentRef:
        ref = DocumentRef(id=uuid.uuid4().hex, sha256=sha256_of(body))
        with self._session() as s:
            s.add(
                DocumentRow(
                    id=ref.id,
                    kind=kind.value,
                    cycle_id=cycle,
                    member_code=member,
                    reviewer_code=reviewer,
                    submitted_by=submitted_by,
                    sha256=ref.sha256,
                    body=body,
                )
            )
        return ref

    def delete(self, document_id: str) -> None:
        """A document its review refused: it was never taken, so it is not kept."""
        with self._session() as s:
            row = s.get(DocumentRow, document_id)
            if row is not None:
                s.delete(row)

    def take(self, document_id: str) -> None:
        """Its review took it (the store confirmed it for the step): no sweep removes it."""
        with self._session() as s:
            s.execute(
                update(DocumentRow)
                .where(DocumentRow.id == document_id, DocumentRow.taken_at.is_(None))
                .values(taken_at=datetime.now(UTC))
            )

    def unmarked(self, stored_before: datetime) -> list[tuple[str, str, str]]:
        """(id, cycle, member) of the documents not marked taken, stored before then."""
        query = (
            select(DocumentRow.id, DocumentRow.cycle_id, DocumentRow.member_code)
            .where(DocumentRow.taken_at.is_(None))
            .where(DocumentRow.created_at < stored_before)
            .order_by(DocumentRow.created_at)
        )
        with self._session() as s:
            return [(i, c, m) for i, c, m in s.execute(query)]

    def sweep(self, document_ids: list[str], stored_before: datetime) -> int:
        """Remove these documents if still not taken and stored before then (a step may have
        been taken meanwhile); returns how many."""
        if not document_ids:
            return 0
        with self._session() as s:
            result = s.execute(
                delete(DocumentRow)
                .where(DocumentRow.id.in_(document_ids))
                .where(DocumentRow.taken_at.is_(None))
                .where(DocumentRow.created_at < stored_before)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def get(self, document_id: str) -> Document:
        with self._session() as s:
            row = s.get(DocumentRow, document_id)
            if row is None:
                raise NotFoundError(f"There is no document {document_id!r}.")
            return Document(
                id=row.id,
                kind=DocumentKind(row.kind),
                cycle=row.cycle_id,
                member=row.member_code,
                reviewer=row.reviewer_code,
                submitted_by=row.submitted_by,
                sha256=row.sha256,
                body=dict(row.body),
                created_at=row.created_at,
            )

    def count(self, cycle: str | None = None, member: str | None = None) -> Counter[str]:
        """How many documents of each kind are kept (of a cycle, of one member's review)."""
        query = select(DocumentRow.kind, func.count()).group_by(DocumentRow.kind)
        if cycle is not None:
            query = query.where(DocumentRow.cycle_id == cycle)
        if member is not None:
            query = query.where(DocumentRow.member_code == member)
        with self._session() as s:
            return Counter({kind: n for kind, n in s.execute(query)})

    # --- NAP records ---

    def record_nap(self, member: str, nap: Nap, document_id: str) -> None:
        """The NAP iteration as its latest self-assessment gives it."""
        with self._session() as s:
            _put_nap(s, member, nap, document_id)

    def check_nap_fits(self, member: str, nap: Nap) -> None:
        """Raise the database's own refusal if this plan could not be recorded, recording
        nothing: a step is refused at the door, never later by its review (issue #20)."""
        with self._sessions() as s:
            transaction = s.begin()
            try:
                _put_nap(s, member, nap, None)
                s.flush()
            finally:
                transaction.rollback()

    def naps(self, member: str) -> list[Nap]:
        with self._session() as s:
            rows = s.scalars(
                select(NapRow).where(NapRow.member_code == member).order_by(NapRow.iteration)
            ).all()
            return [Nap.model_validate(r.record) for r in rows]


def _put_nap(s: Session, member: str, nap: Nap, document_id: str | None) -> None:
    """A member's plan, one row per iteration: the latest record of it wins."""
    row = s.scalars(
        select(NapRow).where(NapRow.member_code == member).where(NapRow.iteration == nap.iteration)
    ).first()
    if row is None:
        row = NapRow(member_code=member, iteration=nap.iteration)
        s.add(row)
    row.title = nap.title
    row.adopted_on = nap.adopted_on
    row.period_start = nap.period_start
    row.period_end = nap.period_end
    row.record = nap.model_dump(mode="json")
    row.source_document_id = document_id
    row.updated_at = datetime.now(UTC)
