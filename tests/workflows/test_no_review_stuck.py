"""No review can get stuck (issue #11 item 2): what the store could never keep is refused at the
door, naming its field, before anything reaches Temporal; what the database refuses all the same
is refused once, not retried for ever; and a withdrawal ends a review whose work keeps failing."""

from __future__ import annotations

import asyncio
import errno
import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from typer.testing import CliRunner

from napreview.activities.letters import LetterActivities
from napreview.cli.app import app
from napreview.letters.outbox import Outbox
from napreview.schemas.cedaw import CedawSummary
from napreview.schemas.letters import LetterKind, LetterRef, LetterRequest
from napreview.schemas.review import CedawCheckRequest, Stage, Withdraw
from napreview.services import steps
from napreview.services.errors import StepRefused
from napreview.store.records import Store
from napreview.workflows import contract

from ..conftest import settings_for, worker_with
from ..faults.checks import stored_documents
from ..helpers import SECRETARIAT, answer_all, at_stage, fp, handle, start_cycle, submit_pr
from ..helpers import submit_sa as submit_example_sa

runner = CliRunner()


class ReachedTemporal(AssertionError):
    """A command that should have been refused at the door tried to connect to Temporal."""


@pytest.fixture
def napreview(store, tmp_path, monkeypatch):
    """`napreview ...` in process, on this test's store, with Temporal out of reach: any attempt
    to connect fails the test."""
    monkeypatch.setenv("NAPREVIEW_HOME", str(tmp_path))
    monkeypatch.setenv("NAPREVIEW_DATABASE_URL", store.engine.url.render_as_string(False))
    monkeypatch.setenv("NAPREVIEW_TEMPORAL_ADDRESS", "127.0.0.1:9")
    monkeypatch.delenv("NAPREVIEW_USER", raising=False)

    async def connect(*_args, **_kwargs):
        raise ReachedTemporal("an invalid input reached Temporal")

    monkeypatch.setattr("napreview.temporal.client.connect", connect)

    def call(*args: str):
        result = runner.invoke(app, list(args))
        if isinstance(result.exception, ReachedTemporal):
            raise result.exception
        return result

    return call


def refused_at_the_door(result, *fields: str) -> str:
    """Exit 2, one clear message naming every field given."""
    message = result.output
    assert result.exit_code == 2, message
    for field in fields:
        assert field in message, f"{field!r} not named in: {message}"
    assert "Traceback" not in message
    return message


def example(napreview, kind: str, member: str = "DEU") -> dict:
    return json.loads(napreview("template", kind, member).stdout)


def written(tmp_path: Path, name: str, document: dict) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


AS_SECRETARIAT = ("--as", SECRETARIAT)


def test_nul_bytes_are_refused_naming_the_field(napreview, tmp_path):
    assessment = example(napreview, "self-assessment")
    assessment["recommendations"][3]["evidence"] = "see annex\x00"
    path = written(tmp_path, "sa.json", assessment)
    refused_at_the_door(
        napreview("submit", "self-assessment", "2019", "DEU", path, "--as", fp("DEU")),
        "recommendations.3.evidence",
        "NUL",
    )
    review = example(napreview, "peer-review")
    review["recommendations"][1] = "Budget\x00each pillar"
    path = written(tmp_path, "pr.json", review)
    refused_at_the_door(
        napreview("submit", "peer-review", "2019", "DEU", path, "--as", fp("FRA")),
        "recommendations.1",
        "NUL",
    )
    for args, field in (
        (("review", "withdraw", "2019", "DEU", "--reason", "end\x00"), "reason"),
        (("review", "extend", "2019", "DEU", "--by", "7d", "--reason", "\x00"), "reason"),
        (("sign-off", "2019", "DEU", "--return", "--comments", "a\x00b"), "comments"),
        (("cycle", "cancel", "2019", "--reason", "postponed\x00"), "reason"),
    ):
        refused_at_the_door(napreview(*args, *AS_SECRETARIAT), field, "NUL")


