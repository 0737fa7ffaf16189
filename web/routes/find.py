"""Finding and taking away: search by name across members, reviews and letters, and a cycle's
spreadsheets (CSV, XLSX); each holds only what the person reads."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from napreview.services import exports, search
from napreview.web.downloads import download
from napreview.web.web import PageNotFound, PersonDep, PortalDep, render

router = APIRouter()


@router.get("/search")
def search_page(request: Request, v: PersonDep, portal: PortalDep, q: str = "") -> Response:
    assert v.actor is not None
    return render(request, "search.html", {"found": search.search(portal.store, v.actor, q)})


@router.get("/cycles/{cycle}/export/{what}.{format}")
async def export(cycle: str, what: str, format: str, v: PersonDep, portal: PortalDep) -> Response:
    assert v.actor is not None
    if format not in exports.FORMATS or what not in ("status", "recommendations"):
        raise PageNotFound()
    if what == "status":
        table = await run_in_threadpool(
            exports.cycle_status, portal.store, v.actor, cycle, v.language
        )
    else:
        client = await portal.client()
        table = await exports.recommendations(client, portal.store, v.actor, cycle, v.language)
    data, name, media = await run_in_threadpool(exports.encoded, table, format)
    return download(data, name, media)
