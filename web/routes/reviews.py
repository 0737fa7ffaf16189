"""One review: the whole dossier and its actions, the self-assessment and peer-review forms
(built from the schemas, with drafts), the NAP file, the timeline and the export.

Every step is the command line's: the same operation, update, validator and recorded refusal.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from napreview.audit.words import localized
from napreview.i18n.translator import translator
from napreview.schemas.attachments import AttachmentKind
from napreview.schemas.members import Actor, Role
from napreview.schemas.refusals import Reason
from napreview.schemas.review import (
    Command,
    Extend,
    ReviewerStatus,
    Stage,
)
from napreview.schemas.submissions import (
    PeerReview,
    RecommendationResponse,
    SelfAssessment,
)
from napreview.services import (
    access,
    attachments,
    conversation,
    documents,
    follow_up,
    next_cycle,
    steps,
    users,
)
from napreview.services import audit as audit_ops
from napreview.services import members as member_ops
from napreview.services.errors import NotFoundError, StepRefused
from napreview.web import forms
from napreview.web.web import (
    ChangeFormDep,
    PageNotFound,
    PersonDep,
    Visitor,
    keep_session_cookie,
    portal_of,
    render,
    see_other,
)
from napreview.workflows.review_steps import STEPS, extended_deadlines

router = APIRouter()
log = logging.getLogger("napreview.portal")

SA_GROUPS = forms.groups_for(SelfAssessment)
PR_GROUPS = forms.groups_for(PeerReview)
SA_DRAFT, PR_DRAFT = "self_assessment", "peer_review"
STEP_DRAFT = "step:"  # a step's fields kept after a session ended (web/kept.py), per step
# The steps a person takes with a small form on the review page, by their names in the table of
# steps (workflows/review_steps.STEPS), posted to /reviews/{cycle}/{member}/{step}; the answers to
# the peer recommendations have a form of their own.
PAGE_STEPS = frozenset(name for name, step in STEPS.items() if step.on_review_page)
# The steps that cannot be undone, done only once the person confirmed what they will do; the
# fields their forms post (carried through the confirmation page).
CONFIRMED_STEPS = frozenset(
    {"sign_off", "withdraw", "replace_reviewer", "reassign_reviewer", "recuse", "extend"}
)
STEP_FIELDS = ("decision", "comments", "reason", "reviewer", "days")
# What a redirect after a step may say was done (anything else in ?done= is ignored).
_DONE = PAGE_STEPS | {"self_assessment", "peer_review", "respond", "comment", "attach"}


def member_code(request: Request, member: str) -> str:
    found = member_ops.find(portal_of(request).store, member)
    if found is None:
        raise PageNotFound()
    return found.code


async def dossier_of(request: Request, v: Visitor, cycle: str, code: str) -> documents.Dossier:
    portal = portal_of(request)
    assert v.actor is not None
    try:
        return await documents.dossier(await portal.client(), portal.store, v.actor, cycle, code)
    except (access.ReadRefused, NotFoundError):
        raise PageNotFound() from None


def _is_own(actor: Actor, code: str) -> bool:
    return actor.role is Role.FOCAL_POINT and actor.member == code


def _active_slot(d: documents.Dossier, member: str | None) -> bool:
    return any(s.member == member and s.status is ReviewerStatus.ACTIVE for s in d.state.reviewers)


def _sa_due(d: documents.Dossier) -> bool:
    s = d.state
    return s.stage is Stage.SELF_ASSESSMENT and len(s.self_assessments) < s.round


# --------------------------------------------------------------------------- the review page


@router.get("/reviews/{cycle}/{member}")
async def review_page(
    request: Request, cycle: str, member: str, v: PersonDep, done: str = "", kept: str = ""
) -> Response:
    code = await run_in_threadpool(member_code, request, member)
    d = await dossier_of(request, v, cycle, code)
    typed: dict[str, Any] = {}
    if kept in PAGE_STEPS or kept == "respond":
        portal = portal_of(request)
        found = await run_in_threadpool(
            documents.draft, portal.store, v.email, cycle, code, STEP_DRAFT + kept
        )
        typed = {kept: found[0]} if found else {}
    return await run_in_threadpool(
        review_with, request, v, d, done=done if done in _DONE else "", kept=typed
    )


def review_with(
    request: Request,
    v: Visitor,
    d: documents.Dossier,
    *,
    done: str = "",
    error: str = "",
    reason: Reason | None = None,
    kept: dict[str, Any] | None = None,
    status: int = 200,
    **extra: Any,
) -> Response:
    """The review page; ``extra``: what a form beside it says back (its typed text, its
    problem), for the pages of the conversation and the files."""
    portal = portal_of(request)
    assert v.actor is not None
    state = d.state
    code = state.member
    context: dict[str, Any] = {
        "d": d,
        "s": state,
        "code": code,
        "member": member_ops.get(portal.store, code),
        "own": _is_own(v.actor, code),
        "reviewer": v.actor.role is Role.FOCAL_POINT and _active_slot(d, v.actor.member),
        "sa_due": _sa_due(d),
        "files": attachments.files(portal.store, v.actor, state.cycle, code),
        "may_attach": attachments.may_attach(v.actor, code) and not state.stage.terminal,
        "comments": conversation.thread(portal.store, v.actor, state.cycle, code),
        "may_comment": conversation.may_comment(portal.store, v.actor, state.cycle, code),
        "kinds": list(AttachmentKind),
        "max_mb": portal.options.max_upload_mb,
        "active": [r for r in state.reviewers if r.status is ReviewerStatus.ACTIVE],
        "done": done,
        "kept": kept or {},  # a step's fields kept after the session had ended, to send again
        "error": error,
        "refusal_reason": reason,  # the refusal's code, to say it in the reader's language
        "reads_all": access.reads_everything(v.actor),
        "can_audit": access.can_audit(v.actor, code),
        "can_change": access.may_change(v.actor),
        "has_follow_up": follow_up.exists(portal.store, state.cycle, code),
        # History names people by opaque id; the store says who they are.
        "people": users.emails(portal.store, [so.by for so in d.sign_offs])
        if access.reads_everything(v.actor)
        else {},
        **extra,
    }
    return render(request, "review.html", context, status=status)


# --------------------------------------------------------------------------- documents


def _start_values(request: Request, v: Visitor, d: documents.Dossier) -> dict[str, Any]:
    """Where a form starts: the draft, else the last submitted self-assessment (a revision),
    else the member's last NAP on record, else nothing."""
    portal = portal_of(request)
    assert v.actor is not None
    saved = documents.draft(portal.store, v.email, d.state.cycle, d.state.member, SA_DRAFT)
    if saved:
        return saved[0]
    if d.self_assessments:
        return forms.raw_from_document(SA_GROUPS, d.self_assessments[-1].body, v.language)
    nap = member_ops.latest_nap(portal.store, d.state.member)
    if nap is not None:
        return forms.raw_from_document(SA_GROUPS, {"nap": nap.model_dump(mode="json")}, v.language)
    return {}


