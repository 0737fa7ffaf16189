"""The secretariat's actions on many overdue reviews of a cycle at once: extend their
deadlines by the same time, or send each a reminder now (services/bulk.py)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from napreview.schemas.review import Command, Extend, Remind
from napreview.services import bulk
from napreview.services.errors import NotFoundError
from napreview.services.overview import cycle_overview
from napreview.web.web import (
    ChangeFormDep,
    PageNotFound,
    PortalDep,
    SecretariatDep,
    render,
    see_other,
)

router = APIRouter()


@router.post("/cycles/{cycle}/overdue")
async def act_on_overdue(
    request: Request, cycle: str, v: SecretariatDep, form: ChangeFormDep, portal: PortalDep
) -> Response:
    assert v.actor is not None
    actor = v.actor
    action = str(form.get("action") or "")
    try:
        overview = await run_in_threadpool(cycle_overview, portal.store, cycle, None, True)
    except NotFoundError:
        raise PageNotFound() from None
    overdue = {line.member for line in overview.reviews}
    chosen = [m for m in (str(x) for x in form.getlist("members")) if m in overdue]
    if not chosen or action not in ("extend", "remind"):
        return see_other(f"/cycles/{cycle}?overdue=1")
    command: Command
    if action == "extend":
        try:
            days = int(str(form.get("days") or "0"))
            command = Extend(
                actor=actor, by=timedelta(days=days), reason=str(form.get("reason") or "").strip()
            )
        except (ValueError, ValidationError):
            days = 0
        if days < 1:
            return render(request, "bulk_done.html", {"cycle": cycle, "invalid": True}, status=422)
    else:
        command = Remind(actor=actor)
    client = await portal.client()
    outcomes = await bulk.step_each(client, portal.store, cycle, chosen, action, command)
    return render(
        request, "bulk_done.html", {"cycle": cycle, "action": action, "outcomes": outcomes}
    )
