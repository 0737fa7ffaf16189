"""A review whose workflow task keeps failing: how to see it, and the way out.

Why: when the worker cannot replay a review's history (a case like sdk-python #1591 that the
update-order shim does not cover yet), every workflow task of that review fails and is retried
for ever; every step then answers "Workflow Task in failed state" and the cycle never ends. The
review's state is intact in its history; what is needed is to run its code again from the last
workflow task that replays, which Temporal's reset does: a new run with the history up to that
task, the task run again by today's workers, and the signals and steps sent after it applied
again. The reset's reason, written into the review's history, records who repaired it and why.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.workflowservice.v1 import (
    GetWorkflowExecutionHistoryReverseRequest,
    ResetWorkflowExecutionRequest,
)
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

from napreview.audit import payloads
from napreview.schemas.members import Actor
from napreview.services.errors import NotFoundError, StepRefused
from napreview.services.refusals import require_secretariat
from napreview.store.records import Store
from napreview.workflows import contract

REPAIR = "repair_reviews"


@dataclass(frozen=True)
class TaskFailing:
    """A review's workflow task failing: how many attempts so far, since when, and the first
    failure's message when history holds one (later attempts are not written to history)."""

    attempts: int
    since: datetime | None
    reason: str | None

    def describe(self) -> str:
        if self.attempts == 0:  # found by a query or a replay before any task failed
            return (
                "its history does not replay with the current workers (every question to it "
                "fails, and so will its next workflow task)"
            )
        tries = f"{self.attempts} attempts so far" if self.attempts > 1 else "once so far"
        return f"its workflow task keeps failing ({tries})"

    def status_line(self, name: str, cycle: str, member: str) -> str:
        """What `review show` and `cycle status` say of a review that cannot move."""
        why = f" The workers report: {first_line(self.reason)}" if self.reason else ""
        return (
            f"The review of {name} cannot move: {self.describe()}. Steps sent to it wait or "
            "fail until it is repaired; the secretariat repairs it with: napreview review "
            f"repair {cycle} {member}.{why}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "attempts": self.attempts,
            "since": self.since.isoformat() if self.since else None,
            "reason": self.reason,
        }


async def task_failing(client: Client, workflow_id: str) -> TaskFailing | None:
    """Whether the review's workflow task is failing: the task waiting to run is a retry
    (attempt > 1), or the last event of its history is a failed task."""
    handle = client.get_workflow_handle(workflow_id)
    try:
        description = await handle.describe()
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
    raw = description.raw_description
    if description.status is not WorkflowExecutionStatus.RUNNING:
        return None
    if not raw.HasField("pending_workflow_task"):
        return None
    pending = raw.pending_workflow_task
    recent = await _last_events(client, workflow_id, 20)
    failures = [e for e in recent if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED]
    last_is_a_failure = bool(recent) and recent[0] in failures
    if pending.attempt <= 1 and not last_is_a_failure:
        return None
    since = (
        pending.original_scheduled_time.ToDatetime()
        if pending.HasField("original_scheduled_time")
        else None
    )
    reason = failures[0].workflow_task_failed_event_attributes.failure.message if failures else ""
    return TaskFailing(pending.attempt, since, reason or None)


def not_replaying(error: BaseException) -> TaskFailing | None:
    """A question to a review that failed because the worker could not replay its history
    (sdk-core's nondeterminism error): the review cannot move, though no task has failed yet."""
    message = str(getattr(error, "message", "") or error)
    if "TMPRL1100" not in message and "Nondeterminism" not in message:
        return None
    return TaskFailing(0, None, message)


async def failing_reviews(
    client: Client, cycle: str, members: Iterable[str], at_once: int = 16
) -> dict[str, TaskFailing]:
    """The reviews among ``members`` whose workflow task is failing, by member (one describe
    per review, ``at_once`` at a time)."""
    gate = asyncio.Semaphore(at_once)

    async def one(member: str) -> tuple[str, TaskFailing | None]:
        async with gate:
            return member, await task_failing(client, contract.review_workflow_id(cycle, member))

    found = await asyncio.gather(*(one(m) for m in members))
    return {member: failing for member, failing in found if failing is not None}


async def _last_events(client: Client, workflow_id: str, count: int) -> list[HistoryEvent]:
    """The history's last events, newest first (one call, however long the history)."""
    page = await client.workflow_service.get_workflow_execution_history_reverse(
        GetWorkflowExecutionHistoryReverseRequest(
            namespace=client.namespace,
            execution=WorkflowExecution(workflow_id=workflow_id),
            maximum_page_size=count,
        )
    )
    return list(page.history.events)


