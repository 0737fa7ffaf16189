"""A review whose workflow task keeps failing is said so by `review show` and `cycle status`, and
`napreview review repair` (secretariat only) resets it to its last good workflow task: it moves
again and keeps every step sent after that task (services/repair.py), on a real dev server.

The stuck review is made as a release the current code cannot replay would make it: a worker
running another version of the review records a command the current one never makes (a memo
written on a signal it alone knows); the current workers then fail every task of that review.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.worker import UnsandboxedWorkflowRunner, Worker
from typer.testing import CliRunner

from napreview.audit.replay import history_from_json, replay_without_shim
from napreview.cli.app import app
from napreview.schemas.review import ReviewInput, ReviewSummary, Stage
from napreview.services.repair import last_good_task, task_failing
from napreview.worker import activities_for, build_worker
from napreview.workflows import contract
from napreview.workflows.cycle import CycleWorkflow
from napreview.workflows.delivery import DeliverLetterWorkflow
from napreview.workflows.review import MemberReviewWorkflow

from ..conftest import settings_for
from ..helpers import SECRETARIAT, at_stage, fp, handle, start_cycle, submit_sa

POKE = "napreview_test_poke"


@workflow.defn(name=contract.REVIEW_WORKFLOW, sandboxed=False)
class ReviewOfAnotherRelease(MemberReviewWorkflow):
    """The review as another release wrote it: the same, plus a memo on a signal of its own."""

    @workflow.run
    async def run(self, inp: ReviewInput) -> ReviewSummary:
        return await super().run(inp)

    @workflow.signal(name=POKE)
    def poke(self) -> None:
        workflow.upsert_memo({"poked": True})


async def until(check, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await check()
        if found:
            return found
        await asyncio.sleep(0.3)
    raise AssertionError(f"{what}: not within {timeout} s")


async def memo_written(review) -> bool:
    history = await review.fetch_history()
    return any(
        e.event_type == EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED for e in history.events
    )


async def germany_at_self_assessment(client, store, settings):  # type: ignore[no-untyped-def]
    """A cycle of four started by today's workers, Germany's review waiting for its
    self-assessment: (the cycle, Germany's review)."""
    async with build_worker(client, settings, store):
        cycle = await start_cycle(client, store, settings.task_queue, ["DEU", "FRA", "MEX", "NAM"])
        await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
    return cycle, handle(client, cycle, "DEU")


def other_release(client, settings, store) -> Worker:  # type: ignore[no-untyped-def]
    """A worker running the review as another release wrote it (ReviewOfAnotherRelease)."""
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[CycleWorkflow, ReviewOfAnotherRelease, DeliverLetterWorkflow],
        activities=activities_for(store, settings, client),
        activity_executor=ThreadPoolExecutor(max_workers=8),
        workflow_runner=UnsandboxedWorkflowRunner(),
    )


@pytest.fixture
def napreview(dev_env, store, tmp_path, monkeypatch):
    """`napreview ...` in a thread of its own (a command runs its own event loop)."""
    settings = settings_for(store, tmp_path)
    monkeypatch.setenv("NAPREVIEW_HOME", str(tmp_path))
    monkeypatch.setenv("NAPREVIEW_DATABASE_URL", store.engine.url.render_as_string(False))
    monkeypatch.setenv(
        "NAPREVIEW_TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host
    )
    monkeypatch.setenv("NAPREVIEW_TASK_QUEUE", settings.task_queue)
    monkeypatch.delenv("NAPREVIEW_USER", raising=False)
    runner = CliRunner()

    async def call(*args: str):
        with ThreadPoolExecutor(max_workers=1) as pool:
            return await asyncio.wrap_future(pool.submit(runner.invoke, app, list(args)))

    call.settings = settings  # type: ignore[attr-defined]
    return call


