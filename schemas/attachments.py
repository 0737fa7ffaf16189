"""The files kept beside a review (its NAP, the monitoring framework, annexes) and what each may
be: a file is what its first bytes say, not only what its name claims, so a renamed executable
is refused whatever it is called."""

from __future__ import annotations

from enum import StrEnum

# What a file name may not hold on the systems people save downloads on.
_NOT_IN_FILE_NAMES = frozenset('\\/:*?"<>|')


class AttachmentKind(StrEnum):
    """Why a file is on the review: the plan itself, or what backs it up."""

    NAP = "nap"
    MONITORING_FRAMEWORK = "monitoring_framework"
    ANNEX = "annex"


# Each type a file may be: its media type, by the name's ending, and the bytes it starts with.
# Office documents (Word, Excel, OpenDocument) are zip files.
_PDF = "application/pdf"
_ZIP = b"PK\x03\x04"
FILE_TYPES: dict[str, tuple[str, bytes]] = {
    ".pdf": (_PDF, b"%PDF-"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
}
# The NAP is read by every reviewer in a browser: a PDF only, as the self-assessment form says.
ENDINGS: dict[AttachmentKind, tuple[str, ...]] = {
    AttachmentKind.NAP: (".pdf",),
    AttachmentKind.MONITORING_FRAMEWORK: tuple(FILE_TYPES),
    AttachmentKind.ANNEX: tuple(FILE_TYPES),
}
# Evidence of a follow-up's item (a law, a budget, a report): any of the types an annex may be.
EVIDENCE_ENDINGS: tuple[str, ...] = tuple(FILE_TYPES)
# What browsers send for these files besides their own media types (or nothing at all).
_LOOSE_MEDIA_TYPES = frozenset({"", "application/octet-stream", "application/x-pdf"})


def ending(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot > 0 else ""


def file_problem(
    kind: AttachmentKind, filename: str, data: bytes, content_type: str | None, limit: int
) -> str | None:
    """Why this file cannot be kept as ``kind`` (None: it can); see ``unfit``."""
    return unfit(ENDINGS[kind], filename, data, content_type, limit)


def unfit(
    endings: tuple[str, ...], filename: str, data: bytes, content_type: str | None, limit: int
) -> str | None:
    """Why this file cannot be kept among files of these ``endings`` (None: it can): ``empty``,
    ``too_large`` (over ``limit`` bytes), ``wrong_type`` (its name's ending is not one of them,
    or its bytes or media type are not what the ending says)."""
    if not data:
        return "empty"
    if len(data) > limit:
        return "too_large"
    found = ending(filename)
    if found not in endings:
        return "wrong_type"
    media_type, magic = FILE_TYPES[found]
    if not data.startswith(magic):
        return "wrong_type"
    if (content_type or "") not in _LOOSE_MEDIA_TYPES | {media_type}:
        return "wrong_type"
    return None


def media_type(filename: str) -> str:
    """The media type a kept file is served with (known from the ending it was checked by)."""
    return FILE_TYPES.get(ending(filename), ("application/octet-stream", b""))[0]


def kept_name(filename: str) -> str:
    """The name as people gave it, without folders (some browsers send C:\\path\\name) or
    characters no file system keeps, at most 255 characters with its ending."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    clean = "".join(c for c in base if c not in _NOT_IN_FILE_NAMES and ord(c) >= 32)
    if len(clean) > 255:
        suffix = ending(clean)
        clean = clean[: 255 - len(suffix)] + suffix
    return clean