@router.get("/reviews/{cycle}/{member}/self-assessment")
async def self_assessment_page(
    request: Request, cycle: str, member: str, v: PersonDep, round: int | None = None
) -> Response:
    code = await run_in_threadpool(member_code, request, member)
    d = await dossier_of(request, v, cycle, code)
    assert v.actor is not None
    if _is_own(v.actor, code) and _sa_due(d) and round is None:
        start = await run_in_threadpool(_start_values, request, v, d)
        return await run_in_threadpool(_sa_form, request, v, d, start)
    if not d.self_assessments:
        raise PageNotFound()
    number = round or len(d.self_assessments)
    if not 1 <= number <= len(d.self_assessments):
        raise PageNotFound()
    shown = d.self_assessments[number - 1]
    portal = portal_of(request)
    assert v.actor is not None
    nap_files = await run_in_threadpool(attachments.files, portal.store, v.actor, cycle, code)
    return await run_in_threadpool(
        render,
        request,
        "self_assessment.html",
        {
            "d": d,
            "code": code,
            "doc": shown,
            "sa": SelfAssessment.model_validate(shown.body),
            "nap_files": nap_files,
            # What became of the recommendations of the member's earlier reviews.
            "previous": await run_in_threadpool(
                next_cycle.previous_items, portal.store, code, cycle
            ),
        },
    )


