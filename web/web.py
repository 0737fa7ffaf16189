"""What every page shares: the signed-in person (from the session cookie, resolved in the store),
the language, CSRF, security headers and rendering. Access is decided here and in
services/access.py for every request; nothing is trusted from a form but its values.

Routes receive the portal, the visitor, the signed-in person and the posted form as FastAPI
dependencies (``PortalDep``, ``VisitorDep``, ``PersonDep``, ``SecretariatDep``, ``FormDep``, …).
Whatever reads the store is plain ``def``, which FastAPI runs in its threadpool, so no database
call blocks the event loop the Temporal client and every other request share."""

from __future__ import annotations

import asyncio
import functools
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment
from starlette.datastructures import FormData
from temporalio.client import Client

from napreview.i18n.catalogs import LANGUAGES
from napreview.i18n.pages import page_environment
from napreview.i18n.translator import Translator, language_names, pick_language, translator
from napreview.letters.render import finding_text
from napreview.people.accounts import Accounts
from napreview.schemas.members import Actor, Member, Role
from napreview.schemas.recommendations import recommendation_set
from napreview.services import members, preferences, users
from napreview.services.access import may_change
from napreview.services.errors import NotFoundError
from napreview.services.installation import Store
from napreview.settings import Settings
from napreview.web.config import PortalSettings
from napreview.web.limits import MAX_FIELDS, MAX_FILES

SESSION_COOKIE = "napreview_session"
ANON_CSRF_COOKIE = "napreview_csrf"
LANG_COOKIE = "napreview_lang"
STATIC = Path(__file__).parent / "static"

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'self'; base-uri 'none'; object-src 'none'"
)


class SignInNeeded(Exception):
    """No live session: the person is sent to /sign-in and brought back afterwards."""

    def __init__(self, back: str) -> None:
        self.back = back


class Forbidden(Exception):
    """403: a change asked by someone who may change nothing (an auditor), or a form without
    its CSRF token."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


class PageNotFound(Exception):
    """404, also for anything outside a person's scope, so ids do not leak."""


@dataclass
class Portal:
    """The application's shared parts (``app.state.portal``)."""

    settings: Settings
    options: PortalSettings
    store: Store
    accounts: Accounts
    templates: Mapping[str, Environment]  # the pages, by language
    _client: Client | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def client(self) -> Client:
        """One Temporal client per process, connected on first use."""
        async with self._lock:
            if self._client is None:
                from napreview.temporal.client import connect

                self._client = await connect(self.settings)
            return self._client


def make_templates() -> dict[str, Environment]:
    """The portal's pages, one environment per language, each with its language's words
    installed: gettext through Jinja2's i18n extension (``_()``, ``ngettext()``), the Network's
    words (``term``), member names, dates and numbers, refusals."""
    return {language: _pages(translator(language)) for language in LANGUAGES}


def _pages(t: Translator) -> Environment:
    env = page_environment(t)
    env.globals.update(
        words=t.words,
        finding=functools.partial(finding_text, language=t.language),
        recommendation=functools.partial(_recommendation, t.language),
        about=t.about,
        by_name=t.by_name,
        moment=t.moment,
        clock=t.clock,
        size=t.size,
        deadline_at=t.deadline,
        refusal=t.refusal,
        languages=language_names(),
        Role=Role,
        quote=quote,
    )
    return env


def _recommendation(language: str, recommendation_id: str) -> str:
    """A recommendation's wording in the reader's language, from the 2018 set (the one the
    portal's forms ask about); an id of another set has no wording here."""
    return recommendation_set().texts(language).get(recommendation_id, "")


@dataclass
class Visitor:
    """Whoever made the request: a signed-in person, or nobody yet."""

    actor: Actor | None
    csrf: str
    language: str
    session_token: str | None = None
    email: str = ""  # the signed-in address (drafts and accounts are kept by it)
    member: Member | None = None
    new_csrf_cookie: bool = False
    session_ends: datetime | None = None  # slid forward by this request

    @property
    def session_seconds(self) -> int:
        """How long the session has left (0: no session), for the page to warn before it ends."""
        if self.session_ends is None:
            return 0
        return max(0, int((self.session_ends - datetime.now(UTC)).total_seconds()))

    time_zone: str = "UTC"  # the zone the person reads deadlines in (services/preferences.py)

    @property
    def role(self) -> Role | None:
        return self.actor.role if self.actor else None

    def is_(self, role: Role) -> bool:
        return self.actor is not None and self.actor.role is role


def portal_of(request: Request) -> Portal:
    return request.app.state.portal


def is_https(request: Request) -> bool:
    if request.url.scheme == "https":
        return True
    options = portal_of(request).options
    return options.trust_proxy and request.headers.get("x-forwarded-proto", "") == "https"


def client_address(request: Request) -> str | None:
    """Who sent the request, as recorded beside sign-in attempts. Behind the trusted proxy, the
    address it saw: the LAST entry of X-Forwarded-For (``$proxy_add_x_forwarded_for`` appends
    it); the entries before it are whatever the client chose to send."""
    if portal_of(request).options.trust_proxy:
        forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1][:64]
    return request.client.host if request.client else None


