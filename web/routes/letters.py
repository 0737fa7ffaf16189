"""Letters: readable as their HTML page and downloadable; a recipient sees only their own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from napreview.services import letters as letter_ops
from napreview.services.access import ReadRefused
from napreview.services.errors import NotFoundError
from napreview.services.letters import Letter
from napreview.web.downloads import download
from napreview.web.web import (
    PageNotFound,
    PersonDep,
    PortalDep,
    render,
)

router = APIRouter()
SHOWN = 500

# The letter's own page is a whole HTML document with its own styles: shown in a sandboxed
# frame, never able to run a script.
LETTER_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"
)


def _letter(v: PersonDep, portal: PortalDep, letter_id: str) -> Letter:
    assert v.actor is not None
    try:
        return letter_ops.letter(portal.store, v.actor, letter_id)
    except (ReadRefused, NotFoundError):
        raise PageNotFound() from None


LetterDep = Annotated[Letter, Depends(_letter)]
"""The letter of the path, if the signed-in person may read it (else 404)."""


@router.get("/letters")
def letters_page(
    request: Request,
    v: PersonDep,
    portal: PortalDep,
    cycle: str = "",
    member: str = "",
    kind: str = "",
) -> Response:
    assert v.actor is not None
    newest = letter_ops.list_for(
        portal.store,
        v.actor,
        cycle=cycle or None,
        member=member.upper() or None,
        kind=kind or None,
        newest_first=True,
        limit=SHOWN + 1,  # one more than shown: is there more?
    )
    return render(
        request,
        "letters.html",
        {
            "letters": newest[:SHOWN],
            "more": len(newest) > SHOWN,
            "shown": SHOWN,
            "cycle": cycle,
            "member": member,
            "kind": kind,
        },
    )


@router.get("/letters/{letter_id}")
def letter_page(request: Request, letter: LetterDep) -> Response:
    return render(request, "letter.html", {"letter": letter})


@router.get("/letters/{letter_id}/body")
def letter_body(letter: LetterDep) -> Response:
    return Response(
        letter.body_html,
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": LETTER_CSP},
    )


@router.get("/letters/{letter_id}/download")
async def letter_download(letter: LetterDep, portal: PortalDep, format: str = "html") -> Response:
    """The letter to keep: as HTML, text, or the PDF its email carried (named as there)."""
    if format == "pdf":
        data, name = await letter_ops.as_pdf(portal.store, letter)
        return download(data, name, "application/pdf")
    text = format == "txt"
    suffix = "txt" if text else "html"
    return download(
        letter.body_text if text else letter.body_html,
        f"letter-{letter.id}.{suffix}",
        "text/plain; charset=utf-8" if text else "text/html; charset=utf-8",
        **{"Content-Security-Policy": LETTER_CSP},
    )
