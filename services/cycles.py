"""Starting and cancelling a review cycle, and its status as Temporal's visibility sees it
(`cycle status --live`); the status from the store's read model is `overview.py`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from temporalio.api.workflowservice.v1 import ListWorkflowExecutionsRequest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from napreview.people.signing import signer
from napreview.schemas.members import Actor
from napreview.schemas.recommendations import UnknownSet, recommendation_set
from napreview.schemas.refusals import Reason
from napreview.schemas.review import (
    CycleCancel,
    CycleInput,
    CycleProgress,
    CycleSettings,
    Stage,
)
from napreview.schemas.text import today
from napreview.services.errors import InvalidInput, NotFoundError, StepRefused
from napreview.services.members import taking_part
from napreview.services.overview import CycleStatus, status_of
from napreview.services.refusals import record_refusal, require_secretariat
from napreview.services.steps import refusal_of
from napreview.store.records import Store
from napreview.temporal.updates import execute_update
from napreview.workflows import contract

if TYPE_CHECKING:
    from napreview.workflows.troika import TroikaDraw


async def start_cycle(
    client: Client,
    store: Store,
    settings: CycleSettings,
    task_queue: str,
    batch_size: int = 100,
    signed_at: datetime | None = None,
) -> str:
    """Check the request fully before anything starts, then start `cycle-<cycle>` once."""
    workflow_id, _draw = await start_cycle_with_draw(
        client, store, settings, task_queue, batch_size, signed_at
    )
    return workflow_id


async def start_cycle_with_draw(
    client: Client,
    store: Store,
    settings: CycleSettings,
    task_queue: str,
    batch_size: int = 100,
    signed_at: datetime | None = None,
) -> tuple[str, TroikaDraw]:
    """``start_cycle``, with the draw it checked (the one the cycle records: same members,
    same seed), so that the command line can say which rules it relaxed for whom.

    The whole start input is signed (the cycle checks it before anything else:
    workflows/start.py); ``signed_at``: the server's clock where it is not the wall clock, as on
    the time-skipping test server. The store is read and written in a worker thread: the
    portal's event loop serves other people meanwhile."""
    from napreview.workflows.troika import TroikaError, draw_troika

    started_by = settings.started_by
    await asyncio.to_thread(require_secretariat, store, started_by, "start_cycle", settings.cycle)
    try:
        recommendation_set(settings.recommendation_set)
    except UnknownSet as err:
        raise InvalidInput(f"--recommendation-set: {err}.") from None
    if settings.starts_on is None:
        settings = settings.model_copy(update={"starts_on": today()})
    assert settings.starts_on is not None
    members = await asyncio.to_thread(taking_part, store, settings.members, settings.starts_on)
    await asyncio.to_thread(store.members.get, settings.chair)
    try:
        draw = draw_troika(
            members,
            settings.seed,
            settings.reviewers_per_member,
            own_group=settings.own_group_requests,
        )
    except TroikaError as err:
        raise StepRefused(str(err)) from None
    workflow_id = contract.cycle_workflow_id(settings.cycle)
    if not settings.trusted_keys:
        settings = settings.model_copy(update={"trusted_keys": signer().public_keys()})
    try:
        # the workers check the start against it
        await asyncio.to_thread(store.front_end_keys.vouch_for, signer().public_keys())
        start = signer().sign(
            "start_cycle",
            workflow_id,
            CycleInput(settings=settings, batch_size=batch_size),
            at=signed_at,
        )
        await client.start_workflow(
            contract.CYCLE_WORKFLOW,
            start,
            id=workflow_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes(
                [SearchAttributePair(contract.NAP_CYCLE, settings.cycle)]
            ),
        )
    except WorkflowAlreadyStartedError:
        why = Reason(code="cycle_started", params={"cycle": settings.cycle})
        said = await asyncio.to_thread(
            record_refusal, store, settings.cycle, None, settings.started_by, "start_cycle", why
        )
        raise StepRefused(said, why) from None
    return workflow_id, draw