def test_over_long_fields_are_refused_naming_the_field(napreview, tmp_path):
    assessment = example(napreview, "self-assessment")
    assessment["nap"]["title"] = "T" * 501
    assessment["recommendations"][0]["evidence"] = "e" * 5001
    path = written(tmp_path, "sa.json", assessment)
    refused_at_the_door(
        napreview("submit", "self-assessment", "2019", "DEU", path, "--as", fp("DEU")),
        "nap.title",
        "recommendations.0.evidence",
        "at most 500 characters",
        "at most 5000 characters",
    )
    review = example(napreview, "peer-review")
    review["comments"] = "c" * 20001
    path = written(tmp_path, "pr.json", review)
    refused_at_the_door(
        napreview("submit", "peer-review", "2019", "DEU", path, "--as", fp("FRA")),
        "comments",
        "at most 20000 characters",
    )
    for args, field in (
        (("review", "withdraw", "2019", "DEU", "--reason", "r" * 2001), "reason"),
        (("review", "extend", "2019", "DEU", "--by", "7d", "--reason", "r" * 2001), "reason"),
        (("sign-off", "2019", "DEU", "--return", "--comments", "c" * 20001), "comments"),
        (("cycle", "cancel", "2019", "--reason", "r" * 2001), "reason"),
        (("cycle", "start", "y" * 41, "--members", "DEU,FRA,MEX,NAM"), "cycle"),
    ):
        refused_at_the_door(napreview(*args, *AS_SECRETARIAT), field)


def test_durations_over_three_years_are_refused_naming_the_field(napreview):
    refused_at_the_door(
        napreview(
            "review", "extend", "2019", "DEU", "--by", "1100d", "--reason", "late", *AS_SECRETARIAT
        ),
        "--by",
        "longer than three years",
    )
    for option in ("--self-assessment", "--peer-review", "--sign-off", "--reminder", "--responses"):
        refused_at_the_door(
            napreview(
                "cycle",
                "start",
                "2031",
                "--members",
                "DEU,FRA,MEX,NAM",
                "--chair",
                "DEU",
                option,
                "157w",
                *AS_SECRETARIAT,
            ),
            option,
            "longer than three years",
        )
    # Just inside the limit is taken (and goes on to Temporal, here out of reach).
    with pytest.raises(ReachedTemporal):
        napreview(
            "review", "extend", "2019", "DEU", "--by", "1098d", "--reason", "late", *AS_SECRETARIAT
        )


# ------------------------------------------------------------- the database refuses anyway


REFUSE_NAPS = {
    "sqlite": [
        "CREATE TRIGGER refuse_naps BEFORE INSERT ON naps "
        "BEGIN SELECT RAISE(ABORT, 'naps refused by the test'); END"
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION refuse_naps() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'naps refused by the test' USING ERRCODE = '22001'; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_naps BEFORE INSERT ON naps "
        "FOR EACH ROW EXECUTE FUNCTION refuse_naps()",
    ],
}
ALLOW_NAPS = {
    "sqlite": ["DROP TRIGGER refuse_naps"],
    "postgresql": ["DROP TRIGGER refuse_naps ON naps", "DROP FUNCTION refuse_naps()"],
}


def execute(store: Store, statements: list[str]) -> None:
    with store.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def failed_attempts(history, activity_type: str) -> list[tuple[int, bool]]:
    """(attempt, non_retryable) of each failed attempt of an activity type."""
    scheduled = {
        e.event_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and e.activity_task_scheduled_event_attributes.activity_type.name == activity_type
    }
    started = {
        e.event_id: e.activity_task_started_event_attributes.attempt
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
        and e.activity_task_started_event_attributes.scheduled_event_id in scheduled
    }
    return [
        (
            started[e.activity_task_failed_event_attributes.started_event_id],
            e.activity_task_failed_event_attributes.failure.application_failure_info.non_retryable,
        )
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
        and e.activity_task_failed_event_attributes.scheduled_event_id in scheduled
    ]


