"""The cycle workflow on the dev server: one review per member, found by search attributes;
started once; cancelled by the secretariat only; batched; continued as new; all 83 members."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import pytest
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from napreview.people import signing
from napreview.schemas.letters import LetterKind
from napreview.schemas.network import MEMBERS as NETWORK
from napreview.schemas.network import default_chair
from napreview.schemas.review import (
    CycleCancel,
    CycleProgress,
    CycleSettings,
    CycleSummary,
    Decision,
    ReviewBatch,
    ReviewInput,
    ReviewState,
    ReviewSummary,
    SignOff,
    Stage,
)
from napreview.services import cycles, steps
from napreview.services.errors import NotFoundError, StepRefused
from napreview.store.records import Store
from napreview.temporal.dev_server import pragma_args, temporal_cli_path
from napreview.worker import activities_for
from napreview.workflows import contract
from napreview.workflows.cycle import CycleWorkflow

from ..conftest import running_worker, worker_with
from ..conftest import settings_for as conftest_settings_for
from ..helpers import SECRETARIAT, answer_all, fp, new_cycle_id, submit_pr, submit_sa

T = TypeVar("T")
EIGHT = ["DEU", "FRA", "MEX", "NAM", "JPN", "UKR", "AU", "EU"]


async def until(
    probe: Callable[[], Awaitable[T | None]], what: str, timeout: float = 20.0, every: float = 0.1
) -> T:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    last: T | None = None
    while loop.time() < end:
        try:
            last = await probe()
        except (RPCError, NotFoundError):  # not started yet
            last = None
        if last:
            return last
        await asyncio.sleep(every)
    raise AssertionError(f"{what} never happened (last seen: {last!r})")


def settings_for(
    store: Store, members: list[str] | None, cycle: str | None = None, seed: int = 7
) -> CycleSettings:
    cycle = cycle or new_cycle_id()
    return CycleSettings(
        cycle=cycle,
        members=members,
        seed=seed,
        chair=default_chair(cycle),
        started_by=store.people.actor(SECRETARIAT),
    )


def cycle_handle(client: Client, cycle: str):
    return client.get_workflow_handle_for(CycleWorkflow.run, contract.cycle_workflow_id(cycle))


async def progress(client: Client, cycle: str) -> CycleProgress:
    return await cycle_handle(client, cycle).query(CycleWorkflow.progress)


async def all_started(client: Client, cycle: str, count: int) -> CycleProgress:
    async def probe() -> CycleProgress | None:
        found = await progress(client, cycle)
        return found if found.started == count else None

    return await until(probe, f"{count} reviews started")


async def listed_reviews(client: Client, cycle: str, count: int, extra: str = "") -> list:
    """The cycle's reviews as Temporal visibility lists them (eventually consistent)."""
    query = (
        f"WorkflowType = '{contract.REVIEW_WORKFLOW}' AND NapCycle = '{cycle}' "
        f"AND ExecutionStatus != 'ContinuedAsNew'{extra}"
    )

    async def probe() -> list | None:
        found = [execution async for execution in client.list_workflows(query)]
        return found if len(found) == count else None

    return await until(probe, f"{count} reviews listed for {query}")


async def review_state(client: Client, cycle: str, member: str) -> ReviewState:
    return await steps.review_state(client, cycle, member)


async def stage_reached(
    client: Client, cycle: str, member: str, stage: Stage, every: float = 0.1
) -> ReviewState:
    async def probe() -> ReviewState | None:
        found = await review_state(client, cycle, member)
        return found if found.stage is stage else None

    return await until(probe, f"{member} at {stage.value}", timeout=60, every=every)


