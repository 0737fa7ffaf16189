"""Workers killed again and again while people submit: every review ends, every history replays,
every submission and letter is there once, every letter file matches its digest."""

from __future__ import annotations

import asyncio
import time

from napreview.schemas.review import Stage

from ..conftest import settings_for
from ..helpers import start_cycle
from .checks import assert_sound
from .people import Tally, drive_review
from .workers import WorkerProcesses

MEMBERS = ["DEU", "FRA", "MEX", "NOR", "JPN", "NAM", "BRA", "POL", "KEN", "CAN", "EU", "AU"]
KILLS = 4  # at least; the worker is killed every few seconds for as long as people act
KILL_EVERY = 4.0  # seconds; steps keep arriving while no worker runs the reviews


async def test_reviews_survive_a_worker_killed_repeatedly_while_people_act(
    dev_env, store, tmp_path
):
    client = dev_env.client
    settings = settings_for(store, tmp_path)
    workers = WorkerProcesses(client, settings, tmp_path)
    current = workers.start()
    tally: Tally = {}

    acting = asyncio.Event()

    async def killer() -> None:
        nonlocal current
        while not acting.is_set() or workers.started <= KILLS:
            await asyncio.sleep(KILL_EVERY)
            workers.kill(current)
            current = workers.start()

    began = time.monotonic()
    try:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        killing = asyncio.create_task(killer())

        try:
            await asyncio.wait_for(
                asyncio.gather(*(drive_review(client, store, cycle, m, tally) for m in MEMBERS)),
                300,
            )
        finally:
            acting.set()
        await killing
        driven = time.monotonic() - began
        seen = await assert_sound(
            client, store, settings, cycle, dict.fromkeys(MEMBERS, Stage.COMPLETED)
        )
    finally:
        workers.kill_all()
    kills = workers.started - 1
    assert kills >= KILLS
    refused = sum(n[1] for n in tally.values())
    print(f"\n{kills} kills; driven in {driven:.0f}s, {refused} attempts refused or lost; {seen}")
