"""A review's follow-up (issue #22): its items and progress reports for whoever reads the review;
the member's focal point sends a progress report here, the secretariat acknowledges it. The
letters that ask for a report link to this page, and the documents sent as evidence are downloaded
from it. Every step is the command line's (services/follow_up.py, services/evidence.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from napreview.schemas.follow_up import (
    Evidence,
    EvidenceKind,
    FollowUpState,
    ItemStatus,
    ItemUpdate,
    ProgressReport,
)
from napreview.schemas.members import Role
from napreview.schemas.refusals import Reason
from napreview.services import access, evidence, exports, follow_up, implementation, stacked_bars
from napreview.services import members as member_ops
from napreview.services.errors import NotFoundError, StepRefused
from napreview.web.downloads import download
from napreview.web.routes.reviews import member_code
from napreview.web.web import (
    ChangeFormDep,
    OversightDep,
    PageNotFound,
    PersonDep,
    PortalDep,
    Visitor,
    portal_of,
    render,
    see_other,
)

router = APIRouter()
_DONE = ("report", "acknowledge")


@router.get("/reviews/{cycle}/{member}/follow-up")
async def follow_up_page(
    request: Request, cycle: str, member: str, v: PersonDep, done: str = ""
) -> Response:
    code = await run_in_threadpool(member_code, request, member)
    return await run_in_threadpool(
        page_with, request, v, cycle, code, done=done if done in _DONE else ""
    )


def page_with(
    request: Request,
    v: Visitor,
    cycle: str,
    code: str,
    *,
    done: str = "",
    error: str = "",
    reason: Reason | None = None,
    status: int = 200,
    typed: Mapping[str, str] | None = None,
) -> Response:
    """The follow-up page: where it stands, its items, its reports, and this person's part;
    ``typed``: the report form as the person sent it, when it was refused, so nothing they
    wrote is lost."""
    portal = portal_of(request)
    assert v.actor is not None
    try:
        record = follow_up.read(portal.store, v.actor, cycle, code)
    except (access.ReadRefused, NotFoundError):
        raise PageNotFound() from None
    s = record.state
    open_ = s.closed_at is None and s.drawn
    context: dict[str, Any] = {
        "s": s,
        "code": code,
        "items": follow_up.views(record),
        "findings": follow_up.findings(portal.store, record),
        "member": member_ops.get(portal.store, code),
        "statuses": list(ItemStatus),
        "own": v.actor.role is Role.FOCAL_POINT and v.actor.member == code and open_,
        "acknowledges": v.actor.role is Role.SECRETARIAT and open_,
        "unacknowledged": [r for r in s.reports if r.acknowledged_at is None],
        "done": done,
        "error": error,
        "refusal_reason": reason,
        "typed": typed or {},
        "can_audit": access.can_audit(v.actor, code),
        "max_mb": portal.options.max_upload_mb,
    }
    return render(request, "follow_up.html", context, status=status)


def _updates(state: FollowUpState, form: FormData) -> list[ItemUpdate]:
    """Each item the form changes (``status_<n>``, ``reason_<n>``, ``lead_<n>``,
    ``target_<n>``, ``link_<n>`` for the n-th item); an item left as it was is not sent."""
    updates = []
    for n, item in enumerate(state.items):
        status = str(form.get(f"status_{n}") or "")
        reason = str(form.get(f"reason_{n}") or "").strip()
        lead = str(form.get(f"lead_{n}") or "").strip()
        target = str(form.get(f"target_{n}") or "").strip()
        link = str(form.get(f"link_{n}") or "").strip()
        changed = (
            status != item.status.value
            or bool(reason or link)
            or bool(lead)
            and lead != (item.lead_institution or "")
            or bool(target)
            and target != str(item.target_date or "")
        )
        if not changed:
            continue
        updates.append(
            ItemUpdate(
                key=item.key,
                status=ItemStatus(status) if status else None,
                reason=reason or None,
                lead_institution=lead or None,
                target_date=date.fromisoformat(target) if target else None,
                evidence=[Evidence(kind=EvidenceKind.LINK, ref=link)] if link else [],
            )
        )
    return updates


@router.post("/reviews/{cycle}/{member}/follow-up/report")
async def report_post(
    request: Request, cycle: str, member: str, v: PersonDep, form: ChangeFormDep
) -> Response:
    """The member's progress report: a narrative and the items it changes."""
    code = await run_in_threadpool(member_code, request, member)
    portal = portal_of(request)
    actor = v.actor
    assert actor is not None
    if not (actor.role is Role.FOCAL_POINT and actor.member == code):
        raise PageNotFound()

    async def send() -> None:
        record = await run_in_threadpool(follow_up.read, portal.store, actor, cycle, code)
        body = ProgressReport(
            narrative=str(form.get("narrative") or ""), updates=_updates(record.state, form)
        )
        files = await _evidence_files(record.state, form)
        await follow_up.report(
            await portal.client(), portal.store, actor, cycle, code, body, files,
            limit_mb=portal.options.max_upload_mb,
        )  # fmt: skip

    typed = {
        k: value
        for k, value in form.items()
        if k != "csrf_token" and isinstance(value, str)  # a file cannot be offered back
    }
    return await _step(request, v, cycle, code, send(), "report", typed)