def _sa_form(
    request: Request,
    v: Visitor,
    d: documents.Dossier,
    raw: dict[str, Any],
    *,
    problems: list[forms.Problem] | None = None,
    saved: Any = None,
    pdf_error: str | None = None,
    json_error: str | None = None,
    changed: bool = False,
    status: int = 200,
) -> Response:
    portal = portal_of(request)
    assert v.actor is not None
    draft = documents.draft(portal.store, v.email, d.state.cycle, d.state.member, SA_DRAFT)
    return render(
        request,
        "self_assessment_form.html",
        {
            "d": d,
            "code": d.state.member,
            "groups": SA_GROUPS,
            "raw": raw,
            "problems": problems or [],
            "by_path": {p.path: p for p in problems or [] if p.path},
            "saved": saved or (draft[1] if draft else None),
            "pdf_error": pdf_error,
            "json_error": json_error,
            "changed": changed,
            "kept": request.query_params.get("kept") == "1",
            "nap_files": attachments.files(portal.store, v.actor, d.state.cycle, d.state.member),
            "max_mb": portal.options.max_upload_mb,
        },
        status=status,
    )


@router.post("/reviews/{cycle}/{member}/self-assessment")
async def self_assessment_post(
    request: Request, cycle: str, member: str, v: PersonDep, form: ChangeFormDep
) -> Response:
    """Save the draft (also the page's own autosave), or check the form and show what will be
    submitted for the person to confirm, or, once confirmed, submit the draft confirmed."""
    code = await run_in_threadpool(member_code, request, member)
    d = await dossier_of(request, v, cycle, code)
    assert v.actor is not None
    if not _is_own(v.actor, code):
        raise PageNotFound()
    portal = portal_of(request)
    action = str(form.get("action") or "draft")
    if action == "confirm":
        return await _confirmed(request, v, d, form, SA_DRAFT)
    raw = forms.raw_from_form(SA_GROUPS, form)
    if action == "autosave":
        return await _autosaved(request, v, d, SA_DRAFT, raw)
    pdf = form.get("nap_pdf")
    pdf_error = None
    if isinstance(pdf, UploadFile) and pdf.filename:
        try:
            await run_in_threadpool(
                attachments.attach,
                portal.store,
                v.actor,
                cycle,
                code,
                AttachmentKind.NAP,
                pdf.filename,
                await pdf.read(),
                content_type=pdf.content_type,
                limit_mb=portal.options.max_upload_mb,
            )
        except attachments.UnfitFile as unfit:
            pdf_error = "too_large" if unfit.problem == "too_large" else "not_pdf"
    json_error = None
    if action == "upload":
        document, json_error = await _uploaded(form)
        if document is not None:
            try:  # the file as the command line checks it (a set's ids the form does not ask)
                await run_in_threadpool(
                    steps.self_assessment_for, portal.store, d.state.cycle, document
                )
            except ValidationError as err:
                raw = forms.raw_from_document(SA_GROUPS, document, v.language)
                reading = forms.Reading(document, v.language)
                return await run_in_threadpool(
                    _sa_form,
                    request,
                    v,
                    d,
                    raw,
                    problems=forms.problems(SA_GROUPS, reading, err),
                    json_error="invalid",
                    status=422,
                )
            raw = forms.raw_from_document(SA_GROUPS, document, v.language)
    saved = await run_in_threadpool(
        documents.save_draft, portal.store, v.email, cycle, code, SA_DRAFT, raw
    )
    if action not in ("submit", "upload") or pdf_error or json_error:
        status = 422 if pdf_error or json_error else 200
        return await run_in_threadpool(
            _sa_form,
            request,
            v,
            d,
            raw,
            saved=saved,
            pdf_error=pdf_error,
            json_error=json_error,
            status=status,
        )
    return await _to_confirm(request, v, d, SA_DRAFT, raw, saved, uploaded=action == "upload")