async def cancel_cycle(
    client: Client, store: Store, cycle: str, actor: Actor, reason: str
) -> CycleProgress:
    require_secretariat(store, actor, "cancel_cycle", cycle)
    workflow_id = contract.cycle_workflow_id(cycle)
    handle = client.get_workflow_handle(workflow_id)
    command = signer().sign("cancel_cycle", workflow_id, CycleCancel(actor=actor, reason=reason))
    try:
        return await execute_update(handle, "cancel", command, CycleProgress)
    except WorkflowUpdateFailedError as err:
        cause = err.cause
        if isinstance(cause, ApplicationError):
            why = refusal_of(cause)
            record_refusal(store, cycle, None, actor, "cancel_cycle", why, english=cause.message)
            raise StepRefused(cause.message, why if isinstance(why, Reason) else None) from None
        raise
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            raise NotFoundError(f"There is no cycle {cycle!r}.") from None
        raise


# Visibility pages as large as the server gives (SQL visibility caps a page at 1,000).
LIST_PAGE_SIZE = 1000


async def _search_attributes(client: Client, query: str) -> AsyncIterator[dict[str, Any]]:
    """The search attributes of every execution a visibility query finds, page by page.

    Read straight from the service's answer: building a WorkflowExecution for each of ten
    thousand reviews (memo, typed attributes, times) costs seconds; this costs milliseconds.
    Search attribute values are JSON (the default converter's encoding for them).
    """
    token = b""
    while True:
        page = await client.workflow_service.list_workflow_executions(
            ListWorkflowExecutionsRequest(
                namespace=client.namespace,
                query=query,
                page_size=LIST_PAGE_SIZE,
                next_page_token=token,
            ),
            # As the client's own listing does: a busy server's "Max QPS Reached" is waited
            # out, not shown (10 pages at 10,000 reviews met it one call in three).
            retry=True,
        )
        for execution in page.executions:
            fields = execution.search_attributes.indexed_fields
            yield {name: json.loads(payload.data) for name, payload in fields.items()}
        token = page.next_page_token
        if not token:
            return


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


async def cycle_status(
    client: Client,
    store: Store,
    cycle: str,
    stage: Stage | None = None,
    overdue: bool = False,
    readable: set[str] | None = None,
) -> CycleStatus:
    """Answered from Temporal visibility (the search attributes), with rounds and reviewers
    from the store. ``readable``: only these members' reviews are counted and listed (a focal
    point's scope, ``access.readable_reviews``); None: the whole cycle.

    One listing serves the counts and the lines (filtered here): at ten thousand reviews a
    second listing costs seconds, and the counts must cover the whole cycle anyway. A review
    that continued as new is listed once per run: only its latest run counts.
    """
    query = (
        f"WorkflowType = '{contract.REVIEW_WORKFLOW}' AND NapCycle = {_quote(cycle)} "
        "AND ExecutionStatus != 'ContinuedAsNew'"
    )
    counts: dict[str, int] = {s.value: 0 for s in Stage}
    found: list[tuple[str, Stage, bool]] = []
    async for attrs in _search_attributes(client, query):
        at = attrs.get(contract.NAP_STAGE.name)
        if readable is not None and attrs.get(contract.NAP_MEMBER.name) not in readable:
            continue
        if at:
            counts[at] = counts.get(at, 0) + 1
        found.append(
            (
                attrs.get(contract.NAP_MEMBER.name) or "",
                Stage(at or Stage.SELF_ASSESSMENT.value),
                bool(attrs.get(contract.NAP_OVERDUE.name)),
            )
        )
    if not found and not store.cycles.exists(cycle):
        raise NotFoundError(f"There is no cycle {cycle!r}.")
    wanted = [
        (member, at, late)
        for member, at, late in found
        if (stage is None or at is stage) and (late or not overdue)
    ]
    return status_of(store, cycle, counts, wanted)


async def wait_until_recorded(store: Store, cycle: str, timeout: float = 15.0) -> bool:
    """Wait until a cycle just started is in the store (its first activity records it), so
    that what reads the store next finds it; False if no worker recorded it in time."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not await asyncio.to_thread(store.cycles.exists, cycle):
        if loop.time() >= end:
            return False
        await asyncio.sleep(0.1)
    return True
