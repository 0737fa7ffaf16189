"""The files of a review (its NAP, the monitoring framework, annexes): added from the review
page, downloaded under the names they were uploaded with."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from napreview.schemas.attachments import AttachmentKind
from napreview.services import access, attachments
from napreview.services.errors import NotFoundError
from napreview.web.downloads import download
from napreview.web.routes.reviews import dossier_of, member_code, review_with
from napreview.web.web import ChangeFormDep, PageNotFound, PersonDep, portal_of, see_other

router = APIRouter()


@router.post("/reviews/{cycle}/{member}/files")
async def attach(
    request: Request, cycle: str, member: str, v: PersonDep, form: ChangeFormDep
) -> Response:
    code = await run_in_threadpool(member_code, request, member)
    d = await dossier_of(request, v, cycle, code)
    assert v.actor is not None
    if not attachments.may_attach(v.actor, code):
        raise PageNotFound()
    portal = portal_of(request)
    upload = form.get("file")
    kind = str(form.get("kind") or "")
    problem = None
    if kind not in {k.value for k in AttachmentKind}:
        problem = "wrong_kind"
    elif not isinstance(upload, UploadFile) or not upload.filename:
        problem = "missing"
    else:
        try:
            await run_in_threadpool(
                attachments.attach,
                portal.store,
                v.actor,
                cycle,
                code,
                AttachmentKind(kind),
                upload.filename,
                await upload.read(),
                content_type=upload.content_type,
                limit_mb=portal.options.max_upload_mb,
            )
        except attachments.UnfitFile as unfit:
            problem = unfit.problem
    if problem is not None:
        return await run_in_threadpool(
            review_with, request, v, d, file_problem=problem, file_kind=kind, status=422
        )
    return see_other(f"/reviews/{cycle}/{code}?done=attach#files")


def _download(request: Request, cycle: str, member: str, file_id: str, v: PersonDep) -> Response:
    code = member_code(request, member)
    assert v.actor is not None
    try:
        found = attachments.download(portal_of(request).store, v.actor, cycle, code, file_id)
    except (access.ReadRefused, NotFoundError):
        raise PageNotFound() from None
    return download(
        found.data,
        found.file.filename,
        found.file.media_type,
        **{"X-Content-SHA256": found.file.sha256},
    )


# /nap/ is where the plan's links pointed before a review kept other files: kept for bookmarks.
for path in (
    "/reviews/{cycle}/{member}/files/{file_id}",
    "/reviews/{cycle}/{member}/nap/{file_id}",
):
    router.add_api_route(path, _download, methods=["GET"])