async def complete_review(
    client: Client,
    store: Store,
    cycle: str,
    member: str,
    gate: asyncio.Semaphore | None = None,
    every: float = 0.1,
) -> None:
    """Everyone does their part at once: self-assessment, the three peer reviews, approval."""
    gate = gate or asyncio.Semaphore(1)
    async with gate:
        await submit_sa(client, store, cycle, member)
    state = await stage_reached(client, cycle, member, Stage.PEER_REVIEW, every)
    for slot in state.reviewers:
        async with gate:
            await submit_pr(client, store, cycle, member, slot.member)
    async with gate:
        await answer_all(client, store, cycle, member)
    await stage_reached(client, cycle, member, Stage.SIGN_OFF, every)
    async with gate:
        await steps.review_step(
            client,
            store,
            cycle,
            member,
            "sign_off",
            SignOff(actor=store.people.actor(SECRETARIAT), decision=Decision.APPROVE),
        )


# ---------------------------------------------------------------- starting


async def test_one_review_per_member_found_by_its_search_attributes(dev_env, store, tmp_path):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as worker:
        settings = settings_for(store, EIGHT)
        await cycles.start_cycle(client, store, settings, worker.task_queue)
        found = await all_started(client, settings.cycle, len(EIGHT))
        assert found.total == len(EIGHT) and found.finished == {}

        listed = await listed_reviews(client, settings.cycle, len(EIGHT))
        attributes = [execution.typed_search_attributes for execution in listed]
        assert sorted(a.get(contract.NAP_MEMBER) for a in attributes) == sorted(EIGHT)
        assert {a.get(contract.NAP_CYCLE) for a in attributes} == {settings.cycle}
        assert {a.get(contract.NAP_STAGE) for a in attributes} == {"self_assessment"}
        assert {execution.id for execution in listed} == {
            contract.review_workflow_id(settings.cycle, m) for m in EIGHT
        }
        # Each review has its troika from the draw recorded in the store, never itself.
        assignments = store.cycles.assignments(settings.cycle)
        for member in EIGHT:
            state = await review_state(client, settings.cycle, member)
            assert [s.member for s in state.reviewers] == assignments[member]
            assert member not in assignments[member]


async def test_a_second_start_is_refused_and_duplicates_nothing(dev_env, store, tmp_path):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as worker:
        settings = settings_for(store, EIGHT)
        await cycles.start_cycle(client, store, settings, worker.task_queue)
        await all_started(client, settings.cycle, len(EIGHT))
        drawn = store.cycles.assignments(settings.cycle)

        again = settings.model_copy(update={"seed": 99})
        with pytest.raises(StepRefused) as info:
            await cycles.start_cycle(client, store, again, worker.task_queue)
        assert "already been started" in str(info.value)

        cycle_runs = [
            e
            async for e in client.list_workflows(
                f"WorkflowId = '{contract.cycle_workflow_id(settings.cycle)}'"
            )
        ]
        assert len(cycle_runs) == 1
        await listed_reviews(client, settings.cycle, len(EIGHT))
        assert store.cycles.assignments(settings.cycle) == drawn
        assert (await progress(client, settings.cycle)).started == len(EIGHT)

        async def invitations() -> list | None:
            found = store.letters.list(cycle=settings.cycle, kind=LetterKind.INVITATION.value)
            return found if len(found) >= len(EIGHT) else None

        sent = await until(invitations, "every invitation sent")
        assert sorted(letter.member_code for letter in sent) == sorted(EIGHT)


async def test_small_batches_still_start_every_review(dev_env, store, tmp_path):
    client = dev_env.client
    members = EIGHT[:7]
    async with running_worker(client, store, tmp_path) as worker:
        settings = settings_for(store, members)
        await cycles.start_cycle(client, store, settings, worker.task_queue, batch_size=2)
        found = await all_started(client, settings.cycle, len(members))
        assert found.total == len(members)
        await listed_reviews(client, settings.cycle, len(members))


# ---------------------------------------------------------------- cancelling