# sdk-core wraps the reason in its own debug text: `Failure { message: "the reason", ... }`.
_CORE_MESSAGE = re.compile(r'message: "((?:[^"\\]|\\.)*)"')


def first_line(text: str) -> str:
    """A failure's reason in one line of at most 300 characters, without the SDK's wrapping."""
    inner = _CORE_MESSAGE.search(text)
    text = inner.group(1) if inner else text
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 300 else line[:297] + "..."


@dataclass(frozen=True)
class Repaired:
    workflow_id: str
    reset_to: int  # the id of the last good workflow task's completion event
    run_id: str  # of the new run
    failing: TaskFailing
    replay_error: str | None  # why the history did not replay (None: it did)

    def describe(self, name: str) -> str:
        cause = (
            "the current workers cannot replay its history from event "
            f"{_failing_event(self.replay_error)}"
            if self.replay_error and _failing_event(self.replay_error)
            else "its last workflow task failed"
        )
        return (
            f"The review of {name} was stuck ({self.failing.describe()}; {cause}). It was "
            f"reset to its last good workflow task (event {self.reset_to}): the work after it "
            "runs again, and the steps and signals sent after it are applied again, in order. "
            "Nothing a person submitted is lost."
        )


# Where the replay failed: sdk-core names the event ("event_id: 51", "HistoryEvent(id: 33").
_EVENT_ID = re.compile(r"event_id: (\d+)|HistoryEvent\(id: (\d+)")


def _failing_event(error: str | None) -> int | None:
    found = _EVENT_ID.search(error or "")
    return int(found.group(1) or found.group(2)) if found else None


def last_good_task(history: WorkflowHistory, replay_error: str | None) -> int | None:
    """The completion event of the workflow task to reset to: the last task that began before
    the event the replay failed at (its commands are made again), or, when the history replays,
    the last completed task. None when there is none."""
    failing = _failing_event(replay_error)
    completed = [
        e.event_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
        and (failing is None or e.event_id < failing)
    ]
    return completed[-1] if completed else None


async def repair_review(
    client: Client, store: Store, actor: Actor, cycle: str, member: str
) -> Repaired:
    """Reset a stuck review to its last good workflow task (secretariat only)."""
    from napreview.audit.replay import replay  # the workers' own code and runner

    require_secretariat(store, actor, REPAIR, cycle, member)
    workflow_id = contract.review_workflow_id(cycle, member)
    name = store.members.get(member).name
    failing = await task_failing(client, workflow_id)
    if failing is None:
        await _exists(client, workflow_id, cycle, member)
    stored = await client.get_workflow_handle(workflow_id).fetch_history()
    history = await payloads.decoded(stored, client.data_converter.payload_codec)
    report = await replay(history)
    if failing is None and report.error is not None:
        # No task has failed yet, but the next one will (and every query fails already).
        failing = TaskFailing(0, None, report.error)
    if failing is None:
        raise StepRefused(
            f"The review of {name} is not stuck: its workflow task is not failing and its "
            "history replays. Nothing was changed."
        )
    point = last_good_task(history, report.error)
    if point is None:
        raise StepRefused(
            f"The review of {name} fails from its first workflow task; there is no good task "
            "to go back to. Nothing was changed."
        )
    # History keeps person ids, never addresses (schemas/members.py Actor).
    reason = (
        f"Repaired by {actor.describe()} with 'napreview review repair': {failing.describe()}"
        + (f"; {first_line(failing.reason)}" if failing.reason else "")
        + (f"; replay: {first_line(report.error)}" if report.error else "")
    )
    answer = await client.workflow_service.reset_workflow_execution(
        ResetWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=workflow_id, run_id=stored.run_id),
            reason=reason[:1000],
            workflow_task_finish_event_id=point,
            request_id=str(uuid.uuid4()),
            identity=f"napreview review repair, {actor.describe()}",
        )
    )
    return Repaired(workflow_id, point, answer.run_id, failing, report.error)


async def _exists(client: Client, workflow_id: str, cycle: str, member: str) -> None:
    try:
        await client.get_workflow_handle(workflow_id).describe()
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            raise NotFoundError(f"There is no review of {member} in cycle {cycle}.") from None
        raise
