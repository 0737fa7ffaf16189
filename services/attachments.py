"""The files kept beside a review: its NAP and what backs it up (the monitoring framework,
annexes), for the command line and the portal alike.

Each is checked before it is kept (what it is by its first bytes, its size, its name's ending)
and kept with the name it was uploaded under and its SHA-256; it is read by whoever reads the
review's self-assessment (services/access.py) and added by the member's focal points (the
deputies too) and the secretariat.
"""

from __future__ import annotations

from dataclasses import dataclass

from napreview.schemas.attachments import AttachmentKind, file_problem, kept_name, media_type
from napreview.schemas.members import Actor, Role
from napreview.schemas.submissions import DocumentKind
from napreview.services import access
from napreview.services.errors import InvalidInput, NotFoundError
from napreview.store.records import Store
from napreview.store.review_files import ReviewFile

# The largest file kept unless the installation says otherwise (NAPREVIEW_PORTAL_MAX_UPLOAD_MB).
DEFAULT_LIMIT_MB = 20


class UnfitFile(InvalidInput):
    """A file that cannot be kept; ``problem`` says why in a word the portal translates
    (schemas/attachments.file_problem)."""

    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True)
class Download:
    file: ReviewFile
    data: bytes


def may_attach(actor: Actor, member: str) -> bool:
    """The member's focal points (its deputies included) and the secretariat add files."""
    if actor.role is Role.SECRETARIAT:
        return True
    return actor.role is Role.FOCAL_POINT and actor.member == member


def attach(
    store: Store,
    actor: Actor,
    cycle: str,
    member: str,
    kind: AttachmentKind,
    filename: str,
    data: bytes,
    *,
    content_type: str | None = None,
    limit_mb: int = DEFAULT_LIMIT_MB,
) -> ReviewFile:
    """Keep a file of this review once it is what its name says (UnfitFile otherwise); anyone
    but the member's focal points and the secretariat is refused (recorded)."""
    code = store.members.get(member).code
    access.require_review(store, actor, cycle, code)
    if not may_attach(actor, code):
        raise access.refuse_read(
            store, actor, "attach", cycle, code, f"adding files to the review of {code}"
        )
    name = kept_name(filename)
    problem = file_problem(kind, name, data, content_type, limit_mb * 1024 * 1024)
    if problem is not None:
        raise UnfitFile(problem, _MESSAGES[problem].format(name=name, mb=limit_mb))
    return store.review_files.save(
        cycle,
        code,
        name,
        data,
        actor.email or actor.ref,
        kind=kind,
        media_type=media_type(name),
    )


_MESSAGES = {
    "empty": "{name} is empty.",
    "too_large": "{name} is larger than {mb} MB.",
    "wrong_type": "{name} is not one of the files a review keeps (the plan: PDF; the monitoring "
    "framework and annexes: PDF, Word, Excel or OpenDocument), or is not what its name says.",
}


def files(store: Store, actor: Actor, cycle: str, member: str) -> list[ReviewFile]:
    """The review's files, for those who read its self-assessment (none for anyone else)."""
    if not access.can_read_document(store, actor, cycle, member, DocumentKind.SELF_ASSESSMENT):
        return []
    return store.review_files.of_review(cycle, member)


def download(store: Store, actor: Actor, cycle: str, member: str, file_id: str) -> Download:
    """A file of this review, for those who read its self-assessment (ReadRefused, recorded,
    for anyone else; NotFoundError for a file of another review)."""
    if not access.can_read_document(store, actor, cycle, member, DocumentKind.SELF_ASSESSMENT):
        raise access.refuse_read(store, actor, "nap", cycle, member, f"the files of {member}")
    found, data = store.review_files.get(file_id)
    if found.cycle != cycle or found.member != member:
        raise NotFoundError(f"There is no file {file_id!r} of {member} in cycle {cycle}.")
    return Download(found, data)
