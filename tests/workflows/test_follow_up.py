"""A follow-up on real servers: started by the review's approval, its steps as updates on the dev
server (with both histories replayed by the current code), and its progress report's reminder
and overdue notice on the time-skipping server (time is skipped, never slept)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError

from napreview.audit.replay import replay
from napreview.schemas.follow_up import (
    FollowUpInput,
    FollowUpSources,
    FollowUpState,
    FollowUpTaken,
    ItemStatus,
    ItemUpdate,
    ProgressReport,
)
from napreview.schemas.letters import LetterKind
from napreview.schemas.review import Decision, SignOff
from napreview.services import follow_up
from napreview.workflows import contract
from napreview.workflows.follow_up_rules import search_attributes

from ..conftest import running_worker
from ..helpers import SECRETARIAT, complete_review, fp, start_cycle
from .test_review_timers import (
    HOUR,
    at_sign_off,
    cycle_running,
    letters_when,
    no_delivery,  # noqa: F401 (autouse: letters are stored, not delivered, on either server)
    signal,
    skip_to,
    ts_env,  # noqa: F401 (fixture)
    until,
)
from .test_signed_start import ends_refused


def follow_up_handle(client: Client, cycle: str, member: str) -> WorkflowHandle:
    return client.get_workflow_handle(contract.follow_up_workflow_id(cycle, member))


async def follow_up_when(client: Client, cycle: str, member: str, ready, what: str):
    async def probe() -> FollowUpState | None:
        try:
            found = await follow_up_handle(client, cycle, member).query(
                "state", result_type=FollowUpState
            )
        except RPCError:  # not started yet
            return None
        return found if ready(found) else None

    return await until(probe, what)


async def test_an_approved_review_is_followed_until_every_item_is_settled_and_both_replay(
    dev_env, store, tmp_path
):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, ["DEU", "MEX", "NAM", "JPN"])
        await complete_review(client, store, cycle, "DEU")
        state = await follow_up_when(client, cycle, "DEU", lambda s: s.drawn, "items drawn")
        assert state.items and state.deadline is not None
        germany = store.people.actor(fp("DEU"))
        first, *rest = state.items
        await follow_up.update_item(
            client, store, germany, cycle, "DEU",
            ItemUpdate(key=first.key, status=ItemStatus.UNDER_WAY, lead_institution="Bundestag"),
        )  # fmt: skip
        settled = [ItemUpdate(key=first.key, status=ItemStatus.DONE)] + [
            ItemUpdate(key=i.key, status=ItemStatus.NOT_PURSUED, reason="Covered elsewhere.")
            for i in rest
        ]
        body = ProgressReport(narrative="All done.", updates=settled)
        taken = await follow_up.report(client, store, germany, cycle, "DEU", body)
        assert taken.open_items == 0 and not taken.closed  # the report awaits acknowledgement
        secretariat = store.people.actor(SECRETARIAT)
        await follow_up.acknowledge(client, store, secretariat, cycle, "DEU", 1, "Thank you.")
        workflow_id = contract.follow_up_workflow_id(cycle, "DEU")
        result = await client.get_workflow_handle(workflow_id, result_type=FollowUpTaken).result()
        assert result.closed and result.open_items == 0

        # The store's read model says the same as the workflow.
        record = await until(
            lambda: asyncio.to_thread(store.follow_ups.get, cycle, "DEU"), "the read model"
        )
        assert record.state.closed_at is not None
        assert record.state.item(first.key).lead_institution == "Bundestag"
        assert set(record.texts) == {i.key for i in state.items}

        for workflow_id in (
            contract.review_workflow_id(cycle, "DEU"),
            contract.follow_up_workflow_id(cycle, "DEU"),
        ):
            history = await client.get_workflow_handle(workflow_id).fetch_history()
            report = await replay(history)
            assert report.error is None and report.deterministic, workflow_id


async def test_the_progress_report_has_a_reminder_then_an_overdue_notice(ts_env, store, tmp_path):  # noqa: F811
    client = ts_env.client
    async with cycle_running(ts_env, store, tmp_path) as cycle:
        await at_sign_off(client, store, cycle, "DEU")
        approve = SignOff(actor=store.people.actor(SECRETARIAT), decision=Decision.APPROVE)
        await signal(client, cycle, "DEU", "sign_off", approve)

        state = await follow_up_when(client, cycle, "DEU", lambda s: s.drawn, "items drawn")
        deadline = state.deadline
        assert deadline.due - deadline.remind_at == timedelta(days=30)
        assert not await asyncio.to_thread(_report_letters, store, cycle)

        await skip_to(ts_env, deadline.remind_at + HOUR)
        [reminder] = await letters_when(store, cycle, "DEU", LetterKind.REPORT_REMINDER, 1)
        assert reminder.recipient == fp("DEU")
        assert "progress report" in reminder.subject.lower()
        assert f"/reviews/{cycle}/DEU/follow-up" in reminder.body_text

        await skip_to(ts_env, deadline.due + HOUR)
        [notice] = await letters_when(store, cycle, "DEU", LetterKind.REPORT_OVERDUE, 1)
        assert notice.recipient == fp("DEU")
        assert store.people.secretariat_email() in notice.cc
        overdue = await follow_up_when(client, cycle, "DEU", lambda s: s.overdue, "overdue")
        assert overdue.period == 1 and not overdue.reports
        described = await follow_up_handle(client, cycle, "DEU").describe()
        assert described.typed_search_attributes.get(contract.NAP_OVERDUE) is True


def _report_letters(store, cycle: str) -> list:
    kinds = (LetterKind.REPORT_REMINDER.value, LetterKind.REPORT_OVERDUE.value)
    return [s for s in store.letters.list(cycle=cycle, member="DEU") if s.kind in kinds]


async def test_a_follow_up_started_by_someone_else_ends_at_once_even_carrying_a_state(
    dev_env, store, tmp_path
):
    """A start that carries a state as a continued run would is not a continued run: it must
    be signed, or it ends as failed and nothing is drawn or recorded."""
    client = dev_env.client
    cycle = f"2019-{uuid.uuid4().hex[:6]}"
    forged = FollowUpInput(
        cycle=cycle,
        member="PER",
        chair="NAM",
        sources=FollowUpSources(cycle=cycle, member="PER"),
        trusted_keys={"mine": "ab" * 32},
        carried=FollowUpState(cycle=cycle, member="PER", drawn=True),
    )
    async with running_worker(client, store, tmp_path) as settings:
        workflow_id = contract.follow_up_workflow_id(cycle, "PER")
        await client.start_workflow(
            contract.FOLLOW_UP_WORKFLOW,
            forged,
            id=workflow_id,
            task_queue=settings.task_queue,
            search_attributes=search_attributes(forged),
        )
        await ends_refused(client, workflow_id)
    assert store.follow_ups.get(cycle, "PER") is None
