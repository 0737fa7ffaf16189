"""Updates replay where history recorded them (temporal/update_order.py): the four reviews that
a killed worker left unreplayable replay again, and every other recorded history replays as
before. The shim runs on the one SDK version it was tested on, for the review workflow only."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.bridge.proto.workflow_activation import RemoveFromCache, WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from napreview.audit.replay import WORKFLOWS, history_from_json, replay, replay_without_shim
from napreview.temporal.sdk_version import TESTED_SDK, installed_sdk
from napreview.temporal.update_order import UpdateOrderRunner, late_updates, napreview_runner
from napreview.workflows import contract
from napreview.workflows.delivery import DELIVERY_WORKFLOW

ROOT = Path(__file__).parents[2]
HISTORIES = Path(__file__).parents[1] / "histories"
KILLED = sorted((HISTORIES / "replay-after-worker-kill").glob("*.json"))
# `napreview up` killed twelve times (issue #20 item 2): in one workflow task the live worker
# first finished an update accepted in an earlier task (its activity result had been applied to
# answer a query), then accepted the updates that had arrived meanwhile.
STUCK = HISTORIES / "stuck-after-up-killed"
ACCEPTED_AFTER_A_COMPLETION = {
    # AU, task 48-50: 51 completes 9b34 (accepted at 44), 52 and 54 accept c3c4 and e1bd.
    "stuck-review-killup-AU": {
        "c3c4b20f-421f-4af1-b391-9b3a0f1766a4",
        "e1bd16ad-0076-46f8-9374-b9ff0508ce3a",
    },
    # GEO, task 58-60: 61 completes e3a0 (accepted at 43), 62 is a18d's activity (accepted at
    # 54, it had waited for the review's lock), 63 and 64 accept fbbd and 7bc5.
    "stuck-review-killup3-GEO": {
        "fbbd4eab-bdab-4a4e-a0e6-800f8cf70e02",
        "7bc5acd5-f524-458f-9988-ffcfbd08233c",
    },
}
ORDINARY = sorted(HISTORIES.glob("*.json"))


def load(path: Path):
    return history_from_json(path.read_text(encoding="utf-8"))


# REMOVING THE SHIM. This test fails the day the SDK replays these histories itself (a fix of
# sdk-python #1591 in a newer temporalio). Then: pin that version (pyproject.toml, `make lock`,
# TESTED_SDK in temporal/sdk_version.py), check that every history under tests/histories/ and
# ../shared/evidence replays without the shim, delete temporal/update_order.py and its uses
# (keeping `sandbox_runner()` as the workers' and the audit's runner), and flip this test to
# assert these histories replay under the SDK alone (README, "The update-order shim").
@pytest.mark.parametrize("path", KILLED, ids=lambda p: p.stem)
async def test_the_sdk_alone_cannot_replay_a_review_left_by_a_killed_worker(path):
    """The failure the fix is for: without it these reviews are stuck for good."""
    failure = await replay_without_shim(load(path))
    assert "Update machine does not handle this event" in (failure or "")


@pytest.mark.parametrize("path", KILLED, ids=lambda p: p.stem)
async def test_a_review_left_by_a_killed_worker_replays_with_its_late_update(path):
    history = load(path)
    late = late_updates(history.events)
    accepted = [
        e
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    ]
    peer_review = [
        e.workflow_execution_update_accepted_event_attributes.protocol_instance_id
        for e in accepted
        if e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
        == "do_submit_peer_review"
    ]
    # Exactly the first peer review, the one accepted after the stage moved in the same task.
    assert late == {peer_review[0]}
    report = await replay(history)
    assert report.deterministic, report.error


@pytest.mark.parametrize("name", ACCEPTED_AFTER_A_COMPLETION)
async def test_the_sdk_alone_cannot_replay_a_review_stuck_after_up_was_killed(name):
    failure = await replay_without_shim(load(STUCK / f"{name}.json"))
    assert "UpdateMachine in state AcceptCommandCreated" in (failure or "")


@pytest.mark.parametrize("name", ACCEPTED_AFTER_A_COMPLETION)
async def test_a_review_stuck_after_up_was_killed_replays_with_its_late_updates(name):
    history = load(STUCK / f"{name}.json")
    assert late_updates(history.events) == ACCEPTED_AFTER_A_COMPLETION[name]
    report = await replay(history)
    assert report.deterministic, report.error


# `napreview up` killed twelve times again (5 December 2026, a clean clone's `make test-faults`):
# two completed reviews whose histories neither the SDK nor the shim replays. In one workflow
# task (after three letters' activity results) three peer reviews were accepted, the review
# started its deadline timer, and only then were the three updates answered (they wait for the
# review to settle): on replay the answers come before the timer ("Update machine does not handle
# this event: ... TimerStarted"). The same events can be recorded in the SDK's own order, so
# history alone cannot say: the shim learns it from the failed replay and replays again, as a
# worker's retry of the task would.
SETTLED_AFTER_TIMER = sorted((HISTORIES / "settled-after-timer-up-killed").glob("*.json"))


@pytest.mark.parametrize("path", SETTLED_AFTER_TIMER, ids=lambda p: p.stem)
async def test_a_review_answered_after_its_timer_replays(path):
    report = await replay(load(path))
    assert report.deterministic, report.error


@pytest.mark.parametrize("path", SETTLED_AFTER_TIMER, ids=lambda p: p.stem)
async def test_a_failed_replay_teaches_the_shim_the_updates_of_the_task_that_failed(path):
    """The first replay fails at the end of the task; the runner then holds exactly the three
    updates that task accepted, and the next replay under the same runner (a worker's retry of
    the task) passes. History alone names none of them."""
    history = load(path)
    assert late_updates(history.events) == frozenset()
    runner = napreview_runner(lambda workflow_id, run_id: frozenset())
    replayer = Replayer(
        workflows=list(WORKFLOWS), data_converter=pydantic_data_converter, workflow_runner=runner
    )
    first = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert "TimerStarted" in str(first.replay_failure)
    learned = runner.learned(history.workflow_id, history.run_id)
    assert len(learned) == 3 and learned == accepted_right_before_a_timer(history)
    second = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert second.replay_failure is None


def accepted_right_before_a_timer(history) -> set[str]:
    """The updates accepted just before a timer was started, in the same workflow task."""
    events = list(history.events)
    found: set[str] = set()
    for at, event in enumerate(events):
        if event.event_type != EventType.EVENT_TYPE_TIMER_STARTED:
            continue
        before = at - 1
        while events[before].event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            attrs = events[before].workflow_execution_update_accepted_event_attributes
            found.add(attrs.protocol_instance_id)
            before -= 1
    return found


def _task(*commands: HistoryEvent) -> list[HistoryEvent]:
    completed = HistoryEvent(event_type=EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
    return [completed, *commands]


def _accepted(update: str) -> HistoryEvent:
    event = HistoryEvent(event_type=EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
    event.workflow_execution_update_accepted_event_attributes.protocol_instance_id = update
    return event


def _completed(update: str) -> HistoryEvent:
    event = HistoryEvent(event_type=EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)
    event.workflow_execution_update_completed_event_attributes.meta.update_id = update
    return event


def _activity_by(update: str) -> HistoryEvent:
    event = HistoryEvent(event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
    event.event_group_markers.add().inbound_update.inbound_update_id = update
    return event


def test_what_an_update_accepted_in_the_same_task_did_first_is_the_sdks_own_order():
    """Two updates in one activation: the first is accepted, its handler schedules its activity
    (or finishes at once), then the second is accepted. Nothing is late."""
    history = [
        *_task(_accepted("a"), _activity_by("a"), _accepted("b")),
        *_task(_accepted("c"), _completed("c"), _accepted("d")),
    ]
    assert late_updates(history) == frozenset()


def test_what_an_update_accepted_in_an_earlier_task_did_first_makes_the_next_one_late():
    history = [
        *_task(_accepted("a")),
        *_task(_completed("a"), _accepted("b")),  # AU's shape
        *_task(_accepted("c")),
        *_task(_activity_by("c"), _accepted("d")),  # the lock passed on, as in GEO
    ]
    assert late_updates(history) == {"b", "d"}


@pytest.mark.parametrize("path", ORDINARY, ids=lambda p: p.stem)
def test_histories_in_the_sdks_own_order_have_no_late_update(path):
    assert late_updates(load(path).events) == frozenset()


@pytest.mark.parametrize("path", ORDINARY, ids=lambda p: p.stem)
async def test_histories_in_the_sdks_own_order_replay_without_the_shim(path):
    assert await replay_without_shim(load(path)) is None


def test_the_sdk_is_pinned_to_the_version_the_shim_was_tested_on():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert f"temporalio=={TESTED_SDK}" in project["project"]["dependencies"]
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    assert f"temporalio=={TESTED_SDK} \\" in lock
    assert installed_sdk() == TESTED_SDK


# Each way a worker starts, with the SDK's installed version faked to 1.36.0.
STARTS = {
    "worker.py": "from napreview.worker import main; sys.argv = ['worker.py']; main()",
    "napreview worker": (
        "from napreview.cli.app import main; sys.argv = ['napreview', 'worker']; main()"
    ),
    "napreview up": (
        "from napreview.cli.app import main; sys.argv = ['napreview', 'up', '--headless']; main()"
    ),
}


@pytest.mark.parametrize("start", STARTS, ids=list(STARTS))
def test_a_worker_on_another_sdk_refuses_to_start_in_one_line(start, tmp_path):
    code = (
        "import sys; import napreview.temporal.sdk_version as v; "
        f"v.installed_sdk = lambda: '1.36.0'; {STARTS[start]}"
    )
    env = {
        **os.environ,
        "NAPREVIEW_HOME": str(tmp_path / "home"),
        "NAPREVIEW_TEMPORAL_ADDRESS": "127.0.0.1:1",  # nothing may be reached before the check
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0, done.stderr  # one line, no traceback
    assert "temporalio 1.36.0 is installed" in done.stderr
    assert f"needs temporalio {TESTED_SDK}" in done.stderr
    assert not (tmp_path / "home").exists()  # no database made, no server started


class _SdkInstance:
    """Stands for the SDK's workflow instance: notes the jobs of each activation it is given."""

    def __init__(self) -> None:
        self.given: list[list[str]] = []

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        self.given.append([job.WhichOneof("variant") for job in act.jobs])
        return WorkflowActivationCompletion(run_id=act.run_id)


