"""`make bench`: time whole reviews in napreview and in a bare workflow of the same shape.

Both run in this process against one embedded dev server (file store, WAL pragmas, as `make run`
starts it), with one worker each. The figure that matters is the ratio; absolute seconds depend
on the machine.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench.bare import BareReview, bare_step
from cli.embedded import pragma_args, temporal_cli_path
from operations import cycles, steps
from rules.network import CHAIRS
from schemas.examples import example_peer_review, example_self_assessment
from schemas.review import CycleSettings, Decision, SignOff, Stage
from settings import Settings
from store.db import migrate
from store.repository import Store
from store.seed import seed
from worker import build_worker
from workflows.contract import SEARCH_ATTRIBUTES

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN", "AU", "POL", "BRA", "KEN", "AUS", "IDN", "CAN"]
ROUNDS = 3
# Activities in one approved review: invitation, 3 review requests, final letter, 4 document
# acceptances, the CEDAW check, 5 projections of the stage.
ACTIVITIES = 15


async def until(check, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = await check()
            if value:
                return value
        except Exception:  # noqa: BLE001 - not started yet
            pass
        await asyncio.sleep(0.02)
    raise TimeoutError


async def napreview_round(client: Client, store: Store, settings: Settings) -> tuple[float, int]:
    cycle = f"bench-{uuid.uuid4().hex[:6]}"
    secretariat = store.resolve_actor("secretariat@example.org")
    started = time.perf_counter()
    await cycles.start_cycle(
        client,
        store,
        CycleSettings(
            cycle=cycle, members=MEMBERS, seed=1, chair=CHAIRS[2019], started_by=secretariat
        ),
        settings.task_queue,
    )

    async def one(member: str) -> None:
        fp = store.resolve_actor(f"fp.{member.lower()}@example.org")
        await until(lambda: steps.review_state(client, cycle, member))
        await steps.submit_self_assessment(
            client, store, cycle, member, fp, example_self_assessment(store.get_member(member))
        )
        state = await until(lambda: _at(client, cycle, member, Stage.PEER_REVIEW))
        for slot in state.reviewers:
            reviewer = store.resolve_actor(f"fp.{slot.member.lower()}@example.org")
            await steps.submit_peer_review(
                client, store, cycle, member, reviewer, example_peer_review()
            )
        await until(lambda: _at(client, cycle, member, Stage.SIGN_OFF))
        await steps.review_step(
            client,
            store,
            cycle,
            member,
            "sign_off",
            SignOff(actor=secretariat, decision=Decision.APPROVE),
        )

    await asyncio.gather(*(one(m) for m in MEMBERS))
    elapsed = time.perf_counter() - started
    history = await client.get_workflow_handle(f"review-{cycle}-DEU").fetch_history()
    return elapsed, len(history.events)


async def _at(client: Client, cycle: str, member: str, stage: Stage):  # type: ignore[no-untyped-def]
    state = await steps.review_state(client, cycle, member)
    return state if state.stage is stage else None


async def bare_round(client: Client, task_queue: str, activities: int) -> float:
    started = time.perf_counter()

    async def one(member: str) -> None:
        handle = await client.start_workflow(
            BareReview.run, activities, id=f"bare-{uuid.uuid4().hex}", task_queue=task_queue
        )
        for step in range(5):
            await handle.signal(BareReview.step_done, f"{member}-{step}")
            await until(lambda s=step: _count_at_least(handle, s + 1))
        await handle.result()

    await asyncio.gather(*(one(m) for m in MEMBERS))
    return time.perf_counter() - started


async def _count_at_least(handle, n: int) -> bool:  # type: ignore[no-untyped-def]
    return await handle.query(BareReview.count) >= n


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(temporal_cli_path()),
            search_attributes=SEARCH_ATTRIBUTES,
            data_converter=pydantic_data_converter,
            dev_server_database_filename=str(home / "temporal.db"),
            dev_server_extra_args=pragma_args(),
        )
        try:
            url = f"sqlite:///{home / 'napreview.db'}"
            migrate(url)
            store = Store.from_url(url)
            seed(store)
            settings = Settings(home=home, database_url=url, task_queue="bench-napreview")
            napreview_times, bare_times = [], []
            events = 0
            async with (
                build_worker(env.client, settings, store),
                Worker(
                    env.client,
                    task_queue="bench-bare",
                    workflows=[BareReview],
                    activities=[bare_step],
                    activity_executor=__import__("concurrent.futures").futures.ThreadPoolExecutor(
                        16
                    ),
                ),
            ):
                for _ in range(ROUNDS):
                    elapsed, events = await napreview_round(env.client, store, settings)
                    napreview_times.append(elapsed)
                    # same number of activities as a napreview review (letters, projections,
                    # document checks, the CEDAW check)
                    bare_times.append(await bare_round(env.client, "bench-bare", ACTIVITIES))
        finally:
            await env.shutdown()
    n, b = statistics.median(napreview_times), statistics.median(bare_times)
    print(f"{len(MEMBERS)} reviews driven to completion concurrently, median of {ROUNDS} rounds")
    print(f"  napreview : {n:6.2f} s  ({events} history events per review)")
    print(f"  bare      : {b:6.2f} s  (same signals, {ACTIVITIES} no-op activities)")
    print(f"  ratio     : {n / b:6.2f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main())
