"""A storm of submissions against one review, all at once: each drawn reviewer's peer review
many times over, peer reviews from members not drawn (in the cycle and outside it) and from the
reviewed member itself, and self-assessments out of turn. Exactly one peer review per drawn
reviewer is taken; everything else is refused, recorded, and leaves no document behind; the
review answers a look at once when the storm is over, its history replays, and it then completes
with the cycle. Looks during the storm are counted and timed in the printout, not asserted: a look
waits behind the review's workflow tasks, which the storm keeps busy (up to the 10 s a lost
workflow task takes to time out)."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import Counter

from temporalio.client import Client, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RetryConfig, RPCError, RPCStatusCode

from napreview.schemas.review import ReviewerStatus, Stage
from napreview.services import steps
from napreview.services.errors import StepRefused

from ..conftest import settings_for
from ..helpers import fp, start_cycle, submit_pr, submit_sa
from .checks import assert_sound, stored_documents
from .people import Tally, active, drive_review, past
from .workers import WorkerProcesses

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN", "NOR", "BRA", "POL"]
TARGET = "DEU"
OUTSIDE = ["KEN", "CAN"]  # members not in the cycle at all
EACH_REVIEWER = 30  # copies of each drawn reviewer's peer review
EACH_OTHER = 8  # peer reviews from each member not drawn, and from the reviewed member
SELF_ASSESSMENTS = 20  # out of turn: half from the member's focal point, half from others
# Submissions in flight at once, each sent again until the review answers it. All 166 at once,
# each retried by the client within moments, never ended on a loaded machine (load 10 on 2
# cores): the server aborted every update ("workflow update was aborted", the review's workflow
# tasks "not found" on completion) for minutes; three times the server's limit of in-flight
# updates per workflow (10) keeps it a storm that ends.
IN_FLIGHT = 30
# Why each kind of sender is refused (a fragment of the review's reason).
REASONS = {
    "again": "has already submitted its review",
    "not drawn": "which is not one of the reviewers",
    "own": "Nobody reviews their own member",
    "self-assessment again": "already submitted",
    "not its focal point": "only the focal point of",
}


async def test_a_storm_of_submissions_against_one_review(dev_env, store, tmp_path):
    client = dev_env.client
    # The storm's own connection, answering each refusal of the server at once (the people
    # below back off and try again themselves).
    stormy = await Client.connect(
        client.service_client.config.target_host,
        data_converter=pydantic_data_converter,
        retry_config=RetryConfig(max_retries=0),
    )
    settings = settings_for(store, tmp_path)
    workers = WorkerProcesses(client, settings, tmp_path)
    workers.start()
    tally: Tally = {}
    began = time.monotonic()
    try:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        others = asyncio.gather(
            *(drive_review(client, store, cycle, m, tally) for m in MEMBERS if m != TARGET)
        )
        await steps.wait_for_review(client, cycle, TARGET, lambda s: True)  # the cycle starts it
        await submit_sa(client, store, cycle, TARGET)
        state = await steps.wait_for_review(client, cycle, TARGET, past(Stage.SELF_ASSESSMENT))
        drawn = active(state)
        assert len(drawn) == 3, state.reviewers
        not_drawn = [m for m in MEMBERS if m not in drawn and m != TARGET] + OUTSIDE

        def peer_review(reviewer: str):
            return lambda: submit_pr(stormy, store, cycle, TARGET, reviewer)

        def self_assessment(email: str):
            return lambda: submit_sa(stormy, store, cycle, TARGET, email)

        senders = [("taken or again", peer_review(r)) for r in drawn] * EACH_REVIEWER
        senders += [("not drawn", peer_review(m)) for m in not_drawn] * EACH_OTHER
        senders += [("own", peer_review(TARGET))] * EACH_OTHER
        half = SELF_ASSESSMENTS // 2
        senders += [("self-assessment again", self_assessment(fp(TARGET)))] * half
        strangers = random.Random(7).choices([m for m in MEMBERS if m != TARGET], k=half)
        senders += [("not its focal point", self_assessment(fp(m))) for m in strangers]
        random.Random(11).shuffle(senders)

        outcome: Counter[str] = Counter()
        reasons: dict[str, Counter[str]] = {}
        turned_away = 0
        go = asyncio.Event()

        in_flight = asyncio.Semaphore(IN_FLIGHT)

        async def send(kind: str, submit) -> None:
            await go.wait()
            async with in_flight:
                await answered(kind, submit)

        async def answered(kind: str, submit) -> None:
            nonlocal turned_away
            for attempt in itertools.count():
                try:
                    await submit()
                    outcome[f"{kind}: taken"] += 1
                    return
                except StepRefused as refused:
                    outcome[f"{kind}: refused"] += 1
                    reasons.setdefault(kind, Counter())[str(refused)] += 1
                    return
                except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError) as err:
                    # The server admits a few updates to one workflow at a time, and under the
                    # storm aborts some it holds: the person is told to try again, and does (the
                    # document of an attempt whose outcome is unknown is kept: it may be taken).
                    assert isinstance(err, WorkflowUpdateRPCTimeoutOrCancelledError) or (
                        err.status in (RPCStatusCode.RESOURCE_EXHAUSTED, RPCStatusCode.UNAVAILABLE)
                    ), err
                    # Backing off, as a front end does.
                    turned_away += 1
                    await asyncio.sleep(min(8.0, 0.5 * 2**attempt) * random.uniform(0.5, 1.5))

        reads: list[float] = []
        storming = True

        unread = 0

        async def reader() -> None:
            """Somebody looking at the review all along; on a loaded machine a look may time
            out (a query waits behind the review's workflow tasks): counted, and looked again."""
            nonlocal unread
            while storming:
                at = time.monotonic()
                try:
                    await steps.review_state(client, cycle, TARGET)
                    reads.append(time.monotonic() - at)
                except RPCError:
                    unread += 1
                await asyncio.sleep(0.2)

        sending = [asyncio.create_task(send(kind, submit)) for kind, submit in senders]
        reading = asyncio.create_task(reader())
        storm_at = time.monotonic()
        go.set()
        try:
            await asyncio.wait_for(asyncio.gather(*sending), 150)
        finally:
            storming = False
            for task in sending:
                task.cancel()
        stormed = time.monotonic() - storm_at
        await reading

        # Read at once when the storm is over (during it, on a loaded machine, every look may time
        # out: queries wait behind the review's workflow tasks, which the storm keeps busy).
        state = await asyncio.wait_for(steps.review_state(client, cycle, TARGET), 30)
        refusals = store.refusals.of_review(cycle, TARGET)
        documents = stored_documents(store, cycle, TARGET)
        await asyncio.wait_for(
            asyncio.gather(others, drive_review(client, store, cycle, TARGET, tally)), 240
        )
        driven = time.monotonic() - began
        seen = await assert_sound(
            client, store, settings, cycle, dict.fromkeys(MEMBERS, Stage.COMPLETED)
        )
    finally:
        workers.kill_all()

    # One peer review per drawn reviewer taken, nothing else. (An attempt the server aborted may
    # have been taken all the same: its sender, trying again, is then refused as already in.)
    assert [s.member for s in state.reviewers if s.status is ReviewerStatus.SUBMITTED] == drawn
    assert len(state.self_assessments) == 1
    taken = outcome["taken or again: taken"]
    assert len(drawn) - turned_away <= taken <= len(drawn), outcome
    assert sum(n for k, n in outcome.items() if k.endswith("taken")) == taken, outcome
    refused = sum(n for k, n in outcome.items() if k.endswith("refused"))
    assert taken + refused == len(senders), outcome
    # Each refused for the reason that fits its sender.
    for kind, said in reasons.items():
        fragment = REASONS["again" if kind == "taken or again" else kind]
        assert all(fragment in reason for reason in said), (kind, said)
    # Every refusal recorded in the store; those the review's code saw, in its state too.
    assert len(refusals) == refused, (len(refusals), refused)
    # (An attempt the server turned away may have been refused by the review all the same: its
    # sender, refused again on the next attempt, then left one refusal in the store, two in the
    # review's state.)
    in_state = [r for r in state.rejected]
    assert len(in_state) <= refused + turned_away
    only_in_state = Counter(r.reason for r in in_state) - Counter(r.reason for r in refusals)
    assert sum(only_in_state.values()) <= turned_away, only_in_state
    # No document left by a refused submission: only those taken, and at most one for each
    # attempt whose outcome the server left unknown.
    assert documents["self_assessment"] >= 1 and documents["peer_review"] >= len(drawn)
    left = documents["self_assessment"] - 1 + documents["peer_review"] - len(drawn)
    assert left <= turned_away, (documents, turned_away)
    print(
        f"\n{len(senders)} submissions ({IN_FLIGHT} in flight) in {stormed:.0f}s against one "
        f"review: {taken} taken, "
        f"{refused} refused ({len(in_state)} in its state), {turned_away} turned away by the "
        f"server and sent again ({left} documents of those kept); {len(reads)} reads meanwhile, "
        f"slowest {max(reads, default=0):.1f}s, {unread} timed out; "
        f"cycle driven in {driven:.0f}s; {seen}"
    )
