"""The conversation on a review: the thread is on the review page (and in its timeline); a
comment is posted here by whoever takes part in it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from napreview.services import access, conversation
from napreview.services.inputs import UnfitText
from napreview.web.routes.reviews import dossier_of, member_code, review_with
from napreview.web.web import ChangeFormDep, PageNotFound, PersonDep, portal_of, see_other

router = APIRouter()


@router.post("/reviews/{cycle}/{member}/comments")
async def post_comment(
    request: Request, cycle: str, member: str, v: PersonDep, form: ChangeFormDep
) -> Response:
    code = await run_in_threadpool(member_code, request, member)
    d = await dossier_of(request, v, cycle, code)
    assert v.actor is not None
    portal = portal_of(request)
    text = str(form.get("text") or "")
    try:
        await conversation.post(
            await conversation.reachable(portal.client),
            portal.store,
            portal.settings,
            v.actor,
            cycle,
            code,
            text,
        )
    except access.ReadRefused:
        raise PageNotFound() from None
    except UnfitText as unfit:
        return await run_in_threadpool(
            review_with,
            request,
            v,
            d,
            comment_text=text,
            comment_problem=unfit.problem,
            comment_limit=unfit.limit,
            status=422,
        )
    return see_other(f"/reviews/{cycle}/{code}?done=comment#conversation")
