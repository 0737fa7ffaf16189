"""Uploaded NAPs (PDF), kept with their SHA-256, for one member's review in one cycle."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from napreview.store.db import Repository
from napreview.store.errors import NotFoundError
from napreview.store.tables import NapFileRow


@dataclass(frozen=True)
class NapFile:
    id: str
    cycle: str
    member: str
    filename: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


def _nap_file(row: NapFileRow) -> NapFile:
    return NapFile(
        id=row.id,
        cycle=row.cycle_id,
        member=row.member_code,
        filename=row.filename,
        size=row.size,
        sha256=row.sha256,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
    )


class NapFileRepository(Repository):
    def save(
        self, cycle: str, member: str, filename: str, data: bytes, uploaded_by: str
    ) -> NapFile:
        row = NapFileRow(
            id=uuid.uuid4().hex,
            cycle_id=cycle,
            member_code=member,
            filename=filename[-255:] or "nap.pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by=uploaded_by,
            uploaded_at=datetime.now(UTC),
        )
        with self._session() as s:
            s.add(row)
            s.flush()
            return _nap_file(row)

    def of_review(self, cycle: str, member: str) -> list[NapFile]:
        with self._session() as s:
            rows = s.scalars(
                select(NapFileRow)
                .where(NapFileRow.cycle_id == cycle)
                .where(NapFileRow.member_code == member)
                .order_by(NapFileRow.uploaded_at)
            ).all()
            return [_nap_file(r) for r in rows]

    def get(self, file_id: str) -> tuple[NapFile, bytes]:
        """The file's record and its bytes."""
        with self._session() as s:
            row = s.get(NapFileRow, file_id)
            if row is None:
                raise NotFoundError(f"There is no NAP file {file_id!r}.")
            return _nap_file(row), bytes(row.data)