def visitor(request: Request) -> Visitor:
    """The session behind the cookie, the person behind the session (resolved now, so a change
    of role or of focal point takes effect at once), and their language."""
    cached = getattr(request.state, "visitor", None)
    if cached is not None:
        return cached
    portal = portal_of(request)
    token = request.cookies.get(SESSION_COOKIE)
    found = None
    if token:
        found = portal.accounts.session(token, _lifetime(portal))
    actor = None
    member = None
    if found is not None:
        try:
            actor = users.actor(portal.store, found.email)
        except NotFoundError:
            actor = None
    if actor is not None and actor.member:
        member = members.find(portal.store, actor.member)
    language = _language(request, portal, found.email if found else None, member)
    if actor is not None and found is not None:
        v = Visitor(
            actor,
            found.csrf_token,
            language,
            session_token=token,
            member=member,
            email=found.email,
            session_ends=found.expires_at,
            time_zone=preferences.time_zone(portal.store, found.email),
        )
    else:
        anon = request.cookies.get(ANON_CSRF_COOKIE)
        fresh = not anon or len(anon) < 32
        csrf = secrets.token_urlsafe(32) if fresh or anon is None else anon
        v = Visitor(None, csrf, language, new_csrf_cookie=fresh)
    request.state.visitor = v
    return v


def _lifetime(portal: Portal) -> timedelta:
    return timedelta(hours=portal.options.session_hours)


def _language(request: Request, portal: Portal, email: str | None, member: Member | None) -> str:
    if email is not None:
        chosen = portal.accounts.language(email)
        if chosen in LANGUAGES:
            return chosen
        if member is not None:
            return member.language.value
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return pick_language(request.headers.get("accept-language"))


def require_role(v: Visitor, *roles: Role) -> None:
    """Pages of one room: anyone else is told the page does not exist."""
    if v.actor is None or v.actor.role not in roles:
        raise PageNotFound()


# --------------------------------------------------------------------------- dependencies
# The visitor is resolved in the store (session, person, language): a plain ``def`` that FastAPI
# runs in its threadpool, once per request (``request.state`` keeps it for the error pages).
# What only looks at an already resolved visitor is ``async def``: no thread for nothing.


async def _portal(request: Request) -> Portal:
    return portal_of(request)


PortalDep = Annotated[Portal, Depends(_portal)]
VisitorDep = Annotated[Visitor, Depends(visitor)]


async def _person(request: Request, v: VisitorDep) -> Visitor:
    """A signed-in person, or off to /sign-in."""
    if v.actor is None:
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInNeeded(back)
    return v


PersonDep = Annotated[Visitor, Depends(_person)]
"""A signed-in person, or the redirect to /sign-in."""


def _in_role(*roles: Role) -> Callable[[Visitor], Awaitable[Visitor]]:
    async def in_role(v: PersonDep) -> Visitor:
        require_role(v, *roles)
        return v

    return in_role


SecretariatDep = Annotated[Visitor, Depends(_in_role(Role.SECRETARIAT))]
"""The secretariat's own pages: 404 for anyone else."""
OversightDep = Annotated[Visitor, Depends(_in_role(Role.SECRETARIAT, Role.AUDITOR))]
"""Pages the secretariat and the auditors read (an auditor's change is refused by ``posted``)."""


async def posted(request: Request, v: Visitor, *, changes: bool = True) -> FormData:
    """The form of a POST, once its CSRF token matches the session's. ``changes``: the post
    changes something in the reviews, which an auditor may never do (403)."""
    if changes and v.actor is not None and not may_change(v.actor):
        raise Forbidden("auditor")
    # The body was bounded before it was read (web/limits.py); so are its fields and parts.
    limit = portal_of(request).options.max_upload_mb * 1024 * 1024
    form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=limit)
    sent = str(form.get("csrf_token") or "")
    if not sent or not secrets.compare_digest(sent, v.csrf):
        request.state.posted_form = form  # what was typed, to keep it (web/kept.py)
        raise Forbidden("csrf")
    return form


async def _change_form(request: Request, v: VisitorDep) -> FormData:
    return await posted(request, v)


async def _form(request: Request, v: VisitorDep) -> FormData:
    return await posted(request, v, changes=False)


ChangeFormDep = Annotated[FormData, Depends(_change_form)]
"""A form that changes the reviews (never an auditor's), its CSRF token checked."""
FormDep = Annotated[FormData, Depends(_form)]
"""A form anyone may send (signing in, the language), its CSRF token checked."""


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    v = visitor(request)
    portal = portal_of(request)
    values: dict[str, Any] = {
        "request": request,
        "v": v,
        "path": request.url.path,
        "session_seconds": v.session_seconds,
    }
    values.update(context or {})
    html = portal.templates[v.language].get_template(template).render(values)
    response = HTMLResponse(html, status_code=status)
    if v.session_token and v.session_seconds:
        keep_session_cookie(request, response, v.session_token, v.session_seconds)
    if v.new_csrf_cookie:
        response.set_cookie(
            ANON_CSRF_COOKIE,
            v.csrf,
            httponly=True,
            samesite="lax",
            secure=is_https(request),
            path="/",
        )
    return response


def keep_session_cookie(request: Request, response: Response, token: str, seconds: int) -> None:
    """The session's cookie lives as long as the session, which each request slides forward:
    the browser keeps it until the session itself ends."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=seconds,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def secure_headers(response: Response, csp: str = CSP) -> None:
    response.headers.setdefault("Content-Security-Policy", csp)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Cache-Control", "no-store")


def safe_back(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme) to go back to after signing in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
