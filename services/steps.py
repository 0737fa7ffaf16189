"""A person's step on a review: resolve who they are, send the update, record any refusal."""

from __future__ import annotations

import asyncio
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DataError, IntegrityError
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from napreview.people.signing import signer
from napreview.schemas.members import Actor
from napreview.schemas.refusals import Param, Reason
from napreview.schemas.review import (
    Command,
    ReviewState,
    ReviewSummary,
    Stage,
    StepTaken,
    SubmitPeerReview,
    SubmitSelfAssessment,
    recommendation_keys,
)
from napreview.schemas.submissions import (
    SET_CONTEXT,
    DocumentKind,
    DocumentRef,
    PeerReview,
    SelfAssessment,
)
from napreview.services.errors import InvalidInput, NotFoundError, StepRefused
from napreview.services.refusals import acting, record_refusal
from napreview.store.errors import cannot_keep
from napreview.store.records import Store
from napreview.temporal.updates import execute_update
from napreview.workflows import contract
from napreview.workflows.review_steps import waiting_for

M = TypeVar("M", bound=BaseModel)
State = TypeVar("State")


# A submitted document is a few kilobytes; anything far larger is not one.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_JSON_DEPTH = 32


def read_document(path: Path, model: type[M]) -> M:
    """Read and validate a submitted JSON file; every problem is named by its field."""
    raw = read_json(path)
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        raise InvalidInput(describe_validation(path.name, err)) from None


def read_json(path: Path) -> object:
    """A JSON file a person gives, refused before reading when it is a directory, a device or
    pipe, or over 5 MB, and before parsing when nested deeper than any document (a bomb)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InvalidInput(f"There is no file {path}.") from None
    except OSError as err:
        raise InvalidInput(f"{path} cannot be read: {err.strerror}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInput(f"{path} is not a file (a folder or a device); give a JSON file.")
    if info.st_size > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            f"{path} is {info.st_size // (1024 * 1024)} MB; a document may be at most 5 MB."
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
        return parse_json(data.decode("utf-8"))
    except OSError as err:
        raise InvalidInput(f"{path} cannot be read: {err.strerror}.") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text.") from None
    except ValueError as err:
        raise InvalidInput(f"{path} is not valid JSON: {err}") from None


def parse_json(text: str) -> object:
    """JSON, refused when nested deeper than MAX_JSON_DEPTH (checked before parsing)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                raise ValueError(f"it is nested more than {MAX_JSON_DEPTH} levels deep.")
        elif char in "]}":
            depth -= 1
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{err.msg} at line {err.lineno}, column {err.colno}.") from None


def describe_validation(what: str, err: ValidationError) -> str:
    lines = [f"{what} is not valid ({err.error_count()} problem(s)):"]
    for problem in err.errors():
        field = ".".join(str(p) for p in problem["loc"]) or "(the document)"
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"  - {field}: {message}")
    return "\n".join(lines)


def _stored_as_sent(
    store: Store, cycle: str, member: str, step: str, command: Command, ref: DocumentRef
) -> None:
    """A review takes a signed document without reading it again (patch 'documents-signed'),
    so the front end signs only a document the store holds as this step's: this review's,
    of the step's kind (``submit_<kind>``), sent by the person acting, with the same digest."""
    held = store.documents.get(ref.id)  # NotFoundError: nothing is sent
    if (
        held.sha256 != ref.sha256
        or (held.cycle, held.member) != (cycle, member)
        or step != f"submit_{held.kind.value}"
        or held.submitted_by != command.actor.ref
    ):
        raise InvalidInput(
            f"The document {ref.id} is not the one this step sends: it was stored for another "
            "review, step or person, or with another digest."
        )


async def review_step(
    client: Client,
    store: Store,
    cycle: str,
    member: str,
    step: str,
    command: Command,
) -> StepTaken:
    """Send a step as an update so a refusal reaches the person at once; record refusals.

    A validator's refusal never reaches Temporal's history, so it is kept in the store, where
    `review show` and `audit` find it. The store is written in a worker thread (here and in the
    other steps): the portal's event loop serves other people meanwhile.
    """
    document = getattr(command, "document", None)
    if isinstance(document, DocumentRef):
        await asyncio.to_thread(_stored_as_sent, store, cycle, member, step, command, document)
    workflow_id = contract.review_workflow_id(cycle, member)
    handle = client.get_workflow_handle(workflow_id)
    signed = signer().sign(step, workflow_id, command)
    try:
        return await execute_update(handle, f"do_{step}", signed, StepTaken)
    except WorkflowUpdateFailedError as err:
        cause = err.cause
        if isinstance(cause, ApplicationError) and cause.type == contract.REFUSED:
            why = refusal_of(cause)
            english = cause.message
            await asyncio.to_thread(
                record_refusal, store, cycle, member, command.actor, step, why, english=english
            )
            raise StepRefused(cause.message, why if isinstance(why, Reason) else None) from None
        raise
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND and closed_review(err):
            english, why = await closed_review_reason(client, store, cycle, member)
            await asyncio.to_thread(
                record_refusal, store, cycle, member, command.actor, step, why, english=english
            )
            raise StepRefused(english, why) from None
        if err.status == RPCStatusCode.NOT_FOUND:
            raise NotFoundError(
                f"There is no review of {member} in cycle {cycle}. "
                f"'napreview cycle status {cycle}' lists the reviews."
            ) from None
        raise


