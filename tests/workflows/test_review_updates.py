"""Every step through its update on the real dev server: the happy path and every refusal of §4."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import update
from temporalio.client import WorkflowExecutionStatus

from napreview.schemas.letters import LetterKind
from napreview.schemas.review import (
    Decision,
    Extend,
    ReviewerStatus,
    SignOff,
    Stage,
    SubmitSelfAssessment,
    Withdraw,
)
from napreview.schemas.submissions import DocumentRef
from napreview.services import documents, steps
from napreview.services.errors import InvalidInput, NotFoundError, StepRefused
from napreview.store.tables import DocumentRow

from ..conftest import running_worker
from ..helpers import (
    AUDITOR,
    SECRETARIAT,
    answer_all,
    at_stage,
    fp,
    handle,
    signal,
    start_cycle,
    state_when,
    submit_pr,
    submit_sa,
)

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN", "AU"]


async def test_germany_driven_to_completed_step_by_step(dev_env, store, tmp_path):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        state = await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        reviewers = [s.member for s in state.reviewers]
        assert len(reviewers) == 3 and "DEU" not in reviewers

        state = await submit_sa(client, store, cycle, "DEU")
        state = await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
        for reviewer in reviewers:
            await submit_pr(client, store, cycle, "DEU", reviewer)
        await answer_all(client, store, cycle, "DEU")
        state = await at_stage(client, cycle, "DEU", Stage.SIGN_OFF)
        assert state.cedaw is not None and state.cedaw.rating.value == "partial"

        secretariat = store.people.actor(SECRETARIAT)
        state = await steps.review_step(
            client,
            store,
            cycle,
            "DEU",
            "sign_off",
            SignOff(actor=secretariat, decision=Decision.APPROVE, comments="Well done."),
        )
        assert state.stage is Stage.COMPLETED
        result = await handle(client, cycle, "DEU").result()
        assert result.outcome is Stage.COMPLETED
        assert set(result.peer_reviews) == set(reviewers)
        kinds = [letter.kind for letter in result.letters]
        assert kinds[0] is LetterKind.INVITATION
        assert kinds.count(LetterKind.REVIEW_REQUEST) == 3
        assert kinds[-1] is LetterKind.FINAL_FEEDBACK
        stored = store.letters.list(cycle=cycle, member="DEU")
        assert {r.id for r in stored} == {letter.id for letter in result.letters}
        description = await handle(client, cycle, "DEU").describe()
        assert description.status == WorkflowExecutionStatus.COMPLETED


async def _refused(coro, fragment: str) -> None:
    with pytest.raises(StepRefused) as info:
        await coro
    assert fragment in str(info.value)


async def test_every_refusal_answers_and_changes_nothing(dev_env, store, tmp_path):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        before = await state_when(client, cycle, "DEU", lambda s: s.letters)
        reviewer = before.reviewers[0].member
        outsider = next(
            m for m in MEMBERS if m != "DEU" and m not in [s.member for s in before.reviewers]
        )

        # the wrong person: another member's focal point, the secretariat, an auditor
        await _refused(submit_sa(client, store, cycle, "DEU", fp("FRA")), "only the focal point of")
        await _refused(submit_sa(client, store, cycle, "DEU", SECRETARIAT), "only the focal point")
        await _refused(submit_sa(client, store, cycle, "DEU", AUDITOR), "only the focal point")
        # out of turn: a peer review before peer review, a sign-off before sign-off
        await _refused(submit_pr(client, store, cycle, "DEU", reviewer), "not peer review")
        secretariat = store.people.actor(SECRETARIAT)
        await _refused(
            steps.review_step(
                client,
                store,
                cycle,
                "DEU",
                "sign_off",
                SignOff(actor=secretariat, decision=Decision.APPROVE),
            ),
            "not sign off",
        )
        # a focal point may not extend or withdraw
        focal_point = store.people.actor(fp("DEU"))
        await _refused(
            steps.review_step(
                client, store, cycle, "DEU", "withdraw", Withdraw(actor=focal_point, reason="no")
            ),
            "only the secretariat",
        )
        after = await steps.review_state(client, cycle, "DEU")
        assert after.stage is Stage.SELF_ASSESSMENT
        assert after.self_assessments == [] and after.letters == before.letters
        assert len(store.refusals.of_review(cycle, "DEU")) == 6

        # twice: the second self-assessment is refused
        await submit_sa(client, store, cycle, "DEU")
        await _refused(submit_sa(client, store, cycle, "DEU"), "already submitted")
        await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
        # a member that was not drawn, and the member itself, cannot review
        await _refused(submit_pr(client, store, cycle, "DEU", outsider), "not one of the reviewers")
        await _refused(submit_pr(client, store, cycle, "DEU", "DEU"), "own member")
        await submit_pr(client, store, cycle, "DEU", reviewer)
        await _refused(submit_pr(client, store, cycle, "DEU", reviewer), "already submitted")
        state = await steps.review_state(client, cycle, "DEU")
        assert [s.status for s in state.reviewers].count(ReviewerStatus.SUBMITTED) == 1


async def test_a_refused_signal_is_recorded_and_changes_nothing(dev_env, store, tmp_path):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        intruder = store.people.actor(fp("FRA"))
        await signal(
            client, cycle, "DEU", "extend", Extend(actor=intruder, by="P14D", reason="please")
        )
        state = await state_when(client, cycle, "DEU", lambda s: s.rejected)
        assert state.rejected[0].step == "extend"
        assert "only the secretariat" in state.rejected[0].reason
        assert state.extensions == [] and state.stage is Stage.SELF_ASSESSMENT


async def test_withdrawal_ends_the_review_with_a_letter(dev_env, store, tmp_path):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        await at_stage(client, cycle, "FRA", Stage.SELF_ASSESSMENT)
        secretariat = store.people.actor(SECRETARIAT)
        state = await steps.review_step(
            client,
            store,
            cycle,
            "FRA",
            "withdraw",
            Withdraw(actor=secretariat, reason="Membership suspended"),
        )
        assert state.stage is Stage.WITHDRAWN
        result = await handle(client, cycle, "FRA").result()
        assert result.letters[-1].kind is LetterKind.WITHDRAWAL
        assert result.withdrawn_reason == "Membership suspended"
        letter = store.letters.get(result.letters[-1].id)
        assert letter.language == "fr"

        # A step on the finished review: "already done" with the day, not "not found"; recorded.
        with pytest.raises(StepRefused) as refused:
            await submit_sa(client, store, cycle, "FRA")
        closed = await handle(client, cycle, "FRA").describe()
        assert str(refused.value) == (
            f"The review of France in cycle {cycle} was withdrawn on "
            f"{closed.close_time:%d %B %Y}; nothing more can change."
        )
        recorded = store.refusals.of_review(cycle, "FRA")
        assert [(r.step, r.reason) for r in recorded][-1] == (
            "submit_self_assessment",
            str(refused.value),
        )


def _documents(store) -> int:
    return sum(store.documents.count().values())


def _forget_taken(store, document_id: str) -> None:  # type: ignore[no-untyped-def]
    """As if the front end had died before recording that its review took the document."""
    with store.engine.begin() as connection:
        connection.execute(
            update(DocumentRow).where(DocumentRow.id == document_id).values(taken_at=None)
        )


async def test_a_document_is_kept_only_when_its_review_takes_it(dev_env, store, tmp_path):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        before = _documents(store)
        # A review that does not exist: nothing is stored.
        with pytest.raises(NotFoundError):
            await submit_sa(client, store, "1999-none", "DEU")
        # Refused (the wrong person, out of turn): stored a moment, removed again.
        await _refused(submit_sa(client, store, cycle, "DEU", fp("FRA")), "only the focal point")
        state = await steps.review_state(client, cycle, "DEU")
        await _refused(
            submit_pr(client, store, cycle, "DEU", state.reviewers[0].member), "not peer review"
        )
        assert _documents(store) == before
        await submit_sa(client, store, cycle, "DEU")
        assert _documents(store) == before + 1
        # Taken by the review (without an activity, since patch 'documents-signed'): a sweep
        # with no grace at all leaves it.
        secretariat = store.people.actor(SECRETARIAT)
        held = documents.held_by_reviews(client)
        swept = await documents.sweep(store, secretariat, held, timedelta(0))
        assert (swept.removed, swept.taken, swept.unasked) == (0, 0, 0)
        assert _documents(store) == before + 1
        # The front end died between its review taking the document and the store recording
        # it: the review is asked, says it holds it, and the sweep records it instead.
        state = await steps.review_state(client, cycle, "DEU")
        taken = state.self_assessments[-1].id
        _forget_taken(store, taken)
        swept = await documents.sweep(store, secretariat, held, timedelta(0))
        assert (swept.removed, swept.taken, swept.unasked) == (0, 1, 0)
        assert store.documents.get(taken).id == taken
    # No worker answers for the review: its unrecorded documents are kept for a later sweep.
    _forget_taken(store, taken)
    held = documents.held_by_reviews(client, wait=timedelta(seconds=1))
    swept = await documents.sweep(store, secretariat, held, timedelta(0))
    assert (swept.removed, swept.taken, swept.unasked) == (0, 0, 1)
    assert store.documents.get(taken).id == taken


async def test_only_a_document_the_store_holds_for_the_step_is_signed(dev_env, store, tmp_path):
    """The review takes a signed document without reading it again (patch 'documents-signed'):
    a step naming a document the store does not hold, or holds for another review or person,
    is refused before anything is signed or sent."""
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        await at_stage(client, cycle, "FRA", Stage.SELF_ASSESSMENT)
        germany = store.people.actor(fp("DEU"))
        unknown = DocumentRef(id="0" * 32, sha256="0" * 64)
        with pytest.raises(NotFoundError):
            await steps.review_step(
                client, store, cycle, "DEU", "submit_self_assessment",
                SubmitSelfAssessment(actor=germany, document=unknown),
            )  # fmt: skip
        await submit_sa(client, store, cycle, "FRA")
        france_document = (await steps.review_state(client, cycle, "FRA")).self_assessments[-1]
        with pytest.raises(InvalidInput, match="not the one this step sends"):
            await steps.review_step(
                client, store, cycle, "DEU", "submit_self_assessment",
                SubmitSelfAssessment(actor=germany, document=france_document),
            )  # fmt: skip
        state = await steps.review_state(client, cycle, "DEU")
        assert state.stage is Stage.SELF_ASSESSMENT and state.self_assessments == []
        history = await handle(client, cycle, "DEU").fetch_history()
        assert not [
            e
            for e in history.events
            if e.HasField("workflow_execution_update_accepted_event_attributes")
        ]


async def test_a_step_given_up_stays_given_up(dev_env, store, tmp_path):
    """A step whose caller gives up (a timeout, a closed request, Ctrl-C) ends as asyncio says:
    cancelled, or timed out under ``wait_for``; not as "the server did not answer", which a
    caller that tries again after errors would take as a reason to go on for ever."""
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
    # No worker now: the review cannot answer, so the step waits until it is given up.
    step = asyncio.create_task(submit_sa(client, store, cycle, "DEU"))
    await asyncio.sleep(1)
    assert not step.done()
    step.cancel()
    with pytest.raises(asyncio.CancelledError):
        await step
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(submit_sa(client, store, cycle, "DEU"), 1)