async def _uploaded(form: Any) -> tuple[dict[str, Any] | None, str | None]:
    """The JSON file's document, or what is wrong with the file."""
    upload = form.get("document_json")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None, "missing"
    try:
        # Checked as the command line checks a file: nesting too deep is refused unparsed.
        document = steps.parse_json((await upload.read()).decode("utf-8"))
    except ValueError:  # not UTF-8, not JSON, or nested deeper than any document
        return None, "not_json"
    return (document if isinstance(document, dict) else {}), None


# --------------------------------------------------------------------------- confirming a document
# A document is submitted for good in two posts: the form is checked and saved as the draft, and
# the page shown says what will happen with the numbers as read; its button submits that draft,
# named by its fingerprint, so what is submitted is what the person saw (not a later autosave).


def _fingerprint(raw: dict[str, Any], language: str) -> str:
    """The draft's values and the language its numbers are read in."""
    typed = json.dumps([raw, language], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(typed.encode()).hexdigest()


def _read(
    store: Any, d: documents.Dossier, kind: str, raw: dict[str, Any], language: str
) -> tuple[forms.Reading, Any, list[forms.Problem]]:
    """The form read and checked as the command line checks the document: the document model
    (None if refused) and the problems beside their fields."""
    groups = SA_GROUPS if kind == SA_DRAFT else PR_GROUPS
    reading = forms.document_from_raw(groups, raw, language)
    try:
        if kind == SA_DRAFT:
            model: Any = steps.self_assessment_for(store, d.state.cycle, reading.document)
        else:
            model = PeerReview.model_validate(reading.document)
    except ValidationError as err:
        return reading, None, forms.problems(groups, reading, err)
    found = forms.problems(groups, reading)
    return reading, (None if found else model), found


def _form(
    request: Request, v: Visitor, d: documents.Dossier, kind: str, raw: dict[str, Any], **kw: Any
) -> Response:
    return (_sa_form if kind == SA_DRAFT else _pr_form)(request, v, d, raw, **kw)


async def _to_confirm(
    request: Request,
    v: Visitor,
    d: documents.Dossier,
    kind: str,
    raw: dict[str, Any],
    saved: Any,
    *,
    uploaded: bool = False,
) -> Response:
    store = portal_of(request).store
    reading, model, found = await run_in_threadpool(_read, store, d, kind, raw, v.language)
    if model is None:
        json_error = "invalid" if uploaded else None
        extra = {"json_error": json_error} if kind == SA_DRAFT else {}
        return await run_in_threadpool(
            _form, request, v, d, kind, raw, problems=found, saved=saved, status=422, **extra
        )
    groups = SA_GROUPS if kind == SA_DRAFT else PR_GROUPS
    return await run_in_threadpool(
        render,
        request,
        "confirm.html",
        {
            "what": kind,
            "cycle": d.state.cycle,
            "code": d.state.member,
            "s": d.state,
            "post_to": f"/reviews/{d.state.cycle}/{d.state.member}/{kind.replace('_', '-')}",
            "back": f"/reviews/{d.state.cycle}/{d.state.member}/{kind.replace('_', '-')}",
            "fields": {"action": "confirm", "fingerprint": _fingerprint(raw, v.language)},
            "numbers": forms.numbers_read(groups, reading, raw),
            "document": model,
        },
    )


async def _confirmed(
    request: Request, v: Visitor, d: documents.Dossier, form: Any, kind: str
) -> Response:
    """Submit the draft the person confirmed; if it changed since (another tab), show the form
    again as it now stands, nothing submitted."""
    portal = portal_of(request)
    assert v.actor is not None
    cycle, code = d.state.cycle, d.state.member
    draft = await run_in_threadpool(documents.draft, portal.store, v.email, cycle, code, kind)
    raw = draft[0] if draft else {}
    if draft is None or str(form.get("fingerprint")) != _fingerprint(raw, v.language):
        return await run_in_threadpool(_form, request, v, d, kind, raw, changed=True, status=409)
    _, model, found = await run_in_threadpool(_read, portal.store, d, kind, raw, v.language)
    if model is None:
        return await run_in_threadpool(_form, request, v, d, kind, raw, problems=found, status=422)
    try:
        if kind == SA_DRAFT:
            await steps.submit_self_assessment(
                await portal.client(), portal.store, cycle, code, v.actor, model
            )
        else:
            await steps.submit_peer_review(
                await portal.client(), portal.store, cycle, code, v.actor, model
            )
    except StepRefused as refusal:
        return await run_in_threadpool(
            review_with, request, v, d, error=str(refusal), reason=refusal.reason, status=409
        )
    await run_in_threadpool(documents.drop_draft, portal.store, v.email, cycle, code, kind)
    return see_other(f"/reviews/{cycle}/{code}?done={kind}")


async def _autosaved(
    request: Request, v: Visitor, d: documents.Dossier, kind: str, raw: dict[str, Any]
) -> Response:
    """The page's autosave: the draft kept, and when, for the page to say so."""
    portal = portal_of(request)
    saved = await run_in_threadpool(
        documents.save_draft, portal.store, v.email, d.state.cycle, d.state.member, kind, raw
    )
    t = translator(v.language)
    said = t.gettext(
        "Draft saved {when}. You can come back to it at any time.", when=t.moment(saved)
    )
    response = JSONResponse({"saved": said, "seconds": v.session_seconds})
    if v.session_token:
        keep_session_cookie(request, response, v.session_token, v.session_seconds)
    return response


@router.get("/reviews/{cycle}/{member}/peer-review")
async def peer_review_page(
    request: Request, cycle: str, member: str, v: PersonDep, reviewer: str | None = None
) -> Response:
    code = await run_in_threadpool(member_code, request, member)
    d = await dossier_of(request, v, cycle, code)
    assert v.actor is not None
    portal = portal_of(request)
    if (
        v.actor.role is Role.FOCAL_POINT
        and d.state.stage is Stage.PEER_REVIEW
        and _active_slot(d, v.actor.member)
        and reviewer is None
    ):
        saved = await run_in_threadpool(
            documents.draft, portal.store, v.email, cycle, code, PR_DRAFT
        )
        return await run_in_threadpool(_pr_form, request, v, d, saved[0] if saved else {})
    readable = [p for p in d.peer_reviews if p.document is not None]
    if reviewer:
        readable = [p for p in readable if p.reviewer == reviewer.upper()]
    if not readable:
        raise PageNotFound()
    return await run_in_threadpool(
        render, request, "peer_reviews.html", {"d": d, "code": code, "reviews": readable}
    )


def _pr_form(
    request: Request,
    v: Visitor,
    d: documents.Dossier,
    raw: dict[str, Any],
    *,
    problems: list[forms.Problem] | None = None,
    saved: Any = None,
    changed: bool = False,
    status: int = 200,
) -> Response:
    portal = portal_of(request)
    assert v.actor is not None
    draft = documents.draft(portal.store, v.email, d.state.cycle, d.state.member, PR_DRAFT)
    sa = d.latest_self_assessment
    return render(
        request,
        "peer_review_form.html",
        {
            "d": d,
            "code": d.state.member,
            "groups": PR_GROUPS,
            "raw": raw,
            "problems": problems or [],
            "by_path": {p.path: p for p in problems or [] if p.path},
            "saved": saved or (draft[1] if draft else None),
            "sa": sa,
            "doc": d.self_assessments[-1] if d.self_assessments else None,
            "changed": changed,
            "kept": request.query_params.get("kept") == "1",
            "nap_files": attachments.files(portal.store, v.actor, d.state.cycle, d.state.member),
        },
        status=status,
    )


@router.post("/reviews/{cycle}/{member}/peer-review")
async def peer_review_post(
    request: Request, cycle: str, member: str, v: PersonDep, form: ChangeFormDep
) -> Response:
    """As the self-assessment's: the draft, the confirmation, then the review submitted."""
    code = await run_in_threadpool(member_code, request, member)
    d = await dossier_of(request, v, cycle, code)
    assert v.actor is not None
    portal = portal_of(request)
    action = str(form.get("action") or "draft")
    if action == "confirm":
        return await _confirmed(request, v, d, form, PR_DRAFT)
    raw = forms.raw_from_form(PR_GROUPS, form)
    if action == "autosave":
        return await _autosaved(request, v, d, PR_DRAFT, raw)
    saved = await run_in_threadpool(
        documents.save_draft, portal.store, v.email, cycle, code, PR_DRAFT, raw
    )
    if action != "submit":
        return await run_in_threadpool(_pr_form, request, v, d, raw, saved=saved)
    return await _to_confirm(request, v, d, PR_DRAFT, raw, saved)


# --------------------------------------------------------------------------- audit


async def _audit(
    request: Request, v: Visitor, cycle: str, member: str, what: str, follow_up: bool = False
) -> audit_ops.AuditView:
    """The audit trail through the same operation as `napreview audit`: auditors and the
    secretariat read every review's (and follow-up's), a focal point its own member's; anyone
    else, or a review that does not exist, is told the page does not exist (the refusal is
    recorded)."""
    assert v.actor is not None
    code = await run_in_threadpool(member_code, request, member)
    portal = portal_of(request)
    try:
        return await audit_ops.read_audit(
            await portal.client(),
            portal.store,
            v.actor,
            cycle,
            code,
            what=what,
            via=audit_ops.PORTAL,
            follow_up=follow_up,
        )
    except (access.ReadRefused, NotFoundError):
        raise PageNotFound() from None
    except audit_ops.AuditUnavailable as err:
        log.error("Audit of %s %s not shown: %s", cycle, code, err)
        raise


@router.get("/reviews/{cycle}/{member}/timeline")
async def timeline_page(request: Request, cycle: str, member: str, v: PersonDep) -> Response:
    return await _timeline(request, v, cycle, member, follow_up=False)


@router.get("/reviews/{cycle}/{member}/follow-up/timeline")
async def follow_up_timeline_page(
    request: Request, cycle: str, member: str, v: PersonDep
) -> Response:
    return await _timeline(request, v, cycle, member, follow_up=True)


async def _timeline(
    request: Request, v: Visitor, cycle: str, member: str, *, follow_up: bool
) -> Response:
    """A review's timeline, or its follow-up's: one page for both, in the reader's language."""
    view = await _audit(request, v, cycle, member, audit_ops.TIMELINE, follow_up)
    lang = v.language
    code = view.member
    assert v.actor is not None
    # The conversation is the store's, not Temporal's: beside the history, not in its digest.
    comments = (
        await run_in_threadpool(conversation.thread, portal_of(request).store, v.actor, cycle, code)
        if code and not follow_up
        else []
    )
    return await run_in_threadpool(
        render,
        request,
        "timeline.html",
        {
            "view": view,
            "t": localized(view.timeline, lang),
            "cycle": cycle,
            "code": code,
            "comments": comments,
            "follow_up": follow_up,
            "base": f"/reviews/{cycle}/{code}" + ("/follow-up" if follow_up else ""),
        },
    )


@router.get("/reviews/{cycle}/{member}/export")
async def export(request: Request, cycle: str, member: str, v: PersonDep) -> Response:
    return await _export(request, v, cycle, member, follow_up=False)


@router.get("/reviews/{cycle}/{member}/follow-up/export")
async def follow_up_export(request: Request, cycle: str, member: str, v: PersonDep) -> Response:
    return await _export(request, v, cycle, member, follow_up=True)


async def _export(
    request: Request, v: Visitor, cycle: str, member: str, *, follow_up: bool
) -> Response:
    """The bundle of `napreview audit --export`, zipped, named after the workflow."""
    view = await _audit(request, v, cycle, member, audit_ops.EXPORT, follow_up)
    data, digest = await run_in_threadpool(audit_ops.export_zip, portal_of(request).store, view)
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": (
                f'attachment; filename="{view.timeline.workflow_id}-export.zip"'
            ),
            "X-Export-Digest": digest,
        },
    )