async def test_cancel_withdraws_every_open_review_and_the_cycle_reports(dev_env, store, tmp_path):
    client = dev_env.client
    members = EIGHT[:6]
    reason = "The Network postpones the cycle to next year."
    async with running_worker(client, store, tmp_path) as worker:
        settings = settings_for(store, members)
        cycle = settings.cycle
        await cycles.start_cycle(client, store, settings, worker.task_queue)
        await all_started(client, cycle, len(members))
        await complete_review(client, store, cycle, "DEU")
        await until(lambda: _finished(client, cycle, "DEU"), "the cycle hearing that DEU completed")

        # A focal point cannot cancel, neither through the command line nor past it.
        france = store.people.actor(fp("FRA"))
        with pytest.raises(StepRefused) as info:
            await cycles.cancel_cycle(client, store, cycle, france, "no")
        assert "only the secretariat" in str(info.value)
        # Past the command line: unsigned, the cycle ignores it; signed for a focal point, it
        # is still refused.
        with pytest.raises(WorkflowUpdateFailedError) as direct:
            await cycle_handle(client, cycle).execute_update(
                CycleWorkflow.cancel, CycleCancel(actor=france, reason="no")
            )
        assert "no proof that a napreview front end sent it" in str(direct.value.cause)
        signed = signing.signer().sign(
            "cancel_cycle", f"cycle-{cycle}", CycleCancel(actor=france, reason="no")
        )
        with pytest.raises(WorkflowUpdateFailedError) as direct:
            await cycle_handle(client, cycle).execute_update(CycleWorkflow.cancel, signed)
        assert "only the secretariat" in str(direct.value.cause)
        assert (await progress(client, cycle)).cancelled is False

        answer = await cycles.cancel_cycle(
            client, store, cycle, store.people.actor(SECRETARIAT), reason
        )
        assert answer.cancelled and answer.cancel_reason == reason
        summary = await asyncio.wait_for(cycle_handle(client, cycle).result(), timeout=30)
        assert isinstance(summary, CycleSummary)
        assert summary.cancelled and summary.total == len(members)
        assert summary.outcomes == {"completed": 1, "withdrawn": len(members) - 1}
        assert summary.summary_letter is not None
        assert summary.summary_letter.kind is LetterKind.CYCLE_SUMMARY
        # The summary goes to the Chair's focal point, the members in copy (issue #10).
        assert summary.summary_letter.recipient == "NAM"  # history: whose focal point
        letter = store.letters.get(summary.summary_letter.id)
        assert letter.recipient == "fp.nam@example.org"

        for member in members[1:]:
            state = await review_state(client, cycle, member)
            assert state.stage is Stage.WITHDRAWN and state.withdrawn_reason == reason
            [letter] = store.letters.list(
                cycle=cycle, member=member, kind=LetterKind.WITHDRAWAL.value
            )
            assert letter.recipient == fp(member)
        assert (await review_state(client, cycle, "DEU")).stage is Stage.COMPLETED
        await listed_reviews(client, cycle, len(members) - 1, " AND NapStage = 'withdrawn'")

        # Finished is finished: the same cycle does not start again.
        with pytest.raises(StepRefused):
            await cycles.start_cycle(client, store, settings, worker.task_queue)


async def test_cancel_while_reviews_are_still_starting(dev_env, store, tmp_path):
    client = dev_env.client
    members = ["DEU", "FRA", "MEX", "BRA", "NAM", "ZAF", "JPN", "PHL", "UKR", "POL"]
    async with running_worker(client, store, tmp_path) as worker:
        settings = settings_for(store, members)
        cycle = settings.cycle
        await cycles.start_cycle(client, store, settings, worker.task_queue, batch_size=1)
        secretariat = store.people.actor(SECRETARIAT)

        async def cancelled() -> CycleProgress | None:
            try:
                return await cycles.cancel_cycle(client, store, cycle, secretariat, "Postponed")
            except StepRefused as refusal:  # the draw is not recorded yet
                assert "still drawing" in str(refusal)
                return None

        answer = await until(cancelled, "the cancel being taken", every=0.02)
        summary = await asyncio.wait_for(cycle_handle(client, cycle).result(), timeout=30)
        # Reviews never started count as withdrawn; those started are withdrawn with a letter.
        assert summary.cancelled and summary.outcomes == {"withdrawn": len(members)}
        assert answer.started >= 1
        reviews = await listed_reviews(client, cycle, answer.started)
        withdrawals = store.letters.list(cycle=cycle, kind=LetterKind.WITHDRAWAL.value)
        assert sorted(w.member_code for w in withdrawals) == sorted(
            e.typed_search_attributes.get(contract.NAP_MEMBER) for e in reviews
        )
        for execution in reviews:
            member = execution.typed_search_attributes.get(contract.NAP_MEMBER)
            state = await review_state(client, cycle, member)
            assert state.stage is Stage.WITHDRAWN and state.withdrawn_reason == "Postponed"
        assert (await progress(client, cycle)).started == answer.started