async def _evidence_files(state: FollowUpState, form: FormData) -> dict[str, list[evidence.Upload]]:
    """The documents the report sends as evidence of each item (``evidence_<n>`` for the n-th,
    any number each); the service checks every one before it keeps any."""
    files: dict[str, list[evidence.Upload]] = {}
    for n, item in enumerate(state.items):
        for upload in form.getlist(f"evidence_{n}"):
            if isinstance(upload, UploadFile) and upload.filename:  # an input left empty
                sent = evidence.Upload(upload.filename, await upload.read(), upload.content_type)
                files.setdefault(item.key, []).append(sent)
    return files


@router.get("/reviews/{cycle}/{member}/follow-up/evidence/{file_id}")
def evidence_download(
    request: Request, cycle: str, member: str, file_id: str, v: PersonDep
) -> Response:
    """A document kept as evidence, for whoever reads the follow-up (404 for anyone else)."""
    code = member_code(request, member)
    assert v.actor is not None
    try:
        found, data = evidence.download(portal_of(request).store, v.actor, cycle, code, file_id)
    except (access.ReadRefused, NotFoundError):
        raise PageNotFound() from None
    return download(data, found.filename, found.media_type, **{"X-Content-SHA256": found.sha256})


@router.post("/reviews/{cycle}/{member}/follow-up/acknowledge")
async def acknowledge_post(
    request: Request, cycle: str, member: str, v: PersonDep, form: ChangeFormDep
) -> Response:
    """The secretariat acknowledges a progress report."""
    code = await run_in_threadpool(member_code, request, member)
    portal = portal_of(request)
    actor = v.actor
    assert actor is not None
    if actor.role is not Role.SECRETARIAT:
        raise PageNotFound()

    async def send() -> None:
        period = int(str(form.get("period") or ""))
        comments = str(form.get("comments") or "")
        await follow_up.acknowledge(
            await portal.client(), portal.store, actor, cycle, code, period, comments
        )

    return await _step(request, v, cycle, code, send(), "acknowledge")


async def _step(
    request: Request,
    v: Visitor,
    cycle: str,
    code: str,
    send: Awaitable[None],
    done: str,
    typed: Mapping[str, str] | None = None,
) -> Response:
    """Take a step from the follow-up page: on to the page that says it was taken, or the page
    again with the refusal and, for the report, everything the person typed."""
    try:
        await send
    except (access.ReadRefused, NotFoundError):
        raise PageNotFound() from None
    except StepRefused as refusal:
        return await run_in_threadpool(
            page_with, request, v, cycle, code, error=str(refusal), reason=refusal.reason,
            status=409, typed=typed,
        )  # fmt: skip
    except (ValidationError, ValueError):
        return await run_in_threadpool(
            page_with, request, v, cycle, code, error="invalid", status=422, typed=typed
        )
    return see_other(f"/reviews/{cycle}/{code}/follow-up?done={done}")


@router.get("/follow-ups")
def implementation_page(
    request: Request, v: OversightDep, portal: PortalDep, cycle: str = ""
) -> Response:
    """Implementation across the Network, per member and per theme (secretariat, auditors)."""
    assert v.actor is not None
    seen = implementation.implementation(portal.store, v.actor, cycle or None)
    if cycle and cycle not in seen.cycles:
        raise PageNotFound()
    context = {
        "seen": seen,
        "cycle": cycle,
        "statuses": stacked_bars.ORDER,  # the tables read in the bars' order
        "themes": stacked_bars.stacked(seen.themes),
        "cycles_chart": stacked_bars.stacked(seen.by_cycle),
    }
    return render(request, "follow_ups.html", context)


@router.get("/follow-ups/{cycle}/export.{format}")
def export(cycle: str, format: str, v: PersonDep, portal: PortalDep) -> Response:
    """The items of a cycle's follow-ups the person reads, as a spreadsheet."""
    assert v.actor is not None
    if format not in exports.FORMATS:
        raise PageNotFound()
    table = follow_up.export(portal.store, v.actor, cycle)
    data, name, media = exports.encoded(table, format)
    return download(data, name, media)
