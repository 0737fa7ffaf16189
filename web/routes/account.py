"""A person's own page: the time zone they read every deadline in, reminders of their own by
email, and their deadlines as a calendar (a download behind their session, or a link of their
own for a calendar application to follow)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
    Visitor,
    render,
    see_other,
)

router = APIRouter()

_DONE = {"time_zone", "reminder_days", "calendar_link"}


def _page(
    request: Request, portal: Portal, v: Visitor, status: int = 200, **extra: Any
) -> Response:
    return render(
        request,
        "account.html",
        {
            "zones": preferences.zones(),
            "has_link": preferences.has_calendar_link(portal.store, v.email),
            "reminder_days": preferences.reminder_days(portal.store, v.email),
            "most_days": preferences.MOST_DAYS_BEFORE,
            "now": datetime.now(UTC),
            **extra,
        },
        status=status,
    )


@router.get("/account")
def account_page(request: Request, v: PersonDep, portal: PortalDep, done: str = "") -> Response:
    return _page(request, portal, v, done=done if done in _DONE else "")


@router.post("/account/time-zone")
def choose_time_zone(request: Request, v: PersonDep, form: FormDep, portal: PortalDep) -> Response:
    try:
        preferences.set_time_zone(portal.store, v.email, str(form.get("time_zone") or ""))
    except preferences.UnknownTimeZone:
        return _page(request, portal, v, status=422, error="time_zone")
    return see_other("/account?done=time_zone")


@router.post("/account/reminders")
def choose_reminders(request: Request, v: PersonDep, form: FormDep, portal: PortalDep) -> Response:
    typed = str(form.get("reminder_days") or "").strip()
    try:
        days = int(typed) if typed else None
        preferences.set_reminder_days(portal.store, v.email, days)
    except (ValueError, preferences.NotReminderDays):
        return _page(request, portal, v, status=422, error="reminder_days")
    return see_other("/account?done=reminder_days")


@router.post("/account/calendar-link")
def new_calendar_link(request: Request, v: PersonDep, form: FormDep, portal: PortalDep) -> Response:
    token = preferences.new_calendar_link(portal.store, v.email)
    link = f"{portal.options.url.rstrip('/')}/calendar/{token}.ics"
    return _page(request, portal, v, link=link, done="calendar_link")


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
