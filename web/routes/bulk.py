"""The secretariat's actions on many overdue reviews of a cycle at once: extend their
deadlines by the same time, or send each a reminder now (services/bulk.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

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
    if form.get("back"):
        return see_other(f"/cycles/{cycle}?" + urlencode(_typed(form, chosen), doseq=True))
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
        if form.get("confirmed") != "yes":
            return _confirm(request, cycle, chosen, days, form, overview.next_due)
    else:
        command = Remind(actor=actor)
    client = await portal.client()
    outcomes = await bulk.step_each(client, portal.store, cycle, chosen, action, command)
    return render(
        request, "bulk_done.html", {"cycle": cycle, "action": action, "outcomes": outcomes}
    )


def _typed(form: Any, chosen: list[str]) -> dict[str, Any]:
    """What the secretariat chose and typed, for the cycle page to show again."""
    return {
        "overdue": "1",
        "kept": "1",
        "members": chosen,
        "days": str(form.get("days") or ""),
        "reason": str(form.get("reason") or ""),
    }


def _confirm(
    request: Request,
    cycle: str,
    chosen: list[str],
    days: int,
    form: Any,
    next_due: dict[str, datetime],
) -> Response:
    """The extension of many reviews, said before it is done: each review's new deadline."""
    by = timedelta(days=days)
    moves = [(m, (next_due[m] + by) if m in next_due else None) for m in sorted(chosen)]
    fields = {
        "action": "extend",
        "members": chosen,
        "days": str(days),
        "reason": str(form.get("reason") or ""),
        "confirmed": "yes",
    }
    return render(
        request,
        "confirm.html",
        {
            "what": "extend_many",
            "cycle": cycle,
            "code": "",
            "post_to": f"/cycles/{cycle}/overdue",
            "fields": fields,
            "moves": moves,
            "numbers": [],
            "document": None,
            "may_go_back": True,
        },
    )
