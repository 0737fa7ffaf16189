"""Only napreview starts napreview's workflows (issue #20 item 1, workflows/start.py).

Someone who reaches Temporal starts a "review" with keys of their own, or a new run under the id
of a review long completed, or a cycle with forged settings: each run ends at once as failed,
says why, and sends nothing and records nothing; a genuine cycle and its reviews run as ever."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import Client, WorkflowFailureError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError

from napreview.audit.signatures import STARTED_BY_NAPREVIEW, check_signatures, judge
from napreview.people import signing
from napreview.people.signing import Signer
from napreview.schemas.review import (
    CycleInput,
    CycleSettings,
    ReviewInput,
    Stage,
    Withdraw,
)
from napreview.store.records import Store
from napreview.workflows import contract

from ..conftest import running_worker
from ..helpers import (
    SECRETARIAT,
    complete_review,
    start_cycle,
)


def rogue_review(store: Store, cycle: str, member: str = "PER") -> ReviewInput:
    """A review input as someone with Temporal access would write it: no keys to check."""
    return ReviewInput(
        cycle=cycle,
        member=store.members.get(member),
        reviewers=["DEU", "FRA", "MEX"],
        seed=1,
        chair="NAM",
        trusted_keys={},
    )


async def ends_refused(client: Client, workflow_id: str) -> ApplicationError:
    with pytest.raises(WorkflowFailureError) as failed:
        await asyncio.wait_for(client.get_workflow_handle(workflow_id).result(), 30)
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == contract.NOT_STARTED_BY_NAPREVIEW
    return cause


async def audited_start(client: Client, workflow_id: str, run_id: str | None = None) -> str:
    """What the audit (audit --verify, an export's check) says of how the run was started."""
    history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
    report = check_signatures(workflow_id, history.events)
    assert judge(report, {}).ok is report.started_by_napreview
    return report.start


def nothing_recorded(store: Store, cycle: str, member: str) -> None:
    assert store.letters.list(cycle=cycle, member=member) == []
    assert member not in {r.member for r in store.reviews.of_cycle(cycle)}


async def test_a_review_started_by_someone_else_ends_at_once_and_sends_nothing(
    dev_env, store, tmp_path
):
    client = dev_env.client
    cycle = f"2019-{uuid.uuid4().hex[:6]}"
    async with running_worker(client, store, tmp_path) as worker:
        workflow_id = contract.review_workflow_id(cycle, "PER")
        handle = await client.start_workflow(
            contract.REVIEW_WORKFLOW,
            rogue_review(store, cycle),
            id=workflow_id,
            task_queue=worker.task_queue,
        )
        # An unsigned withdrawal "by the secretariat", as the attack sent it.
        withdraw = Withdraw(actor=store.people.actor(SECRETARIAT), reason="forged")
        await handle.signal("withdraw", withdraw)
        cause = await ends_refused(client, workflow_id)
    assert "not started by napreview" in cause.message
    assert "no proof" in cause.message
    nothing_recorded(store, cycle, "PER")
    assert "the workflow refused its start" in await audited_start(client, workflow_id)


async def test_a_new_run_under_the_id_of_a_completed_review_changes_nothing(
    dev_env, store, tmp_path
):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as worker:
        cycle = await start_cycle(client, store, worker.task_queue, ["DEU", "FRA", "MEX", "NAM"])
        genuine = await complete_review(client, store, cycle, "DEU")
        workflow_id = contract.review_workflow_id(cycle, "DEU")
        genuine_run = (await client.get_workflow_handle(workflow_id).describe()).run_id
        letters_before = len(store.letters.list(cycle=cycle, member="DEU"))
        stage_before = {r.member: r.stage for r in store.reviews.of_cycle(cycle)}["DEU"]

        await client.start_workflow(
            contract.REVIEW_WORKFLOW,
            rogue_review(store, cycle, "DEU"),
            id=workflow_id,
            task_queue=worker.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        )
        await ends_refused(client, workflow_id)
        # The audit tells the two runs apart: the cycle's child, and the stranger's.
        assert await audited_start(client, workflow_id, genuine_run) == STARTED_BY_NAPREVIEW
        assert "the workflow refused its start" in await audited_start(client, workflow_id)
        assert await audited_start(client, contract.cycle_workflow_id(cycle)) == (
            STARTED_BY_NAPREVIEW
        )
    assert genuine.outcome is Stage.COMPLETED
    assert len(store.letters.list(cycle=cycle, member="DEU")) == letters_before
    assert {r.member: r.stage for r in store.reviews.of_cycle(cycle)}["DEU"] == stage_before


async def test_a_cycle_needs_a_signed_start_by_a_key_the_workers_vouch_for(
    dev_env, store, tmp_path
):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as worker:
        settings = CycleSettings(
            cycle=f"2019-{uuid.uuid4().hex[:6]}",
            members=["DEU", "FRA", "MEX", "NAM"],
            seed=7,
            chair="NAM",
            started_by=store.people.actor(SECRETARIAT),
        )
        workflow_id = contract.cycle_workflow_id(settings.cycle)
        cases = {
            "unsigned": CycleInput(settings=settings),
            # signed, but by a key of the attacker's own: the workers do not vouch for it
            "own key": Signer.ephemeral().sign(
                "start_cycle",
                workflow_id,
                CycleInput(settings=settings.model_copy(update={"trusted_keys": {}})),
            ),
        }
        for case, start in cases.items():
            await client.start_workflow(
                contract.CYCLE_WORKFLOW,
                start,
                id=workflow_id,
                task_queue=worker.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            )
            cause = await ends_refused(client, workflow_id)
            assert "not started by napreview" in cause.message, case
        assert not store.cycles.exists(settings.cycle)


async def test_a_signed_start_cannot_be_used_again_later(dev_env, store, tmp_path):
    """A start captured on the wire is stale a quarter of an hour after it was signed."""
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as worker:
        settings = CycleSettings(
            cycle=f"2019-{uuid.uuid4().hex[:6]}",
            members=["DEU", "FRA", "MEX", "NAM"],
            seed=7,
            chair="NAM",
            started_by=store.people.actor(SECRETARIAT),
            trusted_keys=signing.signer().public_keys(),
        )
        workflow_id = contract.cycle_workflow_id(settings.cycle)
        store.front_end_keys.vouch_for(signing.signer().public_keys())  # a genuine front end's key
        captured = signing.signer().sign(
            "start_cycle",
            workflow_id,
            CycleInput(settings=settings),
            at=datetime.now(UTC) - timedelta(minutes=20),
        )
        await client.start_workflow(
            contract.CYCLE_WORKFLOW, captured, id=workflow_id, task_queue=worker.task_queue
        )
        cause = await ends_refused(client, workflow_id)
    assert "too long before it arrived" in cause.message
    assert not store.cycles.exists(settings.cycle)