async def _finished(client: Client, cycle: str, member: str) -> bool:
    return member in (await progress(client, cycle)).finished


# ---------------------------------------------------------------- continue-as-new


@pytest.fixture(scope="module")
async def short_history_env() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server of its own that suggests continue-as-new after a few dozen events."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()),
        search_attributes=contract.SEARCH_ATTRIBUTES,
        data_converter=pydantic_data_converter,
        dev_server_extra_args=[
            *pragma_args(),
            "--dynamic-config-value",
            "limit.historyCount.suggestContinueAsNew=40",
        ],
    )
    yield env
    await env.shutdown()


async def test_the_cycle_continues_as_new_and_carries_its_state(short_history_env, store, tmp_path):
    client = short_history_env.client
    members = ["DEU", "FRA", "MEX", "BRA", "NAM", "ZAF", "JPN", "PHL", "UKR", "POL"]
    async with running_worker(client, store, tmp_path) as worker:
        settings = settings_for(store, members)
        cycle = settings.cycle
        await cycles.start_cycle(client, store, settings, worker.task_queue, batch_size=1)
        first_run = (await cycle_handle(client, cycle).describe()).run_id
        await all_started(client, cycle, len(members))
        await listed_reviews(client, cycle, len(members))

        await complete_review(client, store, cycle, "DEU")
        await until(lambda: _finished(client, cycle, "DEU"), "DEU reported to the cycle")
        await cycles.cancel_cycle(
            client, store, cycle, store.people.actor(SECRETARIAT), "Test of a long cycle"
        )
        summary = await asyncio.wait_for(cycle_handle(client, cycle).result(), timeout=30)
        assert summary.total == len(members)
        assert summary.outcomes == {"completed": 1, "withdrawn": len(members) - 1}

        # It did continue as new, and no run started a review twice.
        history = await client.get_workflow_handle(
            contract.cycle_workflow_id(cycle), run_id=first_run
        ).fetch_history()
        assert history.events[-1].event_type == (
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
        )
        runs = [
            e
            async for e in client.list_workflows(
                f"WorkflowId = '{contract.cycle_workflow_id(cycle)}'"
            )
        ]
        assert len(runs) > 1
        listed = await listed_reviews(client, cycle, len(members))
        assert sorted(e.typed_search_attributes.get(contract.NAP_MEMBER) for e in listed) == (
            sorted(members)
        )
        # Germany's review continued as new too (its history passed the low limit here), kept
        # its state from run to run, and completed once.
        review_id = contract.review_workflow_id(cycle, "DEU")
        review_runs = [e async for e in client.list_workflows(f"WorkflowId = '{review_id}'")]
        assert len(review_runs) > 1
        result = await client.get_workflow_handle(review_id, result_type=ReviewSummary).result()
        assert result.outcome is Stage.COMPLETED and len(result.self_assessments) == 1
        assert len(result.peer_reviews) == 3


class HeldStarts:
    """The cycle's review_inputs, held after the first batch until released: the cycle is kept
    starting reviews while the first one is completed."""

    def __init__(self, real) -> None:  # the real activity
        self.real = real
        self.calls = 0
        self.release = threading.Event()

    @activity.defn(name=contract.REVIEW_INPUTS)
    def review_inputs(self, batch: ReviewBatch) -> list[ReviewInput]:
        self.calls += 1
        if self.calls > 1:
            self.release.wait(60)
        return self.real(batch)


