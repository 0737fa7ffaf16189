"""Updates replay where history recorded them (temporal/update_order.py): the four reviews that
a killed worker left unreplayable replay again, and every other recorded history replays as
before."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from napreview.audit.replay import WORKFLOWS, history_from_json, replay
from napreview.temporal.update_order import late_updates

HISTORIES = Path(__file__).parents[1] / "histories"
KILLED = sorted((HISTORIES / "replay-after-worker-kill").glob("*.json"))
ORDINARY = sorted(HISTORIES.glob("*.json"))


def load(path: Path):
    return history_from_json(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", KILLED, ids=lambda p: p.stem)
async def test_the_sdk_alone_cannot_replay_a_review_left_by_a_killed_worker(path):
    """The failure the fix is for: without it these reviews are stuck for good."""
    history = load(path)
    plain = Replayer(workflows=list(WORKFLOWS), data_converter=pydantic_data_converter)
    result = await plain.replay_workflow(history, raise_on_replay_failure=False)
    assert "Update machine does not handle this event" in str(result.replay_failure)


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


@pytest.mark.parametrize("path", ORDINARY, ids=lambda p: p.stem)
def test_histories_in_the_sdks_own_order_have_no_late_update(path):
    assert late_updates(load(path).events) == frozenset()
