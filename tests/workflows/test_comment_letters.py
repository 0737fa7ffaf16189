"""The letters that tell of a new comment (``comment-<cycle>-<member>-<id>``) on the dev server:
the store down when the comment is posted delays them and loses none, each letter is stored
once and delivered (filed in the outbox) by the letter's activity; and a recorded run of the
workflow replays with today's code, so a change that would break runs in flight fails here."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from pathlib import Path

import pytest
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError

from napreview.activities.letters import LetterActivities
from napreview.audit.replay import replay
from napreview.letters.outbox import Outbox
from napreview.schemas.letters import LetterKind, LetterRef, LetterRequest, comment_workflow_id
from napreview.schemas.review import Stage
from napreview.services import conversation
from napreview.workflows import contract
from napreview.workflows.conversation import TellOfCommentWorkflow

from ..conftest import running_worker, settings_for, worker_with
from ..helpers import SECRETARIAT, at_stage, fp, start_cycle

HISTORY = Path(__file__).parents[1] / "histories" / "comment-letters" / "comment-2026-12-04.json"


class StoreDownOnce:
    """``send_letter`` whose first attempt at a comment letter finds the database unavailable."""

    def __init__(self, letters: LetterActivities) -> None:
        self.letters = letters
        self.attempts = 0  # at comment letters

    @activity.defn(name=contract.SEND_LETTER)
    async def send_letter(self, request: LetterRequest) -> LetterRef:
        if request.kind is LetterKind.COMMENT:
            self.attempts += 1
            if self.attempts == 1:
                raise RuntimeError("could not connect to the database")
        return await self.letters.send_letter(request)


async def test_a_comment_posted_while_the_store_fails_is_told_once_it_is_back(
    dev_env, store, tmp_path
):
    client = dev_env.client
    settings = settings_for(store, tmp_path)
    flaky = StoreDownOnce(LetterActivities(store, settings.letters_dir, Outbox(store, settings)))
    async with worker_with(client, store, settings, {"send_letter": flaky.send_letter}):
        cycle = await start_cycle(client, store, settings.task_queue, ["DEU", "FRA", "MEX", "NAM"])
        state = await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        reviewers = [slot.member for slot in state.reviewers]
        secretariat = store.people.actor(SECRETARIAT)
        posted = await conversation.post(
            client, store, settings, secretariat, cycle, "DEU", "Please attach the framework."
        )
        assert posted.told == ["DEU", *reviewers]  # not the secretariat, who wrote it
        handle = client.get_workflow_handle(
            comment_workflow_id(cycle, "DEU", posted.comment.id), result_type=list[LetterRef]
        )
        refs = await handle.result()
        assert flaky.attempts == len(refs) + 1  # the first retried, each letter written once
        assert [r.recipient for r in refs] == ["DEU", *reviewers]
        assert [store.letters.get(r.id).delivery_state for r in refs] == ["filed"] * len(refs)
        stored = [
            letter
            for letter in store.letters.list(cycle=cycle, member="DEU")
            if letter.kind == "comment"
        ]
        assert sorted(letter.recipient for letter in stored) == sorted(
            fp(code) for code in ["DEU", *reviewers]
        )
        history = await handle.fetch_history()
    if os.environ.get("NAPREVIEW_RECORD_HISTORIES") == "1":
        HISTORY.write_text(json.dumps(history.to_json_dict(), indent=1))
    assert (await replay(history, [TellOfCommentWorkflow])).deterministic


async def test_the_recorded_comment_workflow_replays_with_todays_code():
    history = WorkflowHistory.from_json("comment-recorded", json.loads(HISTORY.read_text()))
    report = await replay(history, [TellOfCommentWorkflow])
    assert report.deterministic, report.error
    completed = EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
    # A real run: a letter to the member and to each of its three reviewers, in turn.
    assert sum(e.event_type == completed for e in history.events) == 4


async def _started(store) -> None:  # type: ignore[no-untyped-def]
    """Until no comment waits for its letters."""
    while await asyncio.to_thread(store.comments.waiting_letters):
        await asyncio.sleep(0.05)


def _closed_port() -> int:
    """A port nothing listens on: the address of a Temporal that cannot be reached."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_a_comment_posted_while_temporal_is_away_is_told_once_the_worker_looks(
    dev_env, store, tmp_path
):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, ["DEU", "FRA", "MEX", "NAM"])
        state = await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        reviewers = [slot.member for slot in state.reviewers]
        # The front door's client, its server out of reach (nothing listens at its address).
        away = await Client.connect(
            f"127.0.0.1:{_closed_port()}",
            namespace=client.namespace,
            data_converter=client.data_converter,
            lazy=True,
        )
        secretariat = store.people.actor(SECRETARIAT)
        posted = await conversation.post(
            away, store, settings, secretariat, cycle, "DEU", "Please attach the framework."
        )
        assert posted.told == ["DEU", *reviewers]
        assert [c.text for c in conversation.thread(store, secretariat, cycle, "DEU")] == [
            "Please attach the framework."
        ]  # the comment is kept
        assert [c.id for c in store.comments.waiting_letters()] == [posted.comment.id]
        handle = client.get_workflow_handle(
            comment_workflow_id(cycle, "DEU", posted.comment.id), result_type=list[LetterRef]
        )
        with pytest.raises(RPCError):  # and no letter is on its way yet
            await handle.describe()

        # The worker's look, as every worker runs it, with a client that reaches the server.
        stop = asyncio.Event()
        looking = asyncio.create_task(
            conversation.keep_starting_letters(client, store, settings, stop)
        )
        try:
            await asyncio.wait_for(_started(store), timeout=60)
            refs = await asyncio.wait_for(handle.result(), timeout=60)
        finally:
            stop.set()
            await looking
        assert [r.recipient for r in refs] == ["DEU", *reviewers]
        assert [store.letters.get(r.id).delivery_state for r in refs] == ["filed"] * len(refs)
        # another look (another worker) starts nothing twice
        assert await conversation.start_waiting_letters(client, store, settings) == 0
        stored = [
            letter
            for letter in store.letters.list(cycle=cycle, member="DEU")
            if letter.kind == "comment"
        ]
        assert len(stored) == len(refs)


async def test_a_comment_posted_when_temporal_cannot_even_be_connected_to_is_kept(
    dev_env, store, tmp_path
):
    """A door whose first connection to Temporal fails (the server down when the portal or the
    command line first needs it) still keeps the comment, its letters waiting for the
    workers' look; the person is not shown an error for what was kept."""
    async with running_worker(dev_env.client, store, tmp_path) as settings:
        cycle = await start_cycle(
            dev_env.client, store, settings.task_queue, ["DEU", "FRA", "MEX", "NAM"]
        )
        await at_stage(dev_env.client, cycle, "DEU", Stage.SELF_ASSESSMENT)
    client = await conversation.reachable(
        lambda: Client.connect(f"127.0.0.1:{_closed_port()}", namespace="default")
    )
    assert client is None
    secretariat = store.people.actor(SECRETARIAT)
    posted = await conversation.post(
        client, store, settings, secretariat, cycle, "DEU", "Please attach the framework."
    )
    assert [c.id for c in store.comments.waiting_letters()] == [posted.comment.id]
