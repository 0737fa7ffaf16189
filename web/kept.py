"""Nothing typed is lost to an ended session. A form of a review posted after its session ended
(expired, signed out, or in another window) would otherwise only send the person to sign in: its
values are kept as the person's draft instead, named by the CSRF token their page carried (which
only pages of their session had), and the person is told so when they come back. A kept form is
never a step taken: the documents come back as the draft of their form, the review page's steps
filled in again, each to be sent once more."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from napreview.services import documents
from napreview.services import members as member_ops
from napreview.web import forms
from napreview.web.routes.reviews import (
    PAGE_STEPS,
    PR_DRAFT,
    PR_GROUPS,
    SA_DRAFT,
    SA_GROUPS,
    STEP_DRAFT,
    typed_fields,
)
from napreview.web.web import Portal, portal_of

# How long after a session ended a form of it is still kept.
KEPT_FOR = timedelta(days=30)
_REVIEW_FORM = re.compile(
    r"/reviews/(?P<cycle>[^/]{1,40})/(?P<member>[^/]{1,16})/(?P<what>[a-z_-]{1,40})"
)


def held_form(request: Request) -> FormData | None:
    """The form a route had read before its CSRF token was found wrong (``posted`` keeps it)."""
    return getattr(request.state, "posted_form", None)


async def keep_typed(request: Request, form: FormData | None = None) -> str | None:
    """Keep what this POST carried as its author's draft; the page to come back to, or None when
    it is no form of a review or its author cannot be told."""
    found = _REVIEW_FORM.fullmatch(request.url.path)
    if request.method != "POST" or found is None:
        return None
    if form is None:
        from napreview.web.limits import MAX_FIELDS, MAX_FILES

        limit = portal_of(request).options.max_upload_mb * 1024 * 1024
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=limit)
    return await run_in_threadpool(
        _keep, portal_of(request), found["cycle"], found["member"], found["what"], form
    )


def _keep(portal: Portal, cycle: str, member: str, what: str, form: FormData) -> str | None:
    email = portal.accounts.author_of_form(str(form.get("csrf_token") or ""), KEPT_FOR)
    known = member_ops.find(portal.store, member)
    if email is None or known is None:
        return None
    code = known.code
    kind, values, back = _what_was_typed(cycle, code, what, form)
    if kind is None:
        return None
    if values:
        documents.save_draft(portal.store, email, cycle, code, kind, values)
    return back


def _what_was_typed(
    cycle: str, code: str, what: str, form: FormData
) -> tuple[str | None, dict[str, Any], str]:
    review = f"/reviews/{cycle}/{code}"
    if what in ("self-assessment", "peer-review") and form.get("action") == "confirm":
        # The confirmation carries no values: the draft it names already holds them.
        kind = SA_DRAFT if what == "self-assessment" else PR_DRAFT
        return kind, {}, f"{review}/{what}?kept=1"
    if what == "self-assessment":
        return SA_DRAFT, forms.raw_from_form(SA_GROUPS, form), f"{review}/self-assessment?kept=1"
    if what == "peer-review":
        return PR_DRAFT, forms.raw_from_form(PR_GROUPS, form), f"{review}/peer-review?kept=1"
    if what in PAGE_STEPS or what == "respond":
        return STEP_DRAFT + what, typed_fields(form), f"{review}?kept={what}"
    return None, {}, ""