class _SdkRunner:
    def prepare_workflow(self, defn):
        pass

    def create_instance(self, det):
        return _SdkInstance()


@pytest.mark.parametrize(
    ("workflow_type", "activations"),
    [
        (contract.REVIEW_WORKFLOW, [["fire_timer"], ["do_update"]]),
        (contract.CYCLE_WORKFLOW, [["do_update", "fire_timer"]]),
        (DELIVERY_WORKFLOW, [["do_update", "fire_timer"]]),
    ],
)
def test_only_the_review_workflow_runs_inside_the_shim(workflow_type, activations):
    """A replayed activation holding an update that history shows ran late: the review gets it
    after the other work, any other workflow type exactly as the SDK made it."""
    runner = UpdateOrderRunner(
        _SdkRunner(),  # type: ignore[arg-type]
        lambda workflow_id, run_id: frozenset({"late-update"}),
        [contract.REVIEW_WORKFLOW],
    )
    details = SimpleNamespace(
        defn=SimpleNamespace(name=workflow_type), info=SimpleNamespace(workflow_id="w", run_id="r")
    )
    instance = runner.create_instance(details)  # type: ignore[arg-type]
    act = WorkflowActivation(run_id="r", is_replaying=True)
    act.jobs.add().do_update.protocol_instance_id = "late-update"
    act.jobs.add().fire_timer.seq = 1
    instance.activate(act)
    assert instance.given == activations  # type: ignore[attr-defined]


