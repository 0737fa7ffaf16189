"""Files kept beside a review (its NAP, the monitoring framework, annexes), each with the name it
was uploaded under, its kind, media type and SHA-256, for one member's review in one cycle."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import defer

from napreview.schemas.attachments import AttachmentKind
from napreview.store.db import Repository
from napreview.store.errors import NotFoundError
from napreview.store.stored_files import StoredFile, file_fields, new_file_row
from napreview.store.tables import ReviewFileRow


@dataclass(frozen=True)
class ReviewFile(StoredFile):
    kind: AttachmentKind


def _review_file(row: ReviewFileRow) -> ReviewFile:
    return ReviewFile(kind=AttachmentKind(row.kind), **file_fields(row))


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
        name = filename[-255:] or "nap.pdf"
        row = new_file_row(
            ReviewFileRow, cycle, member, name, media_type, data, uploaded_by, kind=kind.value
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
