"""Workers killed again and again while people submit: every review ends, every history replays,
every submission and letter is there once."""

from __future__ import annotations

import asyncio
from collections import Counter

from audit.replay import replay
from operations import steps
from operations.errors import StepRefused
from schemas.review import Decision, SignOff, Stage
from tests.conftest import settings_for
from tests.faults.workers import WorkerProcesses
from tests.helpers import SECRETARIAT, answer_all, handle, start_cycle, submit_pr, submit_sa

MEMBERS = ["DEU", "FRA", "MEX", "NOR", "JPN", "NAM", "BRA", "POL", "KEN", "CAN", "EU", "AU"]
KILLS = 4
KILL_EVERY = 3.0  # seconds; steps keep arriving while no worker runs the reviews


async def until_accepted(step) -> None:
    """A person who is refused (out of turn: the review has not moved yet) tries again."""
    while True:
        try:
            await step()
            return
        except StepRefused:
            await asyncio.sleep(0.1)
        except Exception:  # noqa: BLE001 - the server or the worker is away for a moment
            await asyncio.sleep(0.3)


async def one_review(client, store, cycle: str, member: str) -> None:
    await until_accepted(lambda: submit_sa(client, store, cycle, member))
    state = await steps.wait_for_review(client, cycle, member, lambda s: True)
    await asyncio.gather(
        *(
            until_accepted(lambda r=slot.member: submit_pr(client, store, cycle, member, r))
            for slot in state.reviewers
        )
    )
    await until_accepted(lambda: answer_all(client, store, cycle, member))
    approve = SignOff(actor=store.resolve_actor(SECRETARIAT), decision=Decision.APPROVE)
    await until_accepted(
        lambda: steps.review_step(client, store, cycle, member, "sign_off", approve)
    )


async def test_reviews_survive_a_worker_killed_repeatedly_while_people_act(
    dev_env, store, tmp_path
):
    client = dev_env.client
    settings = settings_for(store, tmp_path)
    workers = WorkerProcesses(client, settings, tmp_path)
    current = workers.start()

    async def killer() -> None:
        nonlocal current
        for _ in range(KILLS):
            await asyncio.sleep(KILL_EVERY)
            workers.kill(current)
            current = workers.start()

    try:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        killing = asyncio.create_task(killer())
        await asyncio.wait_for(
            asyncio.gather(*(one_review(client, store, cycle, m) for m in MEMBERS)), 300
        )
        await killing
        summaries = [
            await asyncio.wait_for(handle(client, cycle, m).result(), 120) for m in MEMBERS
        ]
    finally:
        workers.kill_all()

    assert [s.outcome for s in summaries] == [Stage.COMPLETED] * len(MEMBERS)
    for member in MEMBERS:
        report = await replay(await handle(client, cycle, member).fetch_history())
        assert report.deterministic, f"{member}: {report.error}"
    cycle_history = await client.get_workflow_handle(f"cycle-{cycle}").fetch_history()
    assert (await replay(cycle_history)).deterministic

    # Every submission that a review accepted is there once, and so is every letter.
    for summary in summaries:
        assert len(summary.self_assessments) == 1
        assert len(summary.peer_reviews) == 3
    letters = store.list_letters(cycle=cycle)
    keys = Counter(
        (r.member_code, r.kind, r.round, r.recipient) for r in letters if r.kind != "cycle_summary"
    )
    assert keys and max(keys.values()) == 1
    assert sum(1 for r in letters if r.kind == "final_feedback") == len(MEMBERS)