def test_napreview_runs_the_shim_for_the_review_workflow_only():
    assert napreview_runner(lambda workflow_id, run_id: frozenset())._types == {
        contract.REVIEW_WORKFLOW
    }


def _review_instance(runner: UpdateOrderRunner):
    details = SimpleNamespace(
        defn=SimpleNamespace(name=contract.REVIEW_WORKFLOW),
        info=SimpleNamespace(workflow_id="w", run_id="r"),
    )
    return runner.create_instance(details)  # type: ignore[arg-type]


def _mixed(update: str, history_length: int, replaying: bool = True) -> WorkflowActivation:
    act = WorkflowActivation(run_id="r", is_replaying=replaying, history_length=history_length)
    act.jobs.add().do_update.protocol_instance_id = update
    act.jobs.add().resolve_activity.seq = 1
    return act


def _alone(history_length: int, replaying: bool = True) -> WorkflowActivation:
    act = WorkflowActivation(run_id="r", is_replaying=replaying, history_length=history_length)
    act.jobs.add().resolve_activity.seq = 2
    return act


def _evicted_as_nondeterministic() -> WorkflowActivation:
    act = WorkflowActivation(run_id="r")
    act.jobs.add().remove_from_cache.reason = RemoveFromCache.EvictionReason.NONDETERMINISM
    return act


@pytest.mark.parametrize(
    ("activations", "learned"),
    [
        # The failing task held the update beside other work (then a local activity's result).
        ([_mixed("u1", 44), _alone(44)], {"u1"}),
        # The update was in an earlier task: the failure is not its.
        ([_mixed("u1", 30), _alone(44)], set()),
        # Live work came after: a failure now is not the replay's.
        ([_mixed("u1", 44), _alone(50, replaying=False)], set()),
    ],
    ids=["same-task", "earlier-task", "live-after"],
)
def test_a_failed_replay_blames_only_the_updates_of_its_own_task(activations, learned):
    runner = UpdateOrderRunner(
        _SdkRunner(),  # type: ignore[arg-type]
        lambda workflow_id, run_id: frozenset(),
        [contract.REVIEW_WORKFLOW],
    )
    instance = _review_instance(runner)
    for act in [*activations, _evicted_as_nondeterministic()]:
        instance.activate(act)
    assert runner.learned("w", "r") == learned
    # The next replay of the run applies a learned update after the other work of its task.
    again = _review_instance(runner)
    again.activate(_mixed("u1", 44))
    expected = (
        [["resolve_activity"], ["do_update"]] if learned else [["do_update", "resolve_activity"]]
    )
    assert again.given == expected  # type: ignore[attr-defined]
