"""Replay runs each update where its history recorded it, so no review gets stuck on replay.

Why: the SDK (temporalio 1.35; sdk-python #1591, open) does not always hand a workflow the same
work in the same order live and on replay. When a query reaches a worker that has not cached the
review while a workflow task is waiting (a worker was just killed), the SDK builds the review from
history to answer it and runs it past its last workflow task: an activity result that arrived
meanwhile is applied then. An update sent in that window then reaches the review in an activation
of its own, *after* that activity result, and history records the activity's consequences first,
then the update's acceptance. On replay the SDK hands both over in one activation and runs the
update first: "Nondeterminism error: Update machine does not handle this event", and the review can
never move again (the four histories under tests/histories/replay-after-worker-kill/).

What: a workflow runner around the SDK's, for the review workflow only (the one whose histories
showed the problem and were tested with it): every other workflow type gets the SDK's runner
untouched. Live it changes nothing. On replay, an update that the
history shows was accepted after other work of the same workflow task is applied after the other
jobs of its activation, as it was live; every other activation is passed through untouched, so
histories recorded in the SDK's own order replay exactly as before. Which updates ran late is read
from the history itself: given to the Replayer, fetched by the worker (only for an activation that
holds both an update and other work, which is rare).

History cannot always tell. An update whose handler waits for the review to settle is accepted
first and answered later in either order; when the activity results it was split from start
a timer before the review settles, the task reads "accepted, timer, answered" whichever order
ran live (the two reviews under tests/histories/settled-after-timer-up-killed/). So the runner
also learns from the replay itself: when a replay fails as nondeterministic right after an
activation of updates and other work that it left in the SDK's order, those updates are applied
after the other work the next time that run is replayed (the workflow task's retry on a worker,
the next attempt of :func:`napreview.audit.replay.replay`). A replay that fails either way fails
as before.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterable

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.bridge.proto.workflow_activation import RemoveFromCache, WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import (
    WorkflowInstance,
    WorkflowInstanceDetails,
    WorkflowRunner,
)
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions
from temporalio.workflow import _Definition

from napreview.workflows import contract

log = logging.getLogger("napreview.update_order")

# The events a workflow task's commands leave in history (sdk-core `is_command_event`).
_COMMAND_EVENTS = frozenset(
    {
        EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
        EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED,
        EventType.EVENT_TYPE_MARKER_RECORDED,
        EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
        EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
        EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
        EventType.EVENT_TYPE_TIMER_CANCELED,
        EventType.EVENT_TYPE_TIMER_STARTED,
        EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
        EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
        EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED,
        EventType.EVENT_TYPE_NEXUS_OPERATION_CANCEL_REQUESTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
    }
)
# An update's first answer: accepted (its handler then runs) or rejected.
_UPDATE_ANSWERS = frozenset(
    {
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED,
    }
)

# (workflow id, run id) -> ids of the updates that history shows ran after other work.
LateUpdates = Callable[[str, str], frozenset[str]]
Run = tuple[str, str]


def late_updates(events: Iterable[HistoryEvent]) -> frozenset[str]:
    """Ids of updates accepted, within one workflow task, after work the SDK's own order would
    have put after them.

    In the SDK's order an activation's new updates are accepted before anything else runs: the
    only work that may precede an acceptance in its task is that of the updates accepted before
    it in the same task (their handlers run in turn) and of the signals delivered for that task.
    Anything else (an activity result's consequences, and also the completion of an update
    accepted in an earlier task or a command of its handler, which only an earlier activation
    can have woken) means the task was handled live in two activations, as #1591 does.

    The server tags what a handler commanded with its update's or signal's id (event group
    markers). Where a history has no such tags (older servers), an update accepted after a
    command that is not an update event counts as late only if that task did not begin with an
    acceptance (then the command may be the handler's own).
    """
    events = list(events)
    tagged = any(e.event_group_markers for e in events)
    late: set[str] = set()
    task: list[HistoryEvent] | None = None
    signals: set[int] = set()  # signals delivered since the last task: handled in this one
    for event in [*events, None]:
        if task is not None and (event is None or event.event_type not in _COMMAND_EVENTS):
            late |= _late_in_task(task, tagged, signals)
            task = None
            signals = set()
        if event is None:
            break
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            task = []
        elif task is not None:
            task.append(event)
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            signals.add(event.event_id)
    return frozenset(late)


def _late_in_task(commands: list[HistoryEvent], tagged: bool, signals: set[int]) -> set[str]:
    """Updates accepted after other work of their task (see late_updates)."""
    late: set[str] = set()
    accepted_here: set[str] = set()
    other_work_before = False
    starts_with_update = bool(commands) and commands[0].event_type in _UPDATE_ANSWERS
    for event in commands:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            update = event.workflow_execution_update_accepted_event_attributes.protocol_instance_id
            if other_work_before and (tagged or not starts_with_update):
                late.add(update)
            accepted_here.add(update)
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            update = event.workflow_execution_update_completed_event_attributes.meta.update_id
            other_work_before |= update not in accepted_here
        elif event.event_type not in _UPDATE_ANSWERS and not (
            _by_an_update(event, accepted_here) or _by_a_signal(event, signals)
        ):
            other_work_before = True
    return late


def _by_an_update(event: HistoryEvent, accepted_here: set[str]) -> bool:
    return any(
        m.HasField("inbound_update") and m.inbound_update.inbound_update_id in accepted_here
        for m in event.event_group_markers
    )


def _by_a_signal(event: HistoryEvent, signals: set[int]) -> bool:
    return any(
        m.HasField("inbound_event") and m.inbound_event.inbound_event_id in signals
        for m in event.event_group_markers
    )


class UpdateOrderRunner(WorkflowRunner):
    """Wraps a workflow runner for the workflow types named; see the module docstring."""

    def __init__(
        self, inner: WorkflowRunner, late: LateUpdates, workflow_types: Iterable[str]
    ) -> None:
        self._inner = inner
        self._late = late
        self._types = frozenset(workflow_types)
        # Per run: updates a failed replay showed were applied late (see the module docstring).
        self._learned: dict[Run, frozenset[str]] = {}

    def learned(self, workflow_id: str, run_id: str) -> frozenset[str]:
        """The updates this runner learned to apply late in that run, from failed replays."""
        return self._learned.get((workflow_id, run_id), frozenset())

    def prepare_workflow(self, defn: _Definition) -> None:
        self._inner.prepare_workflow(defn)

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        instance = self._inner.create_instance(det)
        if det.defn.name not in self._types:
            return instance
        info = det.info
        run = (info.workflow_id, info.run_id)
        original = instance.activate
        known: dict[str, frozenset[str]] = {}
        # The updates that the activations of the last workflow task replayed (those of one
        # task share its history length) applied first, in the SDK's order, beside other work:
        # the suspects should the replay fail at the end of that task.
        task: dict[str, int] = {"length": -1}
        suspects: set[str] = set()

        def late_for_run() -> frozenset[str]:
            if "late" not in known:
                known["late"] = self._late(*run)
            return known["late"] | self._learned.get(run, frozenset())

        def activate(act: WorkflowActivation) -> WorkflowActivationCompletion:
            mixed = _mixed_updates(act)
            late = late_for_run() if mixed else frozenset()
            if _failed_replay(act):
                if suspects:
                    self._learned[run] = self._learned.get(run, frozenset()) | suspects
                    log.warning(
                        "Replaying %s failed after %d update(s) applied in the SDK's order; "
                        "its next replay applies them after the other work of their task",
                        info.workflow_id,
                        len(suspects),
                    )
            elif not act.is_replaying:  # live work: a failure now is not the replay's
                task["length"] = -1
                suspects.clear()
            else:
                if act.history_length != task["length"]:
                    task["length"] = act.history_length
                    suspects.clear()
                suspects.update(u for u in mixed.values() if u not in late)
            deferred = {index for index, update in mixed.items() if update in late}
            if not deferred:
                return original(act)
            first, second = WorkflowActivation(), WorkflowActivation()
            first.CopyFrom(act)
            second.CopyFrom(act)
            del first.jobs[:]
            del second.jobs[:]
            for index, job in enumerate(act.jobs):
                (second if index in deferred else first).jobs.append(job)
            log.info(
                "Replaying %s: %d update(s) applied after the other work of their task, "
                "as history recorded them",
                info.workflow_id,
                len(deferred),
            )
            return _merged(original(first), original(second))

        instance.activate = activate  # type: ignore[method-assign]
        return instance


def _mixed_updates(act: WorkflowActivation) -> dict[int, str]:
    """The update jobs (index: update id) of a replayed activation that holds updates and other
    work; empty for any other activation, which the shim passes through untouched."""
    if not act.is_replaying:
        return {}
    updates = {
        index: job.do_update.protocol_instance_id
        for index, job in enumerate(act.jobs)
        if job.HasField("do_update")
    }
    return updates if len(updates) < len(act.jobs) else {}


def _failed_replay(act: WorkflowActivation) -> bool:
    """An eviction because the replay did not match history."""
    return any(
        job.HasField("remove_from_cache")
        and job.remove_from_cache.reason == RemoveFromCache.EvictionReason.NONDETERMINISM
        for job in act.jobs
    )


def _merged(
    first: WorkflowActivationCompletion, second: WorkflowActivationCompletion
) -> WorkflowActivationCompletion:
    if first.HasField("failed"):
        return first
    if second.HasField("failed"):
        return second
    merged = WorkflowActivationCompletion()
    merged.CopyFrom(first)
    merged.successful.commands.extend(second.successful.commands)
    for flag in second.successful.used_internal_flags:
        if flag not in merged.successful.used_internal_flags:
            merged.successful.used_internal_flags.append(flag)
    if second.successful.versioning_behavior:
        merged.successful.versioning_behavior = second.successful.versioning_behavior
    return merged


def napreview_runner(late: LateUpdates) -> UpdateOrderRunner:
    """The workflow runner of every napreview worker and replay: the SDK's sandbox as napreview
    configures it, inside the update order for the review workflow."""
    return UpdateOrderRunner(sandbox_runner(), late, [contract.REVIEW_WORKFLOW])


def sandbox_runner() -> SandboxedWorkflowRunner:
    """The SDK's sandbox with the cryptography package passed through (a native extension cannot
    be loaded twice; the workflows only verify signatures with it, a pure computation)."""
    restrictions = SandboxRestrictions.default.with_passthrough_modules("cryptography")
    return SandboxedWorkflowRunner(restrictions=restrictions)


def from_history(history: WorkflowHistory) -> LateUpdates:
    """For the Replayer: the history at hand says which updates ran late."""
    late = late_updates(history.events)
    return lambda workflow_id, run_id: late


def from_server(client: Client, timeout: float = 1.5) -> LateUpdates:
    """For a worker: fetch the run's history when (rarely) needed.

    Activations run in a worker thread while the client lives on the worker's event loop, so the
    fetch is handed to that loop. If it cannot be fetched in time, the SDK's own order is kept,
    which is what every activation without a late update needs anyway.
    """
    loop = asyncio.get_running_loop()

    def fetch(workflow_id: str, run_id: str) -> frozenset[str]:
        if threading.get_ident() == getattr(loop, "_thread_id", None):
            return frozenset()
        handle = client.get_workflow_handle(workflow_id, run_id=run_id)
        try:
            history = asyncio.run_coroutine_threadsafe(handle.fetch_history(), loop).result(timeout)
        except Exception as err:  # fall back to the SDK's order, and say so
            log.warning(
                "Could not read the history of %s to order its updates: %s", workflow_id, err
            )
            return frozenset()
        return late_updates(history.events)

    return fetch