def refusal_of(error: ApplicationError) -> Reason | str:
    """A review's refusal as a code with parameters where its details carry one, else the
    English it answered with (reviews written before refusals had codes)."""
    for detail in error.details:
        if isinstance(detail, dict) and isinstance(detail.get("code"), str):
            try:
                return Reason.model_validate(detail)
            except ValidationError:
                continue
    return error.message


# What the server answers an update sent to a review that has closed, or that closed while the
# update waited to be taken: the review exists, it just takes nothing more.
CLOSED_ANSWERS = ("already completed", "aborted by closing workflow")


def closed_review(err: RPCError) -> bool:
    return any(answer in err.message for answer in CLOSED_ANSWERS)


async def settled(client: Client, answered: StepTaken, wait: float = 10.0) -> StepTaken:
    """Where the review stands once a step has taken effect, and what it waits for next.

    A review started since patch ``answer-when-settled`` says so in its answer, except while its
    CEDAW check runs: that takes moments, but the review never holds a person's answer on its
    own work (an outage could hold it for hours), so the check is waited out here, up to
    ``wait`` seconds, asking the ``state`` query. An older review answered where it stood right
    after its handler ran (a self-assessment's answer still said self-assessment), so it is
    asked the same way. Should the query fail, the answer stands.
    """
    if answered.settled and answered.stage is not Stage.CEDAW_CHECK:
        return answered
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        try:
            state = await review_state(client, answered.cycle, answered.member)
        except Exception:  # the update's own answer stands
            return answered
        if state.stage is not Stage.CEDAW_CHECK or loop.time() >= deadline:
            return taken_from(state, answered)
        await asyncio.sleep(0.2)


def taken_from(state: ReviewState, answered: StepTaken) -> StepTaken:
    """An older review's answer, completed from its state."""
    waiting = waiting_for(state)
    return answered.model_copy(
        update={
            "stage": state.stage,
            "round": state.round,
            "deadline": state.deadline,
            "waits_for": waiting[0] if waiting else None,
            "due": waiting[1] if waiting else None,
            "extension": answered.extension or (state.extensions[-1] if state.extensions else None),
            "redraw": answered.redraw or (state.redraws[-1] if state.redraws else None),
            "unanswered": [
                k for k in recommendation_keys(state.reviewers) if k not in state.responses
            ],
            "settled": True,
        }
    )


async def closed_review_reason(
    client: Client, store: Store, cycle: str, member: str
) -> tuple[str, Reason]:
    """Why nothing more can change on a review whose workflow has closed: in English, and as a
    code with parameters."""
    handle = client.get_workflow_handle(
        contract.review_workflow_id(cycle, member), result_type=ReviewSummary
    )
    name = (await asyncio.to_thread(store.members.get, member)).name
    try:
        summary = await handle.result()
        description = await handle.describe()
    except Exception:  # closed in some other way (terminated by an operator)
        return (
            f"The review of {name} in cycle {cycle} has ended; nothing more can change.",
            Reason(code="review_ended", params={"member": member, "cycle": cycle}),
        )
    what = "approved" if summary.outcome is Stage.COMPLETED else "withdrawn"
    when = description.close_time
    on = f" on {when:%d %B %Y}" if when else ""
    params: dict[str, Param] = {"member": member, "cycle": cycle, "outcome": what}
    if when:
        params["on"] = when.date().isoformat()
    return (
        f"The review of {name} in cycle {cycle} was {what}{on}; nothing more can change.",
        Reason(code="review_closed", params=params),
    )


async def review_state(client: Client, cycle: str, member: str) -> ReviewState:
    """The review as its workflow answers now (not as it last published itself)."""
    workflow_id = contract.review_workflow_id(cycle, member)
    missing = f"There is no review of {member} in cycle {cycle}."
    return await workflow_state(client, workflow_id, ReviewState, missing)


