"""`napreview up` killed outright (SIGKILL) twelve times during one cycle while people act, and
started again on the same home each time (issue #20 item 2): no review is left stuck (no workflow
task failing), none lost, every history replays, every submission and letter is kept once.

Two reviews were left stuck for good by such a run before (tests/histories/stuck-after-up-killed);
the shapes behind them are replayed by the shim, and new reviews no longer produce the second.
"""

from __future__ import annotations

import asyncio
import time

from napreview.schemas.review import Stage
from napreview.services.repair import task_failing
from napreview.temporal.dev_server import PID_FILE
from napreview.workflows import contract

from ..helpers import start_cycle
from ..integration.test_up import free_port, start_up, stop
from .checks import assert_sound, stored_documents, where_they_stand
from .people import Tally, drive_review
from .test_up_killed import drained, kill_up, up_and_its_records

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN", "BRA", "KEN", "SWE", "PHL", "UKR", "CAN", "SEN"]
KILLS = 12
# `up` is killed once for each this many documents (self-assessments and peer reviews) that come
# in: the cycle has 48 (12 + 36), so twelve kills come before its last quarter. Documents that
# came in a burst while `up` restarted are owed their kills one after another: a faster stack
# (since issue #23) would otherwise outrun the kills and end its cycle after six to ten.
EVERY = 3


async def test_up_killed_twelve_times_leaves_nothing_stuck_or_lost(tmp_path):
    home, port = tmp_path / "home", free_port()
    process, settings, store, client = await up_and_its_records(home, port)
    tally: Tally = {}
    began = time.monotonic()
    kills = 0
    try:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)

        async def person(member: str) -> None:
            """A member's people, who try again whatever they meet (a stack gone away)."""
            while True:
                try:
                    await drive_review(client, store, cycle, member, tally)
                    return
                except Exception:  # the stack is away; try again shortly
                    await asyncio.sleep(0.5)

        people = asyncio.gather(*(person(m) for m in MEMBERS))
        documents = 0
        while kills < KILLS and not people.done():
            now = sum(stored_documents(store, cycle).values())
            if now < documents + EVERY:
                assert process.poll() is None, f"up ended by itself after {kills} kills"
                await asyncio.sleep(0.1)
                continue
            documents += EVERY
            server_pid = int((home / PID_FILE).read_text())
            await kill_up(process, port, server_pid)
            kills += 1
            # The next `up` starts once the port is free, as a person would start it again
            # (test_up_killed.py measures how long that takes).
            process = start_up(home, port)
            drained(process)
        assert process.poll() is None, "up did not stay up"
        assert kills == KILLS, f"the cycle ended after {kills} kills"
        try:
            await asyncio.wait_for(asyncio.shield(people), 600)
        except TimeoutError:
            raise AssertionError(
                await where_they_stand(client, cycle, MEMBERS, tmp_path / "histories")
            ) from None
        driven = time.monotonic() - began
        stuck = [
            m for m in MEMBERS if await task_failing(client, contract.review_workflow_id(cycle, m))
        ]
        assert stuck == []
        seen = await assert_sound(
            client, store, settings, cycle, dict.fromkeys(MEMBERS, Stage.COMPLETED)
        )
    finally:
        stop(process)
        store.engine.dispose()
    refused = sum(n[1] for n in tally.values())
    print(
        f"\nup killed {kills} times during a cycle of {len(MEMBERS)} reviews, driven in "
        f"{driven:.0f}s; 0 stuck; {refused} attempts refused or lost and tried again; {seen}"
    )