async def test_a_stuck_review_is_shown_and_repaired_keeping_every_step(dev_env, store, napreview):
    client = dev_env.client
    settings = napreview.settings
    cycle, review = await germany_at_self_assessment(client, store, settings)
    async with other_release(client, settings, store):
        await review.signal(POKE)
        await until(lambda: memo_written(review), "the other release wrote its memo")
        # A step taken after that task: the repair must not lose it.
        await submit_sa(client, store, cycle, "DEU")
        await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)

    async with build_worker(client, settings, store):
        await review.signal(POKE)  # any task of this review now fails with today's code
        workflow_id = contract.review_workflow_id(cycle, "DEU")
        failing = await until(lambda: task_failing(client, workflow_id), "the task fails")
        assert "Nondeterminism" in (failing.reason or "")

        shown = await napreview("review", "show", cycle, "DEU", "--as", SECRETARIAT)
        assert shown.exit_code == 1
        said = " ".join(shown.output.split())
        assert "The review of Germany cannot move: its workflow task keeps failing" in said
        assert f"napreview review repair {cycle} DEU" in said
        status = await napreview("cycle", "status", cycle, "--live", "--as", SECRETARIAT)
        assert status.exit_code == 0, status.output
        assert "The review of Germany cannot move" in " ".join(status.output.split())
        assert "France cannot move" not in status.output

        refused = await napreview("review", "repair", cycle, "DEU", "--as", fp("DEU"))
        assert refused.exit_code == 3
        assert "only the secretariat may repair reviews" in refused.output
        assert await task_failing(client, workflow_id)  # nothing changed

        before = await review.fetch_history()
        stuck_run = (await review.describe()).run_id
        repaired = await napreview("review", "repair", cycle, "DEU", "--as", SECRETARIAT)
        assert repaired.exit_code == 0, repaired.output
        said = " ".join(repaired.output.split())
        point = last_good_task(before, "event_id: " + str(_memo_event(before)))
        assert f"reset to its last good workflow task (event {point})" in said

        # It moves again, at the stage the step after the reset point had taken it to.
        state = await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
        assert len(state.self_assessments) == 1
        assert await task_failing(client, workflow_id) is None
        assert (await review.describe()).run_id != stuck_run
        history = await review.fetch_history()
        reset = [
            e.workflow_task_failed_event_attributes
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
        ]
        assert reset[-1].cause == WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW
        # Who repaired it and why, in its history (a person id: history keeps no addresses).
        repairer = store.people.actor(SECRETARIAT).person_id
        assert f"Repaired by {repairer} (secretariat)" in reset[-1].failure.message
        assert "Nondeterminism error" in reset[-1].failure.message

        again = await napreview("review", "repair", cycle, "DEU", "--as", SECRETARIAT)
        assert again.exit_code == 3 and "is not stuck" in again.output


def _memo_event(history) -> int:
    return next(
        e.event_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED
    )


@pytest.mark.parametrize(
    ("name", "reset_to"),
    [("stuck-review-killup-AU", 50), ("stuck-review-killup3-GEO", 60)],
)
async def test_without_the_shim_a_repair_would_redo_the_task_that_does_not_replay(name, reset_to):
    """The two reviews `up` left stuck: the task whose commands the SDK alone cannot replay (AU's
    task 48-50, GEO's 58-60) is the one a repair runs again."""
    path = Path(__file__).parents[1] / "histories" / "stuck-after-up-killed" / f"{name}.json"
    history = history_from_json(path.read_text(encoding="utf-8"))
    assert last_good_task(history, await replay_without_shim(history)) == reset_to


async def test_a_review_whose_history_no_longer_replays_is_shown_and_repaired_before_any_task_fails(
    dev_env, store, napreview
):
    """As the two-worker fault case once left one: no task has failed yet (nobody sent it
    anything since), but every question to it fails on replay. `review show` says it cannot
    move, and the repair resets it without waiting for a step to fail first."""
    client = dev_env.client
    settings = napreview.settings
    cycle, review = await germany_at_self_assessment(client, store, settings)
    async with other_release(client, settings, store):
        await review.signal(POKE)
        await until(lambda: memo_written(review), "the other release wrote its memo")

    async with build_worker(client, settings, store):
        workflow_id = contract.review_workflow_id(cycle, "DEU")
        assert await task_failing(client, workflow_id) is None  # nothing has failed yet
        shown = await napreview("review", "show", cycle, "DEU", "--as", SECRETARIAT)
        said = " ".join(shown.output.split())
        assert shown.exit_code == 1, shown.output
        assert "The review of Germany cannot move: its history does not replay" in said
        assert f"napreview review repair {cycle} DEU" in said

        repaired = await napreview("review", "repair", cycle, "DEU", "--as", SECRETARIAT)
        assert repaired.exit_code == 0, repaired.output
        assert "reset to its last good workflow task" in " ".join(repaired.output.split())
        await submit_sa(client, store, cycle, "DEU")
        await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
        again = await napreview("review", "repair", cycle, "DEU", "--as", SECRETARIAT)
        assert again.exit_code == 3 and "is not stuck" in again.output
