"""The letters that tell of a new comment (``comment-<cycle>-<member>-<id>``) on the dev server:
the store down when the comment is posted delays them and loses none, each letter is stored
once and delivered (filed in the outbox) by the letter's activity; and a recorded run of the
workflow replays with today's code, so a change that would break runs in flight fails here."""

from __future__ import annotations

import json
import os
from pathlib import Path

from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

from napreview.activities.letters import LetterActivities
from napreview.audit.replay import replay
from napreview.letters.outbox import Outbox
from napreview.schemas.letters import LetterKind, LetterRef, LetterRequest, comment_workflow_id
from napreview.schemas.review import Stage
from napreview.services import conversation
from napreview.workflows import contract
from napreview.workflows.conversation import TellOfCommentWorkflow

from ..conftest import settings_for, worker_with
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
