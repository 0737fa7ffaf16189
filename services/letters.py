"""The letters a person may read, for the command line and the portal alike: listed by
recipient (their own, and those addressed to their member's focal point) a page at a time
without bodies, and one letter with its bodies when it is shown."""

from __future__ import annotations

import asyncio
from pathlib import Path

from napreview.schemas.members import Actor
from napreview.services import access
from napreview.store.letters import Letter, LetterSummary
from napreview.store.records import Store

__all__ = [
    "Letter",
    "LetterSummary",
    "as_pdf",
    "export_files",
    "letter",
    "list_for",
    "of_review",
]


def list_for(
    store: Store,
    actor: Actor,
    *,
    cycle: str | None = None,
    member: str | None = None,
    kind: str | None = None,
    recipient: str | None = None,
    newest_first: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[LetterSummary]:
    """The letters this person may read, filtered (``member``: whose review a letter belongs
    to; ``recipient``: an address), oldest first like `letters list` (or newest first), a page
    of them with ``limit``."""
    return store.letters.list(
        cycle=cycle,
        member=member,
        kind=kind,
        recipient=recipient,
        addressed_to=access.letters_scope(actor),
        newest_first=newest_first,
        offset=offset,
        limit=limit,
    )


def letter(store: Store, actor: Actor, letter_id: str) -> Letter:
    """One letter with its bodies, if this person may read it (ReadRefused, recorded, if not;
    NotFoundError if there is none)."""
    return access.require_letter(store, actor, letter_id)


async def as_pdf(store: Store, letter: Letter) -> tuple[bytes, str]:
    """The letter as the PDF its email carries, and the name it is filed under ("Sénégal —
    examen 2027 — conclusions finales.pdf"); laid out in a process of its own."""
    # Composing and laying out letters (Babel, the catalogs, the PDF process) loads only here:
    # listing letters and showing one answer without it (issue #23).
    from napreview.letters.email import attachment_name
    from napreview.letters.pdf import letter_pdf_elsewhere

    member = await asyncio.to_thread(store.members.find, letter.member_code)
    return await letter_pdf_elsewhere(letter.body_html), attachment_name(letter, member)


def of_review(store: Store, cycle: str, member: str) -> dict[str, LetterSummary]:
    """The letters of one member's review by id (its history names them), without bodies."""
    return {r.id: r for r in store.letters.list(cycle=cycle, member=member)}


def export_files(
    store: Store, folder: Path, actor: Actor | None = None, cycle: str | None = None
) -> tuple[int, int]:
    """Rewrite every letter file (text and HTML) from the store; files already right are kept.
    An operator's repair of the data folder; with a person named, only for those who read every
    letter (ReadRefused, recorded). Returns the letters checked and the files written."""
    from napreview.letters.files import file_letter

    if actor is not None and not access.reads_everything(actor):
        raise access.refuse_read(store, actor, "letter_files", cycle, None, "every letter's file")
    letters = store.letters.with_bodies(cycle)
    return len(letters), sum(len(file_letter(folder, letter)) for letter in letters)
