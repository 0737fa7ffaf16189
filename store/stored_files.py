"""A document a person uploaded, kept in the store with the name it was uploaded under, its
media type, size and SHA-256: a review's files (store/review_files.py) and a follow-up's evidence
(store/follow_ups.py) are kept alike, each in a table of its own."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar


class FileRow(Protocol):
    """The columns every table of stored files has."""

    id: str
    cycle_id: str
    member_code: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True)
class StoredFile:
    """A stored file's record, without its bytes."""

    id: str
    cycle: str
    member: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


Row = TypeVar("Row")


def new_file_row(
    table: Callable[..., Row],
    cycle: str,
    member: str,
    filename: str,
    media_type: str,
    data: bytes,
    uploaded_by: str,
    **columns: Any,
) -> Row:
    """A row of ``table`` for a new file: a fresh id, its size and digest worked out from its
    bytes; ``columns``: what that table has besides."""
    return table(
        id=uuid.uuid4().hex,
        cycle_id=cycle,
        member_code=member,
        filename=filename,
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by=uploaded_by,
        uploaded_at=datetime.now(UTC),
        **columns,
    )


def file_fields(row: FileRow) -> dict[str, Any]:
    """The record's fields a stored file's row holds (for :class:`StoredFile` and its kin)."""
    return {
        "id": row.id,
        "cycle": row.cycle_id,
        "member": row.member_code,
        "filename": row.filename,
        "media_type": row.media_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": row.uploaded_at,
    }
