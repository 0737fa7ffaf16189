"""`make bench` ends a napreview round only when the cycle's letters are delivered (issue #23):
a round ended while letters were still queued (then in ``deliver-<id>`` workflows) left their
PDF layout and sending to be charged to the next round, and flattered the shipped
configuration. And the bare shape it compares with pays for a follow-up per review as
napreview does (issue #22)."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from napreview.activities.letters import LetterActivities
from napreview.bench.bare import (
    BareCycle,
    BareCycleInput,
    BareFollowUp,
    BareReview,
    bare_cycle_id,
    bare_follow_up_id,
    bare_review_id,
    bare_step,
)
from napreview.bench.drain import deliveries_drained
from napreview.schemas.letters import LetterKind, LetterRequest
from napreview.store.records import Store

T = TypeVar("T")


def invitation(cycle: str, member: str) -> LetterRequest:
    return LetterRequest(
        cycle=cycle, member=member, kind=LetterKind.INVITATION, chair="NAM", deadline="2030-01-31"
    )


async def test_a_round_with_deliveries_in_flight_is_not_ended_early(
    store: Store, tmp_path: Path
) -> None:
    cycle = f"bench-{uuid.uuid4().hex[:6]}"
    letters = LetterActivities(store, tmp_path / "letters")  # no outbox: they stay queued
    first = letters.store_and_file(invitation(cycle, "DEU"))
    second = letters.store_and_file(invitation(cycle, "FRA"))
    elsewhere = letters.store_and_file(invitation(f"{cycle}-other", "MEX"))
    assert {first.delivery_state, second.delivery_state, elsewhere.delivery_state} == {"queued"}

    ended = asyncio.create_task(deliveries_drained(store, cycle, interval=0.01))
    for delivered in (first, None):
        with pytest.raises(TimeoutError):  # letters still queued: the round goes on
            await asyncio.wait_for(asyncio.shield(ended), 0.3)
        if delivered is not None:
            store.letters.record_delivery(delivered.id, "sent", "250 Ok")
    store.letters.record_delivery(second.id, "failed", "550 mailbox unavailable")
    await asyncio.wait_for(ended, 5)  # every letter of the cycle delivered (or failed): ended
    assert store.letters.queued(f"{cycle}-other") == 1  # another cycle's letters do not count


async def test_a_bare_review_leaves_its_follow_up_drawn_and_idle(
    dev_env: WorkflowEnvironment,
) -> None:
    """The bare shape pays for a follow-up as napreview's review does: approved, it starts one
    that outlives it, draws and publishes its items, and waits (running) for a progress report."""
    client, tag = dev_env.client, uuid.uuid4().hex[:6]
    queue, cycle = f"bench-bare-{tag}", f"bench-{tag}"
    async with Worker(
        client,
        task_queue=queue,
        workflows=[BareCycle, BareReview, BareFollowUp],
        activities=[bare_step],
        activity_executor=ThreadPoolExecutor(max_workers=4),
    ):
        whole = await client.start_workflow(
            BareCycle.run,
            BareCycleInput(cycle=cycle, members=["DEU"]),
            id=bare_cycle_id(cycle),
            task_queue=queue,
        )
        review = client.get_workflow_handle(bare_review_id(cycle, "DEU"))
        await until(lambda: review.query(BareReview.current_stage))
        await review.signal(BareReview.submit, "self_assessment")
        for _ in range(3):
            await review.signal(BareReview.submit, "peer_review")
        await review.signal(BareReview.respond)
        await review.signal(BareReview.sign_off)
        assert await asyncio.wait_for(whole.result(), 30) == 1  # the review completed

        follow_up = client.get_workflow_handle(bare_follow_up_id(cycle, "DEU"))
        assert await until(lambda: follow_up.query(BareFollowUp.items_drawn)) is True
        described = await follow_up.describe()
        assert described.status is WorkflowExecutionStatus.RUNNING  # left idle, not ended
        assert described.parent_id == review.id


async def until(ask: Callable[[], Awaitable[T]], within: float = 30.0) -> T:
    """The first truthy answer (a workflow not started yet answers nothing)."""
    deadline = time.monotonic() + within
    while True:
        with contextlib.suppress(RPCError):
            answer = await ask()
            if answer:
                return answer
        if time.monotonic() > deadline:
            raise TimeoutError("no answer in time")
        await asyncio.sleep(0.05)
