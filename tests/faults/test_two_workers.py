"""Two worker processes on one task queue for a whole cycle of eight members driven at once; one
is killed midway and the other finishes alone. Both did work (their identities are in the
histories), nothing the killed one did is lost or done twice, and nothing is done by it after
it died."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta

from temporalio.api.enums.v1 import EventType

from napreview.schemas.review import Stage
from napreview.workflows import contract

from ..conftest import settings_for
from ..helpers import start_cycle
from .checks import assert_sound, runs_of, stored_documents, where_they_stand
from .people import Tally, drive_review
from .workers import WorkerProcesses

MEMBERS = ["DEU", "FRA", "MEX", "NOR", "JPN", "NAM", "BRA", "POL"]
# The first worker is killed once this many peer reviews are sent (of three per review): midway.
KILL_AFTER = 12


async def work_by_worker(client, cycle: str, members: list[str]) -> list[tuple[str, float]]:
    """(worker identity, server time) of every workflow task completed and activity started."""
    done = []
    for member in members:
        for history in await runs_of(client, contract.review_workflow_id(cycle, member)):
            for event in history.events:
                if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                    who = event.workflow_task_completed_event_attributes.identity
                elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
                    who = event.activity_task_started_event_attributes.identity
                else:
                    continue
                done.append((who, event.event_time.ToDatetime().timestamp()))
    return done


async def test_two_workers_share_a_cycle_and_one_dies_midway(dev_env, store, tmp_path):
    client = dev_env.client
    settings = settings_for(store, tmp_path)
    workers = WorkerProcesses(client, settings, tmp_path)
    first, second = workers.start(), workers.start()
    tally: Tally = {}
    began = time.monotonic()
    try:
        await workers.polling(client, [first, second])
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        people = asyncio.gather(*(drive_review(client, store, cycle, m, tally) for m in MEMBERS))

        # Peer reviews are counted as they are stored, a moment before their step: the store
        # answers at once, where the reviews' queries wait behind their workflow tasks.
        while (moved := stored_documents(store, cycle)["peer_review"]) < KILL_AFTER:
            assert not people.done(), "the people finished before the first worker was killed"
            await asyncio.sleep(0.05)
        workers.kill(first)
        killed_at = time.time()
        killed_after = time.monotonic() - began
        try:
            await asyncio.wait_for(asyncio.shield(people), 240)
        except TimeoutError:
            keep = tmp_path / "histories"
            raise AssertionError(await where_they_stand(client, cycle, MEMBERS, keep)) from None
        driven = time.monotonic() - began
        seen = await assert_sound(
            client, store, settings, cycle, dict.fromkeys(MEMBERS, Stage.COMPLETED)
        )
        assert second.poll() is None, "the second worker died too"
    finally:
        workers.kill_all()

    done = await work_by_worker(client, cycle, MEMBERS)
    by = Counter(who.split("@")[0] for who, _ in done)
    assert by[str(first.pid)] > 0, f"the first worker did nothing: {by}"
    assert by[str(second.pid)] > 0, f"the second worker did nothing: {by}"
    assert set(by) == {str(first.pid), str(second.pid)}, by
    # Server and test share a clock; a second of slack for a task the server saw complete late.
    late = killed_at + timedelta(seconds=1).total_seconds()
    after = Counter(who.split("@")[0] for who, at in done if at > late)
    assert after[str(first.pid)] == 0, f"work recorded for the dead worker after it died: {after}"
    assert after[str(second.pid)] > 0, "the second worker did nothing after the first died"
    refused = sum(n[1] for n in tally.values())
    print(
        f"\nworker 1 killed after {killed_after:.0f}s, {moved} of {3 * len(MEMBERS)} peer reviews "
        "sent; "
        f"tasks by worker 1: {by[str(first.pid)]}, by worker 2: {by[str(second.pid)]} "
        f"({after[str(second.pid)]} after the kill); driven in {driven:.0f}s, "
        f"{refused} attempts refused or lost; {seen}"
    )