async def workflow_state(
    client: Client, workflow_id: str, result_type: type[State], missing: str
) -> State:
    """A workflow's ``state`` query; NotFoundError(``missing``) when there is no such workflow."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        return await handle.query("state", result_type=result_type)
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            raise NotFoundError(missing) from None
        raise


async def submit_self_assessment(
    client: Client, store: Store, cycle: str, member: str, actor: Actor, assessment: SelfAssessment
) -> StepTaken:
    """Store the document, then ask the review to accept it by id and digest. It must answer
    its cycle's recommendation set, and the plan it describes fit the records, first (the review
    records the plan at its CEDAW check)."""
    code = (await asyncio.to_thread(store.members.get, member)).code
    try:
        assessment = await asyncio.to_thread(
            self_assessment_for, store, cycle, assessment.model_dump(mode="json")
        )
    except ValidationError as err:
        raise InvalidInput(describe_validation("The self-assessment", err)) from None
    try:
        await asyncio.to_thread(store.documents.check_nap_fits, code, assessment.nap)
    except (DataError, IntegrityError) as err:
        reason = cannot_keep(err)
        await asyncio.to_thread(
            record_refusal, store, cycle, code, actor, "submit_self_assessment", reason
        )
        raise StepRefused(reason) from None
    return await _submit(
        client,
        store,
        cycle,
        code,
        "submit_self_assessment",
        actor,
        lambda ref: SubmitSelfAssessment(actor=actor, document=ref),
        kind=DocumentKind.SELF_ASSESSMENT,
        body=assessment.model_dump(mode="json"),
    )


def self_assessment_for(store: Store, cycle: str, document: object) -> SelfAssessment:
    """A self-assessment checked against the recommendation set its cycle names. Checked at the
    door: a review started since patch 'documents-signed' takes a signed document without the
    accept_document activity that checks it for older reviews."""
    answers = store.cycles.recommendation_set(cycle)
    return SelfAssessment.model_validate(document, context={SET_CONTEXT: answers})


async def submit_peer_review(
    client: Client, store: Store, cycle: str, member: str, actor: Actor, review: PeerReview
) -> StepTaken:
    """The reviewer is the acting person's member."""
    code = (await asyncio.to_thread(store.members.get, member)).code
    if actor.member is None:
        why = Reason(code="no_member_to_review_for", params=acting(actor))
        said = await asyncio.to_thread(
            record_refusal, store, cycle, code, actor, "submit_peer_review", why
        )
        raise StepRefused(said, why)
    return await _submit(
        client,
        store,
        cycle,
        code,
        "submit_peer_review",
        actor,
        lambda ref: SubmitPeerReview(
            actor=actor, document=ref, recommendations=len(review.recommendations)
        ),
        kind=DocumentKind.PEER_REVIEW,
        body=review.model_dump(mode="json"),
        reviewer=actor.member,
    )


async def _submit(
    client: Client,
    store: Store,
    cycle: str,
    member: str,
    step: str,
    actor: Actor,
    command: Callable[[DocumentRef], Command],
    **document: Any,
) -> StepTaken:
    """A document is kept only if its review takes it: none is stored for a review that does
    not exist, and one the review refuses is removed again (no orphans from refusals or from
    retries). History carries its id and digest; the body stays in the store."""
    try:
        await client.get_workflow_handle(contract.review_workflow_id(cycle, member)).describe()
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            raise NotFoundError(
                f"There is no review of {member} in cycle {cycle}. "
                f"'napreview cycle status {cycle}' lists the reviews."
            ) from None
        raise
    ref = await asyncio.to_thread(
        store.documents.save, cycle=cycle, member=member, submitted_by=actor.ref, **document
    )
    try:
        taken = await review_step(client, store, cycle, member, step, command(ref))
    except (StepRefused, NotFoundError):
        await asyncio.to_thread(store.documents.delete, ref.id)
        raise
    # The review took it (since patch 'documents-signed' without an activity that would say
    # so): no sweep may remove it.
    await asyncio.to_thread(store.documents.take, ref.id)
    return taken


async def wait_for_review(
    client: Client,
    cycle: str,
    member: str,
    ready: Callable[[ReviewState], bool],
    timeout: float | None = None,
    interval: float = 0.1,
) -> ReviewState:
    """Query the review until ``ready(state)``: a review moves on its own timeline.

    A review not started yet (or not answering yet) is waited for too. Without a timeout this
    waits as long as it takes; with one it raises TimeoutError naming the last state seen.
    """
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + timeout
    last: ReviewState | None = None
    while deadline is None or loop.time() < deadline:
        try:
            last = await review_state(client, cycle, member)
            if ready(last):
                return last
        except Exception:  # not started, or not answering yet
            pass
        await asyncio.sleep(interval)
    raise TimeoutError(f"review of {member} in {cycle} never got there; last state: {last}")
