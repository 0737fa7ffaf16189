"""The letters folder read-only for 30 seconds mid-cycle (even for root), then writable again:
letter activities retry until they can write, reviews wait for their letters and then go on,
a review withdrawn meanwhile ends once its withdrawal letter is written, and every letter file
then matches its stored digest."""

from __future__ import annotations

import asyncio
import time

from napreview.schemas.letters import LetterKind
from napreview.schemas.review import Stage, Withdraw
from napreview.services import steps

from ..conftest import settings_for
from ..helpers import SECRETARIAT, start_cycle
from .checks import assert_sound
from .outages import read_only
from .people import Tally, drive_review
from .workers import WorkerProcesses

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN", "UKR", "AU", "EU"]
WITHDRAWN = "UKR"
LATE = ["JPN", "AU", "EU"]  # their focal points act while the folder is read-only
AWAY = 30.0


async def test_letters_folder_read_only_then_writable(dev_env, store, tmp_path):
    client = dev_env.client
    settings = settings_for(store, tmp_path)
    workers = WorkerProcesses(client, settings, tmp_path)
    workers.start()
    tally: Tally = {}
    began = time.monotonic()
    try:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        for member in MEMBERS:  # every invitation written before the folder goes read-only
            await steps.wait_for_review(client, cycle, member, lambda s: bool(s.letters))
        broken = asyncio.Event()
        people = asyncio.gather(
            *(
                drive_review(client, store, cycle, m, tally, broken if m in LATE else None)
                for m in MEMBERS
                if m != WITHDRAWN
            )
        )
        await steps.wait_for_review(client, cycle, "DEU", lambda s: bool(s.self_assessments))
        with read_only(settings.letters_dir) as how:
            broken.set()
            withdrawal = asyncio.create_task(
                steps.review_step(
                    client,
                    store,
                    cycle,
                    WITHDRAWN,
                    "withdraw",
                    Withdraw(actor=store.people.actor(SECRETARIAT), reason="Plan under revision"),
                )
            )
            await asyncio.sleep(AWAY)
            state = await steps.review_state(client, cycle, WITHDRAWN)
            # Withdrawing, not yet withdrawn: its letter cannot be written yet.
            assert state.withdrawn_reason and not withdrawal.done()
            assert state.stage is not Stage.WITHDRAWN
            held = {m: (await steps.review_state(client, cycle, m)).stage for m in MEMBERS}
        writable_at = time.monotonic()
        withdrawn = await asyncio.wait_for(withdrawal, 120)
        withdrawn_after = time.monotonic() - writable_at
        await asyncio.wait_for(people, 300)
        driven = time.monotonic() - began
        outcomes = dict.fromkeys(MEMBERS, Stage.COMPLETED) | {WITHDRAWN: Stage.WITHDRAWN}
        seen = await assert_sound(client, store, settings, cycle, outcomes)
    finally:
        workers.kill_all()
    assert withdrawn.stage is Stage.WITHDRAWN
    kinds = [row.kind for row in store.letters.list(cycle=cycle, member=WITHDRAWN)]
    assert kinds.count(LetterKind.WITHDRAWAL.value) == 1
    print(
        f"\nletters folder unwritable {AWAY:.0f}s ({how}); stages then {held}; "
        f"withdrawal done {withdrawn_after:.0f}s after; cycle driven in {driven:.0f}s; {seen}"
    )
