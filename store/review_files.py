"""Files kept beside a review (its NAP, the monitoring framework, annexes), each with the name it
was uploaded under, its kind, media type and SHA-256, for one member's review in one cycle."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import defer

from napreview.schemas.attachments import AttachmentKind
from napreview.store.db import Repository
from napreview.store.errors import NotFoundError
from napreview.store.tables import ReviewFileRow


@dataclass(frozen=True)
class ReviewFile:
    id: str
    cycle: str
    member: str
    kind: AttachmentKind
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


def _review_file(row: ReviewFileRow) -> ReviewFile:
    return ReviewFile(
        id=row.id,
        cycle=row.cycle_id,
        member=row.member_code,
        kind=AttachmentKind(row.kind),
        filename=row.filename,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
    )


class ReviewFileRepository(Repository):
    def save(
        self,
        cycle: str,
        member: str,
        filename: str,
        data: bytes,
        uploaded_by: str,
        *,
        kind: AttachmentKind = AttachmentKind.NAP,
        media_type: str = "application/pdf",
    ) -> ReviewFile:
        row = ReviewFileRow(
            id=uuid.uuid4().hex,
            cycle_id=cycle,
            member_code=member,
            kind=kind.value,
            filename=filename[-255:] or "nap.pdf",
            media_type=media_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by=uploaded_by,
            uploaded_at=datetime.now(UTC),
        )
        with self._session() as s:
            s.add(row)
            s.flush()
            return _review_file(row)

    def of_review(
        self, cycle: str, member: str, kind: AttachmentKind | None = None
    ) -> list[ReviewFile]:
        """The review's files (of one kind, if given), oldest first; never their bytes."""
        query = (
            select(ReviewFileRow)
            .where(ReviewFileRow.cycle_id == cycle)
            .where(ReviewFileRow.member_code == member)
            .order_by(ReviewFileRow.uploaded_at)
            .options(defer(ReviewFileRow.data))
        )
        if kind is not None:
            query = query.where(ReviewFileRow.kind == kind.value)
        with self._session() as s:
            return [_review_file(r) for r in s.scalars(query).all()]

    def get(self, file_id: str) -> tuple[ReviewFile, bytes]:
        """The file's record and its bytes."""
        with self._session() as s:
            row = s.get(ReviewFileRow, file_id)
            if row is None:
                raise NotFoundError(f"There is no file {file_id!r}.")
            return _review_file(row), bytes(row.data)
