"""Replaying a recorded history against the current workflow code (DESIGN §8 `--verify`).

A replay proves that the code a worker runs today would make the same decisions the history
records; a change that breaks running reviews fails here first. The same replay tells which
signals the workflow refused: a signal handler cannot answer its sender, so its refusal lives
only in the workflow's state, which the replay rebuilds without any server.

Workers run the SDK inside napreview's update-order shim for sdk-python #1591
(temporal/update_order.py), and so does `replay`, whose result is the verdict. `--verify` also
replays under the SDK alone (`replay_without_shim`), which says whether a history needs the shim:
the day every history replays without it, the shim can go (README, "The update-order shim").

The history must have readable payloads: an encrypted one is decrypted first
(audit/payloads.py), so the replay needs no codec.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import (
    HandleSignalInput,
    Interceptor,
    Replayer,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from napreview.audit.model import SignalOutcome
from napreview.temporal.refusal_logs import install as one_line_refusals
from napreview.temporal.update_order import from_history, napreview_runner, sandbox_runner
from napreview.workflows import contract
from napreview.workflows.cycle import CycleWorkflow
from napreview.workflows.follow_up import FollowUpWorkflow
from napreview.workflows.review import MemberReviewWorkflow

WORKFLOWS: tuple[type, ...] = (CycleWorkflow, MemberReviewWorkflow, FollowUpWorkflow)


@dataclass(frozen=True)
class ReplayReport:
    workflow_id: str
    run_id: str
    deterministic: bool
    error: str | None
    signals: tuple[SignalOutcome, ...] = field(default=())


async def replay(history: WorkflowHistory, workflows: Sequence[type] = WORKFLOWS) -> ReplayReport:
    """Replay one history in the workflow sandbox, as a worker would, and report."""
    one_line_refusals()  # a signal the SDK cannot decode is one log line here too
    runner = napreview_runner(from_history(history))
    while True:
        # A replay that fails may teach the shim which updates ran late (temporal/
        # update_order.py); it is then replayed again, as a worker would retry the task.
        learned = runner.learned(history.workflow_id, history.run_id)
        watch = _SignalWatch()
        replayer = Replayer(
            workflows=list(workflows),
            data_converter=pydantic_data_converter,
            interceptors=[watch],
            workflow_runner=runner,
        )
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        if (
            result.replay_failure is None
            or runner.learned(history.workflow_id, history.run_id) == learned
        ):
            break
    return ReplayReport(
        workflow_id=history.workflow_id,
        run_id=history.run_id,
        deterministic=result.replay_failure is None,
        error=_described(result.replay_failure),
        signals=tuple(
            SignalOutcome(
                signal=s.signal,
                finished=s.finished,
                refusals=tuple(s.refusals),
                senders=tuple(s.senders),
            )
            for s in watch.outcomes
        ),
    )


async def replay_without_shim(
    history: WorkflowHistory, workflows: Sequence[type] = WORKFLOWS
) -> str | None:
    """Why the history does not replay under the SDK alone, in the same sandbox but without the
    update-order shim; None when it does."""
    replayer = Replayer(
        workflows=list(workflows),
        data_converter=pydantic_data_converter,
        workflow_runner=sandbox_runner(),
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    return _described(result.replay_failure)


def _described(failure: Exception | None) -> str | None:
    return f"{type(failure).__name__}: {failure}" if failure else None


def history_from_json(text: str, workflow_id: str | None = None) -> WorkflowHistory:
    """A history from Temporal's JSON; without an id, the id the napreview workflow had."""
    data = json.loads(text)
    return WorkflowHistory.from_json(workflow_id or workflow_id_of(data), data)


def workflow_id_of(history: dict[str, Any]) -> str:
    """`review-<cycle>-<member>` or `cycle-<cycle>`, read from the recorded start input."""
    first = WorkflowHistory.from_json("unknown", {"events": history["events"][:1]}).events[0]
    attrs = first.workflow_execution_started_event_attributes
    kind = attrs.workflow_type.name
    values = pydantic_data_converter.payload_converter.from_payloads(
        list(attrs.input.payloads), None
    )
    value = values[0] if values else {}
    if kind == contract.REVIEW_WORKFLOW:
        return contract.review_workflow_id(value["cycle"], value["member"]["code"])
    if kind == contract.CYCLE_WORKFLOW:
        return contract.cycle_workflow_id(value["settings"]["cycle"])
    if kind == contract.FOLLOW_UP_WORKFLOW:
        return contract.follow_up_workflow_id(value["cycle"], value["member"])
    return f"{kind}-replayed"


@dataclass
class _Outcome:
    signal: str
    finished: bool = False
    refusals: list[str] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)


class _SignalWatch(Interceptor):
    """Notes, for each signal in history order, whether the workflow recorded a refusal for it.

    A signal's handler runs in an asyncio task of its own, and may wait (for the lock, for an
    activity) while other signals are refused: a refusal is credited to the signal whose task
    recorded it, never to whichever signal happened to be in flight.
    """

    def __init__(self) -> None:
        self.outcomes: list[_Outcome] = []

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        outcomes = self.outcomes

        class _Inbound(WorkflowInboundInterceptor):
            async def handle_signal(self, input: HandleSignalInput) -> None:
                outcome = _Outcome(signal=input.signal)
                outcomes.append(outcome)
                instance = workflow.instance()
                watching = _watch_refusals(instance)
                task = asyncio.current_task()
                before = _rejected(instance)
                if watching is not None and task is not None:
                    watching[task] = outcome
                try:
                    await super().handle_signal(input)
                finally:
                    if watching is not None and task is not None:
                        watching.pop(task, None)
                outcome.finished = True
                if watching is None:  # a workflow that records refusals some other way
                    new = [r for r in _rejected(instance) if not any(r is b for b in before)]
                    new = [r for r in new if getattr(r, "step", None) == input.signal]
                    outcome.refusals = [r.reason for r in new]
                    outcome.senders = [r.actor for r in new]

        return _Inbound


_WATCH = "_napreview_audit_watch"


def _watch_refusals(instance: Any) -> dict[asyncio.Task[Any], _Outcome] | None:
    """Wrap the review's ``_record_refusal`` (once per instance, in this replay only) so each
    refusal lands on the outcome of the signal whose task recorded it."""
    watching = getattr(instance, _WATCH, None)
    if watching is not None:
        return watching
    record = getattr(instance, "_record_refusal", None)
    if not callable(record):
        return None
    watching = {}

    def recording(step: str, actor: str, reason: Any) -> None:
        record(step, actor, reason)
        task = asyncio.current_task()
        outcome = watching.get(task) if task is not None else None
        if outcome is not None:
            outcome.refusals.append(_rejected(instance)[-1].reason)
            outcome.senders.append(actor)

    instance._record_refusal = recording
    setattr(instance, _WATCH, watching)
    return watching


def _rejected(instance: Any) -> list[Any]:
    """The refusals a workflow keeps: the review's in its state, the cycle's beside it."""
    rejected = getattr(getattr(instance, "state", None), "rejected", None)
    if rejected is None:
        rejected = getattr(instance, "rejected", None)
    return list(rejected) if isinstance(rejected, list) else []
