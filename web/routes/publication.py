"""A follow-up made public only with its member's consent (issue #22): the member's focal point
decides on a page of its own (giving consent is a deliberate second step; withdrawing it is
one), and anyone reads a published follow-up without signing in. An unpublished follow-up's
public address answers exactly like an unknown one, so nothing tells whether it exists. Every
decision is the command line's (services/publication.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from napreview.services import access, publication
from napreview.services import members as member_ops
from napreview.services.errors import NotFoundError, StepRefused
from napreview.web.routes.reviews import member_code
from napreview.web.web import (
    ChangeFormDep,
    Forbidden,
    PageNotFound,
    PersonDep,
    PortalDep,
    Visitor,
    VisitorDep,
    portal_of,
    render,
    see_other,
)

router = APIRouter()
_DONE = ("published", "withdrawn")


@router.get("/reviews/{cycle}/{member}/follow-up/publication")
def consent_page(
    request: Request, cycle: str, member: str, v: PersonDep, portal: PortalDep, done: str = ""
) -> Response:
    """Where the member's focal point gives or withdraws consent; nobody else's page."""
    code = member_code(request, member)
    assert v.actor is not None
    if not publication.decides(v.actor, code):
        raise PageNotFound()
    try:
        now = publication.consent(portal.store, v.actor, cycle, code)
    except (access.ReadRefused, NotFoundError):
        raise PageNotFound() from None
    context = {
        "cycle": cycle,
        "code": code,
        "consent": now,
        "public_path": publication.path(cycle, code),
        "done": done if done in _DONE else "",
    }
    return render(request, "follow_up_publication.html", context)


@router.post("/reviews/{cycle}/{member}/follow-up/publish")
async def publish_post(
    request: Request, cycle: str, member: str, v: PersonDep, form: ChangeFormDep
) -> Response:
    return await _decide(request, cycle, member, v, public=True)


@router.post("/reviews/{cycle}/{member}/follow-up/unpublish")
async def unpublish_post(
    request: Request, cycle: str, member: str, v: PersonDep, form: ChangeFormDep
) -> Response:
    return await _decide(request, cycle, member, v, public=False)


async def _decide(
    request: Request, cycle: str, member: str, v: Visitor, *, public: bool
) -> Response:
    code = await run_in_threadpool(member_code, request, member)
    store = portal_of(request).store
    assert v.actor is not None
    decide = publication.publish if public else publication.unpublish
    try:
        await run_in_threadpool(decide, store, v.actor, cycle, code)
    except StepRefused:
        raise Forbidden("refused") from None  # recorded by the service
    except (access.ReadRefused, NotFoundError):
        raise PageNotFound() from None
    done = "published" if public else "withdrawn"
    return see_other(f"/reviews/{cycle}/{code}/follow-up/publication?done={done}")


@router.get("/public/follow-ups/{cycle}/{member}")
def public_page(
    request: Request, cycle: str, member: str, v: VisitorDep, portal: PortalDep
) -> Response:
    """A published follow-up, read without signing in; the 404 of any unknown page otherwise."""
    found = member_ops.find(portal.store, member)
    shown = publication.published(portal.store, cycle, found.code) if found else None
    if shown is None:
        raise PageNotFound()
    context = {"p": shown, "code": shown.member, "member": found}
    return render(request, "public_follow_up.html", context)
