"""The portal application: routes per room, security headers on every answer, and one answer
per kind of refusal (sign in, 403, 404)."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError

from napreview.people.accounts import Accounts
from napreview.services.installation import Store, open_store
from napreview.settings import Settings, load_settings
from napreview.web.config import PortalSettings, load_portal_settings
from napreview.web.kept import held_form, keep_typed
from napreview.web.limits import BodyLimit
from napreview.web.routes import (
    account,
    annual_report,
    bulk,
    conversation,
    cycles,
    find,
    follow_up,
    home,
    indicators,
    letters,
    people,
    publication,
    review_files,
    reviews,
    session,
    signin,
)
from napreview.web.web import (
    STATIC,
    Forbidden,
    PageNotFound,
    Portal,
    SignInNeeded,
    make_templates,
    render,
    secure_headers,
    see_other,
)

log = logging.getLogger("napreview.portal")


def create_app(
    settings: Settings | None = None,
    options: PortalSettings | None = None,
    store: Store | None = None,
) -> FastAPI:
    settings = settings or load_settings()
    options = options or load_portal_settings()
    if store is None:
        store = open_store(settings.resolved_database_url, production=settings.production)
    app = FastAPI(title="napreview portal", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.portal = Portal(settings, options, store, Accounts(store), make_templates())

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response: Response = await call_next(request)
        secure_headers(response)
        return response

    # A form of a review sent after its session ended keeps what was typed (web/kept.py).
    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, exc: SignInNeeded) -> Response:
        back = await keep_typed(request)
        if back is not None:
            return see_other(f"/sign-in?next={quote(back, safe='/')}&done=kept")
        return see_other(f"/sign-in?next={quote(exc.back, safe='/')}")

    # The error pages resolve the visitor (their language) when no route did, in Starlette's
    # threadpool, off the event loop.
    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        if exc.reason == "csrf":  # a page of a session that has ended, sent from another window
            back = await keep_typed(request, held_form(request))
            if back is not None:
                return see_other(back)
        context = {"code": 403, "reason": exc.reason}
        return await run_in_threadpool(render, request, "error.html", context, status=403)

    @app.exception_handler(PageNotFound)
    def _not_found(request: Request, exc: PageNotFound) -> Response:
        return render(request, "error.html", {"code": 404, "reason": "not_found"}, status=404)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = exc.status_code if exc.status_code in (404, 405) else 400
        return render(request, "error.html", {"code": code, "reason": "not_found"}, status=code)

    @app.exception_handler(RPCError)
    def _temporal(request: Request, exc: RPCError) -> Response:
        log.error("Temporal answered %s on %s", exc.message, request.url.path)
        return render(request, "error.html", {"code": 503, "reason": "temporal"}, status=503)

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        code = 503 if "connect" in str(exc).lower() else 500
        return render(request, "error.html", {"code": code, "reason": "unexpected"}, status=code)

    upload_bytes = options.max_upload_mb * 1024 * 1024 + 65536
    app.add_middleware(BodyLimit, upload_bytes=upload_bytes)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # The files', the conversation's and the follow-up's POST routes come before the review's
    # steps' route.
    for module in (
        signin,
        session,
        home,
        review_files,
        conversation,
        annual_report,
        follow_up,
        publication,
        reviews,
        cycles,
        people,
        letters,
        indicators,
        find,
        account,
        bulk,
    ):
        app.include_router(module.router)
    return app
