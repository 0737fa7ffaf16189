"""Signing in and out, passwords by single-use link, the language of the pages."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from napreview.i18n.catalogs import LANGUAGES
from napreview.people.accounts import MIN_PASSWORD_LENGTH, PasswordTooWeak
from napreview.people.invitations import RESET, language_for, send_link
from napreview.services.errors import ConflictError
from napreview.services.members import count
from napreview.web.web import (
    ANON_CSRF_COOKIE,
    LANG_COOKIE,
    SESSION_COOKIE,
    FormDep,
    Portal,
    PortalDep,
    VisitorDep,
    client_address,
    is_https,
    portal_of,
    render,
    safe_back,
    see_other,
)

log = logging.getLogger("napreview.portal")
router = APIRouter()


@router.get("/healthz")
def healthz(portal: PortalDep) -> JSONResponse:
    count(portal.store)  # the database answers
    return JSONResponse({"status": "ok"})


@router.get("/sign-in")
def sign_in_page(request: Request, v: VisitorDep, next: str = "/", done: str = "") -> Response:
    if v.actor is not None:
        return see_other(safe_back(next))
    return render(request, "sign_in.html", {"next": safe_back(next), "done": done, "email": ""})


@router.post("/sign-in")
async def sign_in(request: Request, form: FormDep, portal: PortalDep) -> Response:
    """Async for its growing delay (no thread held while it waits); the store and the password
    hash are read in the threadpool."""
    email = str(form.get("email") or "").strip().lower()[:254]
    password = str(form.get("password") or "")
    back = safe_back(str(form.get("next") or "/"))
    address = client_address(request)
    outcome = await asyncio.to_thread(portal.accounts.sign_in, email, password, address)
    if not outcome.ok:
        # Each wrong answer in a row makes the next slower, whether or not the address exists.
        await asyncio.sleep(min(portal.options.failure_delay * outcome.failures, 5.0))
        error = "wrong"
        if outcome.locked_until is not None:
            error = "locked"
        context = {
            "next": back,
            "email": email,
            "error": error,
            "locked_until": outcome.locked_until,
            "done": "",
        }
        return await run_in_threadpool(render, request, "sign_in.html", context, status=401)
    token = await run_in_threadpool(portal.accounts.open_session, email, _lifetime(request))
    response = see_other(back)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=portal.options.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )
    response.delete_cookie(ANON_CSRF_COOKIE, path="/")
    return response


def _lifetime(request: Request) -> timedelta:
    return timedelta(hours=portal_of(request).options.session_hours)


@router.post("/sign-out")
def sign_out(v: VisitorDep, form: FormDep, portal: PortalDep) -> Response:
    if v.session_token:
        portal.accounts.close_session(v.session_token)
    response = see_other("/sign-in?done=signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/sign-out-everywhere")
def sign_out_everywhere(v: VisitorDep, form: FormDep, portal: PortalDep) -> Response:
    if v.actor is not None:
        portal.accounts.close_all_sessions(v.email)
    response = see_other("/sign-in?done=signed_out_everywhere")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/account/language")
def choose_language(request: Request, v: VisitorDep, form: FormDep, portal: PortalDep) -> Response:
    language = str(form.get("language") or "")
    response = see_other(safe_back(str(form.get("back") or "/")))
    if language in LANGUAGES:
        if v.actor is not None:
            portal.accounts.set_language(v.email, language)
        response.set_cookie(
            LANG_COOKIE,
            language,
            samesite="lax",
            secure=is_https(request),
            path="/",
            max_age=365 * 86400,
        )
    return response


@router.get("/password/forgot")
def forgot_page(request: Request) -> Response:
    return render(request, "forgot.html", {"sent": False})


@router.post("/password/forgot")
def forgot(
    request: Request, v: VisitorDep, form: FormDep, portal: PortalDep, later: BackgroundTasks
) -> Response:
    email = str(form.get("email") or "").strip().lower()[:254]
    allowed = portal.accounts.may_send_reset(email, client_address(request))
    known = {p.email: p for p in portal.accounts.people()}
    person = known.get(email)
    if not allowed:
        log.warning("Password reset for %s not sent: too many requests", email)
    elif person is not None and person.active:
        # Sent once the answer has gone: a known address is not answered later than another.
        later.add_task(_send_reset, portal, email, v.language)
    # The same answer whether or not the address is known, and whether or not it was sent.
    return render(request, "forgot.html", {"sent": True})


def _send_reset(portal: Portal, email: str, fallback: str) -> None:
    sent = send_link(
        portal.store,
        email,
        RESET,
        base_url=portal.options.url,
        settings=portal.settings,
        created_by=None,
        language=language_for(portal.store, email, fallback=fallback),
    )
    if sent.not_sent:
        log.warning("Password reset for %s not sent by email: %s", email, sent.not_sent)


@router.get("/password/{token}")
def password_page(request: Request, token: str, portal: PortalDep) -> Response:
    link, state = portal.accounts.link(token)
    if state != "ok":
        return render(request, "password.html", {"state": state}, status=410 if link else 404)
    return render(
        request,
        "password.html",
        {"state": state, "link": link, "token": token, "minimum": MIN_PASSWORD_LENGTH},
    )


@router.post("/password/{token}")
def set_password(request: Request, token: str, form: FormDep, portal: PortalDep) -> Response:
    link, state = portal.accounts.link(token)
    if state != "ok" or link is None:
        return render(request, "password.html", {"state": state}, status=410 if link else 404)
    password = str(form.get("password") or "")
    confirm = str(form.get("confirm") or "")
    context = {"state": state, "link": link, "token": token, "minimum": MIN_PASSWORD_LENGTH}
    if password != confirm:
        return render(request, "password.html", {**context, "error": "mismatch"}, status=422)
    try:
        portal.accounts.use_link(token, password)
    except PasswordTooWeak as err:
        return render(
            request, "password.html", {**context, "error": "weak", "why": str(err)}, status=422
        )
    except ConflictError:
        return render(request, "password.html", {"state": "used"}, status=410)
    return see_other("/sign-in?done=password_set")