async def test_a_review_that_ends_while_the_cycle_continues_as_new_is_counted(
    short_history_env, store, tmp_path
):
    """A review's 'I ended' arrives while the cycle is still starting reviews; the cycle then
    continues as new before confirming it. The claim goes with it, so the cycle completes (it
    used to wait for ever for a review long closed)."""
    client = short_history_env.client
    members = ["DEU", "FRA", "MEX", "BRA", "NAM", "ZAF"]
    settings = conftest_settings_for(store, tmp_path)
    real = {getattr(a, "__name__", ""): a for a in activities_for(store, settings, client)}
    held = HeldStarts(real["review_inputs"])
    async with worker_with(client, store, settings, {"review_inputs": held.review_inputs}):
        cycle_settings = settings_for(store, members)
        cycle = cycle_settings.cycle
        await cycles.start_cycle(client, store, cycle_settings, settings.task_queue, batch_size=1)
        first = await all_started(client, cycle, 1)
        (member,) = [
            e.typed_search_attributes.get(contract.NAP_MEMBER)
            for e in await listed_reviews(client, cycle, 1)
        ]
        await complete_review(client, store, cycle, member)

        async def claimed() -> bool:
            history = await cycle_handle(client, cycle).fetch_history()
            return any(
                e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
                and e.workflow_execution_signaled_event_attributes.signal_name == "review_finished"
                for e in history.events
            )

        await until(claimed, f"{member}'s review told the cycle it ended")
        assert member not in first.finished
        held.release.set()
        await all_started(client, cycle, len(members))
        await cycles.cancel_cycle(
            client, store, cycle, store.people.actor(SECRETARIAT), "Test of a claim carried"
        )
        summary = await asyncio.wait_for(cycle_handle(client, cycle).result(), timeout=60)
    assert summary.outcomes == {"completed": 1, "withdrawn": len(members) - 1}
    # The claim was carried: a run continued as new with it unconfirmed.
    carried = []
    async for execution in client.list_workflows(
        f"WorkflowId = '{contract.cycle_workflow_id(cycle)}' AND ExecutionStatus = 'ContinuedAsNew'"
    ):
        history = await client.get_workflow_handle(
            execution.id, run_id=execution.run_id
        ).fetch_history()
        attrs = history.events[-1].workflow_execution_continued_as_new_event_attributes
        carried.append(json.loads(attrs.input.payloads[0].data).get("claimed", []))
    assert [member] in carried


# ---------------------------------------------------------------- the whole Network


@pytest.mark.slow
async def test_all_83_members_complete_a_cycle(dev_env, store, tmp_path):
    client = dev_env.client
    codes = [m.code for m in NETWORK]
    assert len(codes) == 83
    async with running_worker(client, store, tmp_path) as worker:
        settings = settings_for(store, None)
        cycle = settings.cycle
        await cycles.start_cycle(client, store, settings, worker.task_queue)
        await all_started(client, cycle, 83)
        gate = asyncio.Semaphore(8)
        await asyncio.gather(
            *(complete_review(client, store, cycle, code, gate, every=0.5) for code in codes)
        )
        summary = await asyncio.wait_for(cycle_handle(client, cycle).result(), timeout=60)
        assert summary.total == 83 and summary.outcomes == {"completed": 83}
        assert not summary.cancelled
        assert {r.stage for r in store.reviews.of_cycle(cycle)} == {"completed"}
        assert len(store.reviews.of_cycle(cycle)) == 83
        finals = store.letters.list(cycle=cycle, kind=LetterKind.FINAL_FEEDBACK.value)
        assert sorted(letter.member_code for letter in finals) == sorted(codes)
        await listed_reviews(client, cycle, 83, " AND NapStage = 'completed'")
