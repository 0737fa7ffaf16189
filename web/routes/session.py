"""The session's own door for the page's script: "stay signed in" slides the session forward
(as any request does) and says how long it now has."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from napreview.web.web import PersonDep, keep_session_cookie

router = APIRouter()


@router.get("/session/stay")
def stay_signed_in(request: Request, v: PersonDep) -> Response:
    response = JSONResponse({"seconds": v.session_seconds})
    if v.session_token:
        keep_session_cookie(request, response, v.session_token, v.session_seconds)
    return response
