"""'Waiting for you': the home page of every signed-in person."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from napreview.schemas.members import Role
from napreview.services import letters as letter_ops
from napreview.services import overview, tasks
from napreview.web.web import PersonDep, Portal, PortalDep, Visitor, render

router = APIRouter()

# The latest letters the home page lists; "All letters" shows the rest.
LATEST_LETTERS = 20


@router.get("/")
async def home(request: Request, v: PersonDep, portal: PortalDep) -> Response:
    assert v.actor is not None
    found = await tasks.work_list(portal.store, v.actor, portal.client)
    return await run_in_threadpool(_home, request, portal, v, found)


def _home(request: Request, portal: Portal, v: Visitor, found: tasks.WorkList) -> Response:
    """The rest of the page, read in the threadpool."""
    assert v.actor is not None
    letters = []
    if v.actor.role is Role.FOCAL_POINT:
        # One more than shown, so the page knows whether to offer "All letters".
        letters = letter_ops.list_for(
            portal.store, v.actor, newest_first=True, limit=LATEST_LETTERS + 1
        )
    cycles = overview.cycles_overview(portal.store) if v.actor.role is not Role.FOCAL_POINT else []
    return render(
        request,
        "home.html",
        {"work": found, "letters": letters, "cycles": cycles},
    )