# The steps' route comes last: the documents' own POST routes above must match first.
@router.post("/reviews/{cycle}/{member}/{action}")
async def review_action(
    request: Request, cycle: str, member: str, action: str, v: PersonDep, form: ChangeFormDep
) -> Response:
    if action not in PAGE_STEPS and action != "respond":
        raise PageNotFound()
    code = await run_in_threadpool(member_code, request, member)
    d = await dossier_of(request, v, cycle, code)
    portal = portal_of(request)
    assert v.actor is not None
    actor = v.actor
    if form.get("back") and (action in CONFIRMED_STEPS or action == "respond"):
        return await _went_back(request, v, d, action, form)
    client = await portal.client()
    try:
        if action == "respond":
            answers = {
                r.key: RecommendationResponse(str(form.get(f"answer-{r.key}")))
                for r in d.recommendations
                if form.get(f"answer-{r.key}") in ("supported", "noted")
            }
            if not answers:
                return await run_in_threadpool(
                    review_with, request, v, d, error="no_answers", status=422
                )
            if form.get("confirmed") != "yes":
                fields = {f"answer-{key}": answer.value for key, answer in answers.items()}
                chosen = [(r, answers[r.key]) for r in d.recommendations if r.key in answers]
                return await run_in_threadpool(
                    _confirm_step, request, d, action, fields, answers=chosen
                )
            await documents.respond(client, portal.store, cycle, code, actor, answers)
        else:
            command = _command(action, actor, form)
            if action in CONFIRMED_STEPS and form.get("confirmed") != "yes":
                fields = {n: str(form.get(n)) for n in STEP_FIELDS if form.get(n) is not None}
                moves = (
                    extended_deadlines(d.state, command.by) if isinstance(command, Extend) else []
                )
                return await run_in_threadpool(
                    _confirm_step, request, d, action, fields, moves=moves
                )
            await steps.review_step(client, portal.store, cycle, code, action, command)
    except StepRefused as refusal:
        d = await dossier_of(request, v, cycle, code)
        return await run_in_threadpool(
            review_with, request, v, d, error=str(refusal), reason=refusal.reason, status=409
        )
    except (ValidationError, ValueError):
        return await run_in_threadpool(review_with, request, v, d, error="invalid", status=422)
    await run_in_threadpool(
        documents.drop_draft, portal.store, v.email, cycle, code, STEP_DRAFT + action
    )
    return see_other(f"/reviews/{cycle}/{code}?done={action}")


