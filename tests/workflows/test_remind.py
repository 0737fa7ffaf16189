"""The secretariat sends a reminder now (issue #21): the `remind` step, under the patch
`reminder-by-hand`, sends the reminder letter of the current deadline to whoever the review
waits for, as many times as asked, without taking the place of the reminder sent on its own;
anyone else is refused; a review with the step replays."""

from __future__ import annotations

from datetime import timedelta

import pytest

from napreview.audit.replay import replay
from napreview.schemas.review import Durations, Remind, Stage
from napreview.services import steps
from napreview.services.errors import StepRefused
from napreview.workflows import contract

from ..conftest import running_worker
from ..helpers import SECRETARIAT, at_stage, fp, start_cycle, submit_pr, submit_sa

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN"]
# reminders on their own only a week before deadlines months away: none goes out in the test
DURATIONS = Durations(
    self_assessment=timedelta(days=90), peer_review=timedelta(days=60), reminder=timedelta(days=7)
)


def _reminders(store, cycle: str) -> list:  # type: ignore[no-untyped-def]
    return [r for r in store.letters.list(cycle=cycle, member="DEU") if r.kind == "reminder"]


async def _remind(client, store, cycle: str, email: str):  # type: ignore[no-untyped-def]
    command = Remind(actor=store.people.actor(email))
    return await steps.review_step(client, store, cycle, "DEU", "remind", command)


async def test_the_secretariat_sends_a_reminder_now_at_each_stage(dev_env, store, tmp_path):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS, durations=DURATIONS)
        await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        with pytest.raises(StepRefused):
            await _remind(client, store, cycle, fp("DEU"))
        assert _reminders(store, cycle) == []
        await _remind(client, store, cycle, SECRETARIAT)
        [first] = _reminders(store, cycle)
        assert first.recipient == fp("DEU")
        await _remind(client, store, cycle, SECRETARIAT)  # asked again: sent again
        assert len(_reminders(store, cycle)) == 2

        await submit_sa(client, store, cycle, "DEU")
        state = await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
        reviewers = [slot.member for slot in state.reviewers]
        await submit_pr(client, store, cycle, "DEU", reviewers[0])
        await _remind(client, store, cycle, SECRETARIAT)
        chased = {r.recipient for r in _reminders(store, cycle)[2:]}
        assert chased == {fp(code) for code in reviewers[1:]}  # not the one who submitted
        for code in reviewers[1:]:
            await submit_pr(client, store, cycle, "DEU", code)
        await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
        # the answers are asked on the review's page: no one to remind by letter
        with pytest.raises(StepRefused) as refused:
            await _remind(client, store, cycle, SECRETARIAT)
        assert refused.value.reason is not None
        assert refused.value.reason.code == "no_one_to_remind"

        history = await client.get_workflow_handle(
            contract.review_workflow_id(cycle, "DEU")
        ).fetch_history()
    report = await replay(history)
    assert report.deterministic, report.error
