"""'Waiting for you': the home page of every signed-in person."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from napreview.people import access
from napreview.schemas.members import Role
from napreview.services import tasks
from napreview.store import work
from napreview.web.web import person, portal_of, render

router = APIRouter()


@router.get("/")
async def home(request: Request) -> Response:
    v = person(request)
    portal = portal_of(request)
    assert v.actor is not None
    found = await tasks.work_list(await portal.client(), portal.store, v.actor)
    letters = []
    if v.actor.role is Role.FOCAL_POINT:
        letters = list(reversed(access.letters_for(portal.store, v.actor)))
    cycles = work.cycles(portal.store) if v.actor.role is not Role.FOCAL_POINT else []
    return render(
        request,
        "home.html",
        {"work": found, "letters": letters, "cycles": cycles},
    )