async def _went_back(
    request: Request, v: Visitor, d: documents.Dossier, step: str, form: Any
) -> Response:
    """ "No, go back" on a step's confirmation: nothing done, and the step's form shown again
    as the person filled it in (kept as the step's draft, as after a session ended)."""
    cycle, code = d.state.cycle, d.state.member
    typed = {k: x for k, x in typed_fields(form).items() if k not in ("confirmed", "back")}
    await run_in_threadpool(
        documents.save_draft,
        portal_of(request).store,
        v.email,
        cycle,
        code,
        STEP_DRAFT + step,
        typed,
    )
    return see_other(f"/reviews/{cycle}/{code}?kept={step}")


def typed_fields(form: Any) -> dict[str, str]:
    """What a person typed or chose in a step's form: its text fields, the CSRF token aside."""
    return {
        name: value
        for name, value in form.multi_items()
        if isinstance(value, str) and name != "csrf_token"
    }


def _confirm_step(
    request: Request, d: documents.Dossier, step: str, fields: dict[str, str], **extra: Any
) -> Response:
    """What the step will do, said before it is done; its button posts the same fields again,
    confirmed, and "No, go back" posts them to be filled in again (``extra``: what the page
    shows of them: an extension's new deadlines, the answers to be recorded)."""
    cycle, code = d.state.cycle, d.state.member
    return render(
        request,
        "confirm.html",
        {
            "what": step,
            "cycle": cycle,
            "code": code,
            "s": d.state,
            "post_to": f"/reviews/{cycle}/{code}/{step}",
            "back": f"/reviews/{cycle}/{code}",
            "fields": {**fields, "confirmed": "yes"},
            "numbers": [],
            "document": None,
            "may_go_back": True,
            **extra,
        },
    )


def _command(step: str, actor: Actor, form: Any) -> Command:
    """The step's command from the form's fields of the same names (an extension's length is
    asked in days); what the form cannot say is refused by the command's model."""
    model = STEPS[step].command
    fields: dict[str, Any] = {
        name: str(form.get(name)).strip()
        for name in model.model_fields
        if name not in ("actor", "proof") and form.get(name) is not None
    }
    if step == "extend":
        fields["by"] = timedelta(days=int(str(form.get("days") or "0")))
    return model.model_validate({**fields, "actor": actor})
