"""A person's own page: the time zone they read every deadline in, and their deadlines as a
calendar (a download behind their session, or a link of their own for a calendar application
to follow)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from napreview.i18n.translator import translator
from napreview.schemas.members import Actor
from napreview.services import calendar, preferences, tasks
from napreview.web.web import (
    FormDep,
    PageNotFound,
    PersonDep,
    Portal,
    PortalDep,
    render,
    see_other,
)

router = APIRouter()

_DONE = {"time_zone", "calendar_link"}


@router.get("/account")
def account_page(request: Request, v: PersonDep, portal: PortalDep, done: str = "") -> Response:
    return render(
        request,
        "account.html",
        {
            "zones": preferences.zones(),
            "has_link": preferences.has_calendar_link(portal.store, v.email),
            "done": done if done in _DONE else "",
            "now": datetime.now(UTC),
        },
    )


@router.post("/account/time-zone")
def choose_time_zone(request: Request, v: PersonDep, form: FormDep, portal: PortalDep) -> Response:
    zone = str(form.get("time_zone") or "")
    try:
        preferences.set_time_zone(portal.store, v.email, zone)
    except preferences.UnknownTimeZone:
        return render(
            request,
            "account.html",
            {
                "zones": preferences.zones(),
                "has_link": preferences.has_calendar_link(portal.store, v.email),
                "error": "time_zone",
                "now": datetime.now(UTC),
            },
            status=422,
        )
    return see_other("/account?done=time_zone")


@router.post("/account/calendar-link")
def new_calendar_link(request: Request, v: PersonDep, form: FormDep, portal: PortalDep) -> Response:
    token = preferences.new_calendar_link(portal.store, v.email)
    link = f"{portal.options.url.rstrip('/')}/calendar/{token}.ics"
    return render(
        request,
        "account.html",
        {
            "zones": preferences.zones(),
            "has_link": True,
            "link": link,
            "done": "calendar_link",
            "now": datetime.now(UTC),
        },
    )


async def _calendar(portal: Portal, actor: Actor, language: str) -> Response:
    work = await tasks.work_list(portal.store, actor, portal.client)
    text = calendar.calendar(
        work.tasks, translator(language), portal.options.url, actor.ref, datetime.now(UTC)
    )
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="napreview-deadlines.ics"'},
    )


@router.get("/account/calendar.ics")
async def own_calendar(v: PersonDep, portal: PortalDep) -> Response:
    """The signed-in person's deadlines, downloaded."""
    assert v.actor is not None
    return await _calendar(portal, v.actor, v.language)


@router.get("/calendar/{token}.ics")
async def linked_calendar(token: str, portal: PortalDep) -> Response:
    """The deadlines of the person whose link this is, for a calendar application (no session:
    the link's token is the proof). An unknown link is a 404."""
    actor = await run_in_threadpool(preferences.calendar_owner, portal.store, token)
    if actor is None:
        raise PageNotFound()
    language = await run_in_threadpool(portal.accounts.language, actor.email or "")
    return await _calendar(portal, actor, language or "en")