async def test_an_input_the_database_rejects_is_refused_once_and_recorded(
    dev_env, any_store, tmp_path
):
    """The plan a self-assessment carries is recorded from it; when the database refuses it,
    the step is refused at the door, before the review sees it: recorded, nothing moves, no
    document kept, and the same person's next try is taken once the database takes it."""
    from napreview.worker import build_worker

    store, kind = any_store, any_store.engine.dialect.name
    client = dev_env.client
    settings = settings_for(store, tmp_path)
    async with build_worker(client, settings, store):
        cycle = await start_cycle(client, store, settings.task_queue, ["DEU", "FRA", "MEX", "NAM"])
        await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        execute(store, REFUSE_NAPS[kind])
        try:
            with pytest.raises(StepRefused) as refused:
                await asyncio.wait_for(submit_example_sa(client, store, cycle, "DEU"), 30)
        finally:
            execute(store, ALLOW_NAPS[kind])
        assert "The records cannot keep what this step carries" in str(refused.value)
        assert "naps refused by the test" in str(refused.value)
        state = await steps.review_state(client, cycle, "DEU")
        assert state.stage is Stage.SELF_ASSESSMENT and not state.self_assessments
        assert state.rejected == []  # never reached the review
        assert [r.step for r in store.refusals.of_review(cycle, "DEU")] == [
            "submit_self_assessment"
        ]
        assert stored_documents(store, cycle, "DEU") == Counter()
        # Once the database takes it again, the same person's next try is accepted, and the
        # plan is recorded at the review's CEDAW check.
        await submit_example_sa(client, store, cycle, "DEU")
        await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)


# ------------------------------------------------------------- withdrawal while work fails


class BrokenWork:
    """Real activities, except one kind of work that fails every time, as an outage would."""

    def __init__(self, letters: LetterActivities, broken_letter: LetterKind | None) -> None:
        self.letters = letters
        self.broken_letter = broken_letter
        self.failures = 0

    @activity.defn(name=contract.SEND_LETTER)
    async def send_letter(self, request: LetterRequest) -> LetterRef:
        if request.kind is self.broken_letter:
            self.failures += 1
            raise OSError(errno.EROFS, "Read-only file system", "letters")
        return await self.letters.send_letter(request)

    @activity.defn(name=contract.RUN_CEDAW_CHECK)
    def run_cedaw_check(self, request: CedawCheckRequest) -> CedawSummary:
        self.failures += 1
        raise RuntimeError("the CEDAW rules fail on this plan")


@pytest.mark.parametrize("failing", ["review_request letters", "cedaw check"])
async def test_withdrawal_ends_a_review_whose_work_keeps_failing(dev_env, store, tmp_path, failing):
    client = dev_env.client
    settings = settings_for(store, tmp_path)
    letters = LetterActivities(store, settings.letters_dir, Outbox(store, settings))
    if failing == "cedaw check":
        broken = BrokenWork(letters, None)
        replacements = {"run_cedaw_check": broken.run_cedaw_check}
        stuck_at = Stage.CEDAW_CHECK
    else:
        broken = BrokenWork(letters, LetterKind.REVIEW_REQUEST)
        replacements = {"send_letter": broken.send_letter}
        stuck_at = Stage.PEER_REVIEW
    async with worker_with(client, store, settings, replacements):
        cycle = await start_cycle(client, store, settings.task_queue, ["DEU", "FRA", "MEX", "NAM"])
        state = await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        await submit_example_sa(client, store, cycle, "DEU")
        if stuck_at is Stage.CEDAW_CHECK:
            # Peer reviews are taken once the review has moved on to them, not before.
            await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
            for slot in state.reviewers:
                await submit_pr(client, store, cycle, "DEU", slot.member)
            await answer_all(client, store, cycle, "DEU")
        await at_stage(client, cycle, "DEU", stuck_at)
        while broken.failures < 2:  # failing, and retried
            await asyncio.sleep(0.2)
        withdrawn = await asyncio.wait_for(
            steps.review_step(
                client,
                store,
                cycle,
                "DEU",
                "withdraw",
                Withdraw(actor=store.people.actor(SECRETARIAT), reason="Plan under revision"),
            ),
            30,
        )
        summary = await asyncio.wait_for(handle(client, cycle, "DEU").result(), 30)
    assert withdrawn.stage is Stage.WITHDRAWN and summary.outcome is Stage.WITHDRAWN
    assert [ref.kind for ref in summary.letters][-1] is LetterKind.WITHDRAWAL
    assert summary.withdrawn_reason == "Plan under revision"
    stored = {row.kind for row in store.letters.list(cycle=cycle, member="DEU")}
    assert LetterKind.WITHDRAWAL.value in stored
