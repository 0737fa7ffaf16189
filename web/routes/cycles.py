"""The secretariat's cycles: the list, starting one (the troika draw shown before it starts),
and a cycle's progress, overdue first, with a picture of where each member stands."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from napreview.i18n.translator import translator
from napreview.schemas.review import CycleSettings, Durations, Stage
from napreview.schemas.text import LONGEST_DURATION
from napreview.services import cycles as cycle_ops
from napreview.services import members as member_ops
from napreview.services import overview
from napreview.services.errors import InvalidInput, NotFoundError, StepRefused
from napreview.services.network import NoChairRecorded, chair_of_cycle
from napreview.services.progress import cycle_progress
from napreview.web import chart
from napreview.web.web import (
    ChangeFormDep,
    OversightDep,
    PageNotFound,
    PortalDep,
    SecretariatDep,
    portal_of,
    render,
    see_other,
    visitor,
)
from napreview.workflows.troika import TroikaError, draw_digest, draw_troika

router = APIRouter()

_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# Every duration `cycle start` takes, with its default (the command line's options).
DEFAULTS = {
    "self_assessment": "60d",
    "peer_review": "30d",
    "responses": "14d",
    "sign_off": "14d",
    "reminder": "7d",
}
# Reviews per page of a cycle's table: the Network's 83 on one page; a cycle of ten thousand is
# read and drawn a page at a time, so a view costs the same whatever the cycle's size. Drawing
# a row is most of a page's cost: 100, not 200, keeps 50 people on one page under a second.
PAGE_SIZE = 100
# The chart draws one row per member: beyond this many it would be unreadable (the table says it).
CHART_ROWS = 120
PROGRESS = (
    Stage.SELF_ASSESSMENT,
    Stage.PEER_REVIEW,
    Stage.CEDAW_CHECK,
    Stage.SIGN_OFF,
    Stage.COMPLETED,
)


def parse_duration(text: str) -> timedelta | None:
    """'60d', '2h', '30m', '2w' as the command line writes them, at most three years like
    every duration a review keeps; None when not such a duration."""
    match = _DURATION.match(text or "")
    if not match or int(match.group(1)) == 0:
        return None
    try:
        value = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    except OverflowError:
        return None
    return value if value <= LONGEST_DURATION else None


@router.get("/cycles")
def cycles_page(request: Request, v: OversightDep, portal: PortalDep) -> Response:
    return render(request, "cycles.html", {"cycles": overview.cycles_overview(portal.store)})


def _new_form(
    request: Request, values: dict[str, Any], status: int = 200, **extra: Any
) -> Response:
    language = visitor(request).language
    members = translator(language).by_name(member_ops.current(portal_of(request).store))
    return render(
        request, "cycle_new.html", {"values": values, "members": members, **extra}, status=status
    )


@router.get("/cycles/new")
def new_cycle_page(request: Request, v: SecretariatDep) -> Response:
    values = {
        "cycle": "",
        "members": [],
        "all": False,
        "chair": "",
        "reviewers": "3",
        "seed": "",
        **DEFAULTS,
    }
    return _new_form(request, values)


@router.post("/cycles/new")
async def new_cycle(
    request: Request, v: OversightDep, form: ChangeFormDep, portal: PortalDep
) -> Response:
    """Async: it starts the cycle in Temporal; what it reads of the store, and the form it
    shows, run in the threadpool."""
    assert v.actor is not None
    values: dict[str, Any] = {
        "cycle": str(form.get("cycle") or "").strip(),
        "members": [str(m) for m in form.getlist("members")],
        "all": form.get("all") == "yes",
        "chair": str(form.get("chair") or ""),
        "reviewers": str(form.get("reviewers") or "3"),
        "seed": str(form.get("seed") or "").strip(),
        **{k: str(form.get(k) or "") for k in DEFAULTS},
    }
    errors: dict[str, str] = {}
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$", values["cycle"]):
        errors["cycle"] = "cycle_id"
    elif await run_in_threadpool(overview.cycle_exists, portal.store, values["cycle"]):
        errors["cycle"] = "cycle_exists"
    known = {m.code for m in await run_in_threadpool(member_ops.current, portal.store)}
    codes = sorted(known) if values["all"] else sorted({m for m in values["members"] if m in known})
    if len(codes) < 2:
        errors["members"] = "members"
    durations = {k: parse_duration(values[k]) for k in DEFAULTS}
    for k, value in durations.items():
        if value is None:
            errors[k] = "duration"
    try:
        reviewers = int(values["reviewers"])
        if not 1 <= reviewers <= 10:
            raise ValueError
    except ValueError:
        errors["reviewers"] = "reviewers"
        reviewers = 3
    try:
        seed = int(values["seed"]) if values["seed"] else None
    except ValueError:
        errors["seed"] = "seed"
        seed = None
    chair = values["chair"] if values["chair"] in known else ""
    if not chair and "cycle" not in errors:
        try:
            chair = await run_in_threadpool(chair_of_cycle, portal.store, values["cycle"])
        except NoChairRecorded:
            errors["chair"] = "no_chair"
    if errors:
        return await run_in_threadpool(_new_form, request, values, errors=errors, status=422)
    cycle = values["cycle"]
    seed = seed if seed is not None else int.from_bytes(cycle.encode()[:6], "big")
    pool = await run_in_threadpool(member_ops.get_many, portal.store, codes)
    try:
        draw = draw_troika(pool, seed, reviewers)
    except TroikaError as err:
        return await run_in_threadpool(
            _new_form, request, values, errors={"members": "draw"}, draw_error=str(err), status=422
        )
    values["seed"] = str(seed)
    values["chair"] = chair
    if str(form.get("action")) != "start":
        return await run_in_threadpool(
            _new_form, request, values, draw=draw, digest=draw_digest(draw), preview=True
        )
    settings = CycleSettings(
        cycle=cycle,
        members=codes,
        reviewers_per_member=reviewers,
        seed=seed,
        chair=chair,
        durations=Durations(**{k: d for k, d in durations.items()}),
        started_by=v.actor,
    )
    try:
        await cycle_ops.start_cycle(
            await portal.client(), portal.store, settings, portal.settings.task_queue
        )
    except (StepRefused, InvalidInput, NotFoundError, ValidationError) as err:
        return await run_in_threadpool(_new_form, request, values, draw_error=str(err), status=409)
    # The cycle's page reads the store, which the cycle fills from its first activity: wait
    # for it, so that the page shown next is the started cycle.
    await cycle_ops.wait_until_recorded(portal.store, cycle)
    return see_other(f"/cycles/{cycle}?done=started")


@router.get("/cycles/{cycle}")
def cycle_page(
    request: Request,
    cycle: str,
    v: OversightDep,
    portal: PortalDep,
    stage: str = "",
    overdue: str = "",
    done: str = "",
    page: int = 1,
) -> Response:
    chosen = Stage(stage) if stage in {s.value for s in Stage} else None
    page = max(page, 1)
    try:
        status = overview.cycle_overview(
            portal.store,
            cycle,
            chosen,
            overdue == "1",
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    except NotFoundError:
        if done == "started":  # started, not yet recorded (no worker has taken it up yet)
            response = render(request, "cycle_starting.html", {"cycle": cycle})
            response.headers["Refresh"] = "3"
            return response
        raise PageNotFound() from None
    # The store pages overdue first, then by code; each page reads by name in the reader's
    # language.
    name_key = translator(v.language).name_key
    lines = sorted(status.reviews, key=lambda r: (not r.overdue, name_key(r.member)))
    picture = None
    if status.matching <= CHART_ROWS:  # a bigger cycle is read from the table
        progress = cycle_progress(portal.store, cycle, [r.member for r in lines])
        picture = chart.timeline(
            progress, datetime.now(UTC), {r.member for r in lines if r.overdue}
        )
    return render(
        request,
        "cycle.html",
        {
            "cycle": cycle,
            "status": status,
            "lines": lines,
            "stage": chosen.value if chosen else "",
            "overdue": overdue == "1",
            "done": done,
            "chart": picture,
            "stages": [s.value for s in Stage],
            "updated": status.updated,
            "total": sum(status.counts.values()),
            "page": page,
            "pages": max(1, -(-status.matching // PAGE_SIZE)),
            "first": (page - 1) * PAGE_SIZE + 1,
            "last": (page - 1) * PAGE_SIZE + len(lines),
            "matching": status.matching,
        },
    )
