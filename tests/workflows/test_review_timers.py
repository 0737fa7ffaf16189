"""Every timer path of a review on the time-skipping server: reminders, overdue notices, extensions.

Steps travel as signals here (updates are unreliable on the time-skipping server, and awaiting
one does not skip time). Time only moves when a test skips it; what a person would check is the
letters in the store, the review's state, its search attributes and the dashboard projection.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import TypeVar

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.common import SearchAttributeIndexedValueType
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from napreview.letters.addresses import SECRETARIAT_NAMES
from napreview.schemas.examples import example_peer_review, example_self_assessment
from napreview.schemas.letters import LetterKind
from napreview.schemas.members import Language
from napreview.schemas.review import (
    Decision,
    Durations,
    Extend,
    RespondToRecommendations,
    ReviewerStatus,
    ReviewState,
    SignOff,
    Stage,
    SubmitPeerReview,
    SubmitSelfAssessment,
    Withdraw,
)
from napreview.schemas.submissions import DocumentKind, RecommendationResponse
from napreview.store.letters import Letter
from napreview.store.records import Store
from napreview.workflows import contract

from .. import helpers
from ..conftest import running_worker
from ..helpers import SECRETARIAT, fp, handle, start_cycle

# DEU (WEOG) draws one reviewer from each of the other three groups: no rule is relaxed.
MEMBERS = ["DEU", "MEX", "NAM", "JPN"]
HOUR = timedelta(hours=1)
T = TypeVar("T")


_clock: list[WorkflowEnvironment] = []


async def signal(client: Client, cycle: str, member: str, step: str, command) -> None:
    """Signed at the time-skipping server's time: the review checks a proof is fresh by it."""
    at = await _clock[0].get_current_time() if _clock else None
    await helpers.signal(client, cycle, member, step, command, at=at)


@pytest.fixture(autouse=True)
def no_delivery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Letters are stored, not delivered, here: the time-skipping server cannot skip time past a
    delivery activity left waiting on the task queue of a worker that a finished test stopped.
    Delivery is tested on the dev server (tests/test_delivery.py)."""
    monkeypatch.setenv("NAPREVIEW_DELIVER_LETTERS", "false")


@pytest.fixture(scope="session")
async def ts_env(time_env: WorkflowEnvironment) -> WorkflowEnvironment:
    """The time-skipping server with napreview's search attributes registered.

    Without them the cycle cannot start its reviews ("search attribute NapCycle is not defined").
    """
    kinds = {
        SearchAttributeIndexedValueType.KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        SearchAttributeIndexedValueType.BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
    }
    request = AddSearchAttributesRequest(
        namespace=time_env.client.namespace,
        search_attributes={k.name: kinds[k.indexed_value_type] for k in contract.SEARCH_ATTRIBUTES},
    )
    try:
        await time_env.client.operator_service.add_search_attributes(request)
    except RPCError as err:  # registered by an earlier session fixture on the same server
        if "already" not in err.message.lower():
            raise
    _clock[:] = [time_env]
    return time_env


@asynccontextmanager
async def cycle_running(
    env: WorkflowEnvironment, store: Store, tmp_path, durations: Durations | None = None
) -> AsyncIterator[str]:
    """A cycle with a worker; afterwards every review is withdrawn and the cycle ends.

    The time-skipping server's clock is shared, and it stops while any activity or workflow task
    waits: a review left behind (or terminated under a pending activity) would freeze the clock
    for every later test. So the worker winds everything down before it stops.
    """
    client = env.client
    async with running_worker(client, store, tmp_path) as settings:
        # Signed at the server's clock, which earlier tests have moved on.
        now = await env.get_current_time()
        cycle = await start_cycle(
            client, store, settings.task_queue, MEMBERS, durations=durations, at=now
        )
        try:
            yield cycle
        finally:
            withdraw = Withdraw(actor=store.people.actor(SECRETARIAT), reason="End of test")
            for member in MEMBERS:
                await no_activity_running(client, cycle, member)
                with contextlib.suppress(RPCError):  # already completed
                    await signal(client, cycle, member, "withdraw", withdraw)
            cycle_handle = client.get_workflow_handle(contract.cycle_workflow_id(cycle))
            await asyncio.wait_for(cycle_handle.result(), timeout=30)
            for member in MEMBERS:  # an approved review's follow-up would wait for years
                await follow_up_ended(client, cycle, member)


async def follow_up_ended(client: Client, cycle: str, member: str) -> None:
    """End the follow-up an approved review started, once no activity of it is in flight (its
    reminder, a year on, would otherwise fire for a worker long stopped and stop the clock)."""
    handle = client.get_workflow_handle(contract.follow_up_workflow_id(cycle, member))
    for _ in range(100):
        try:
            description = await handle.describe()
        except RPCError:  # the review was not approved: no follow-up
            return
        if description.close_time is not None:
            return
        if not description.raw_description.pending_activities:
            await handle.terminate("end of test")
            return
        await asyncio.sleep(0.1)


async def no_activity_running(client: Client, cycle: str, member: str) -> None:
    """Wait until the review has no activity in flight (its clock is stopped meanwhile).

    A withdrawal cancels the review's running work. Should that work finish while the
    cancellation is on its way, the time-skipping server (unlike Temporal's own server, which
    finds the completion buffered and drops the cancellation) fails the workflow task with
    ACTIVITY_UNKNOWN and the review stalls past the test's end.
    """
    handle = client.get_workflow_handle(contract.review_workflow_id(cycle, member))
    for _ in range(100):
        try:
            description = await handle.describe()
        except RPCError:  # no such review
            return
        if not description.raw_description.pending_activities:
            return
        await asyncio.sleep(0.1)


# ---------------------------------------------------------------- small steps


async def until(probe: Callable[[], Awaitable[T | None]], what: str, timeout: float = 15.0) -> T:
    """Poll until ``probe`` gives something truthy: activities run in real time after a skip."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    last: T | None = None
    while loop.time() < end:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what} never happened (last seen: {last!r})")


async def state(client: Client, cycle: str, member: str) -> ReviewState:
    return await handle(client, cycle, member).query("state", result_type=ReviewState)


async def state_when(
    client: Client, cycle: str, member: str, ready: Callable[[ReviewState], bool], what: str
) -> ReviewState:
    async def probe() -> ReviewState | None:
        try:
            found = await state(client, cycle, member)
        except RPCError:  # the cycle has not started this review yet
            return None
        return found if ready(found) else None

    return await until(probe, what)


def letters(store: Store, cycle: str, member: str, kind: LetterKind) -> list[Letter]:
    return [
        store.letters.get(s.id)
        for s in store.letters.list(cycle=cycle, member=member, kind=kind.value)
    ]


async def letters_when(
    store: Store, cycle: str, member: str, kind: LetterKind, count: int
) -> list[Letter]:
    async def probe() -> list[Letter] | None:
        found = letters(store, cycle, member, kind)
        return found if len(found) >= count else None

    found = await until(probe, f"{count} {kind.value} letter(s) for {member}")
    assert len(found) == count, [(r.kind, r.recipient) for r in found]
    return found


async def skip_to(env: WorkflowEnvironment, when: datetime) -> None:
    """Move the server's clock to ``when`` (never backwards)."""
    now = await env.get_current_time()
    if when > now:
        await env.sleep(when - now)


async def search_attribute(client: Client, cycle: str, member: str, key, expected) -> None:
    async def probe() -> bool:
        found = (await handle(client, cycle, member).describe()).typed_search_attributes
        return found.get(key) == expected

    await until(probe, f"{key.name} = {expected!r} on the review of {member}")


async def invited(client: Client, store: Store, cycle: str, member: str) -> ReviewState:
    await letters_when(store, cycle, member, LetterKind.INVITATION, 1)
    return await state(client, cycle, member)


async def send_self_assessment(client: Client, store: Store, cycle: str, member: str) -> None:
    actor = store.people.actor(fp(member))
    ref = store.documents.save(
        kind=DocumentKind.SELF_ASSESSMENT,
        cycle=cycle,
        member=member,
        submitted_by=actor.email,
        body=example_self_assessment(store.members.get(member)).model_dump(mode="json"),
    )
    await signal(
        client,
        cycle,
        member,
        "submit_self_assessment",
        SubmitSelfAssessment(actor=actor, document=ref),
    )


async def send_peer_review(
    client: Client, store: Store, cycle: str, member: str, reviewer: str
) -> None:
    actor = store.people.actor(fp(reviewer))
    ref = store.documents.save(
        kind=DocumentKind.PEER_REVIEW,
        cycle=cycle,
        member=member,
        reviewer=reviewer,
        submitted_by=actor.email,
        body=example_peer_review().model_dump(mode="json"),
    )
    await signal(
        client, cycle, member, "submit_peer_review", SubmitPeerReview(actor=actor, document=ref)
    )


async def at_sign_off(client: Client, store: Store, cycle: str, member: str) -> ReviewState:
    """The member's review taken to sign-off: invited, its self-assessment, every peer review,
    every recommendation answered."""
    await invited(client, store, cycle, member)
    await send_self_assessment(client, store, cycle, member)
    review = await state_when(
        client, cycle, member, lambda s: s.stage is Stage.PEER_REVIEW, "peer review"
    )
    for slot in review.reviewers:
        await send_peer_review(client, store, cycle, member, slot.member)
    await send_answers(client, store, cycle, member)
    return await state_when(client, cycle, member, lambda s: s.stage is Stage.SIGN_OFF, "sign-off")


async def send_answers(client: Client, store: Store, cycle: str, member: str) -> ReviewState:
    """Once every peer review is in, the member marks each recommendation supported."""
    review = await state_when(
        client,
        cycle,
        member,
        lambda s: all(r.status is not ReviewerStatus.ACTIVE for r in s.reviewers),
        "all peer reviews in",
    )
    keys = [
        f"{r.member}#{n}"
        for r in review.reviewers
        if r.status is ReviewerStatus.SUBMITTED
        for n in range(1, r.recommendations + 1)
    ]
    await signal(
        client,
        cycle,
        member,
        "respond_to_recommendations",
        RespondToRecommendations(
            actor=store.people.actor(fp(member)),
            responses=dict.fromkeys(keys, RecommendationResponse.SUPPORTED),
        ),
    )
    return review


async def send_extension(
    client: Client, store: Store, cycle: str, member: str, by: timedelta, reason: str
) -> None:
    await signal(
        client,
        cycle,
        member,
        "extend",
        Extend(actor=store.people.actor(SECRETARIAT), by=by, reason=reason),
    )


def slot_of(review: ReviewState, reviewer: str):
    return next(s for s in review.reviewers if s.member == reviewer)


# ---------------------------------------------------------------- self-assessment


async def test_reminder_then_overdue_notice_and_the_review_keeps_waiting(ts_env, store, tmp_path):
    client = ts_env.client
    async with cycle_running(ts_env, store, tmp_path) as cycle:
        review = await invited(client, store, cycle, "DEU")
        deadline = review.deadline
        assert deadline is not None and deadline.remind_at == deadline.due - timedelta(days=7)

        await skip_to(ts_env, deadline.remind_at - HOUR)
        review = await state(client, cycle, "DEU")
        assert review.deadline.reminded is False
        assert letters(store, cycle, "DEU", LetterKind.REMINDER) == []

        await skip_to(ts_env, deadline.remind_at + HOUR)
        [reminder] = await letters_when(store, cycle, "DEU", LetterKind.REMINDER, 1)
        assert reminder.recipient == fp("DEU")
        assert (await state(client, cycle, "DEU")).overdue is False

        await skip_to(ts_env, deadline.due - HOUR)
        review = await state(client, cycle, "DEU")
        assert review.overdue is False and review.deadline.overdue is False
        assert letters(store, cycle, "DEU", LetterKind.OVERDUE) == []

        await skip_to(ts_env, deadline.due + HOUR)
        [notice] = await letters_when(store, cycle, "DEU", LetterKind.OVERDUE, 1)
        assert notice.recipient == fp("DEU")
        assert SECRETARIAT_NAMES[Language.EN] in notice.copy_to
        review = await state_when(client, cycle, "DEU", lambda s: s.overdue, "overdue flag")
        assert review.stage is Stage.SELF_ASSESSMENT
        await search_attribute(client, cycle, "DEU", contract.NAP_OVERDUE, True)
        await search_attribute(client, cycle, "DEU", contract.NAP_STAGE, "self_assessment")
        await search_attribute(client, cycle, "DEU", contract.NAP_OVERDUE, True)

        # Still waiting: the late self-assessment is taken and the review moves on, not overdue.
        await send_self_assessment(client, store, cycle, "DEU")
        review = await state_when(
            client, cycle, "DEU", lambda s: s.stage is Stage.PEER_REVIEW, "peer review"
        )
        assert review.overdue is False and len(review.self_assessments) == 1
        await search_attribute(client, cycle, "DEU", contract.NAP_OVERDUE, False)
        # One reminder and one notice, never repeated.
        assert len(letters(store, cycle, "DEU", LetterKind.REMINDER)) == 1
        assert len(letters(store, cycle, "DEU", LetterKind.OVERDUE)) == 1


async def test_extension_moves_the_deadline_and_the_notices_follow_it(ts_env, store, tmp_path):
    client = ts_env.client
    async with cycle_running(ts_env, store, tmp_path) as cycle:
        first = (await invited(client, store, cycle, "DEU")).deadline
        assert first is not None and first.remind_at is not None

        # An early extension: neither notice goes out at the old dates.
        await send_extension(client, store, cycle, "DEU", timedelta(days=20), "Elections")
        review = await state_when(client, cycle, "DEU", lambda s: s.extensions, "extension")
        second = review.deadline
        assert second.due == first.due + timedelta(days=20)
        assert second.remind_at == first.remind_at + timedelta(days=20)
        [record] = review.extensions
        assert (
            store.people.emails([record.by])[record.by],
            record.reason,
            record.new_deadline,
        ) == (
            SECRETARIAT,
            "Elections",
            second.due,
        )

        await skip_to(ts_env, first.due + HOUR)
        review = await state(client, cycle, "DEU")
        assert review.deadline.reminded is False and review.overdue is False
        assert letters(store, cycle, "DEU", LetterKind.REMINDER) == []
        assert letters(store, cycle, "DEU", LetterKind.OVERDUE) == []

        await skip_to(ts_env, second.remind_at + HOUR)
        await letters_when(store, cycle, "DEU", LetterKind.REMINDER, 1)
        await skip_to(ts_env, second.due + HOUR)
        await letters_when(store, cycle, "DEU", LetterKind.OVERDUE, 1)
        await state_when(client, cycle, "DEU", lambda s: s.overdue, "overdue flag")
        await search_attribute(client, cycle, "DEU", contract.NAP_OVERDUE, True)

        # An extension after the deadline clears the flag; new notices follow the new date.
        await send_extension(client, store, cycle, "DEU", timedelta(days=10), "Cabinet reshuffle")
        review = await state_when(
            client, cycle, "DEU", lambda s: len(s.extensions) == 2, "second extension"
        )
        third = review.deadline
        assert third.due == second.due + timedelta(days=10)
        assert review.overdue is False and review.stage is Stage.SELF_ASSESSMENT
        await search_attribute(client, cycle, "DEU", contract.NAP_OVERDUE, False)

        await skip_to(ts_env, third.remind_at + HOUR)
        reminders = await letters_when(store, cycle, "DEU", LetterKind.REMINDER, 2)
        await skip_to(ts_env, third.due + HOUR)
        notices = await letters_when(store, cycle, "DEU", LetterKind.OVERDUE, 2)
        assert {r.recipient for r in reminders + notices} == {fp("DEU")}
        await state_when(client, cycle, "DEU", lambda s: s.overdue, "overdue again")
        await search_attribute(client, cycle, "DEU", contract.NAP_OVERDUE, True)


async def test_no_reminder_when_the_stage_is_shorter_than_the_reminder_lead(
    ts_env, store, tmp_path
):
    client = ts_env.client
    short = Durations(
        self_assessment=timedelta(days=5),
        peer_review=timedelta(days=3),
        sign_off=timedelta(days=14),
        reminder=timedelta(days=7),
    )
    async with cycle_running(ts_env, store, tmp_path, short) as cycle:
        review = await invited(client, store, cycle, "DEU")
        assert review.deadline.remind_at is None

        await skip_to(ts_env, review.deadline.due + HOUR)
        await letters_when(store, cycle, "DEU", LetterKind.OVERDUE, 1)
        assert letters(store, cycle, "DEU", LetterKind.REMINDER) == []

        await send_self_assessment(client, store, cycle, "DEU")
        review = await state_when(
            client, cycle, "DEU", lambda s: s.stage is Stage.PEER_REVIEW, "peer review"
        )
        assert all(s.deadline.remind_at is None for s in review.reviewers)
        await skip_to(ts_env, review.reviewers[0].deadline.due + HOUR)
        # One overdue notice for the self-assessment, one for each reviewer; no reminder at all.
        notices = await letters_when(store, cycle, "DEU", LetterKind.OVERDUE, 4)
        assert {n.recipient for n in notices[1:]} == {fp(s.member) for s in review.reviewers}
        assert letters(store, cycle, "DEU", LetterKind.REMINDER) == []


# ---------------------------------------------------------------- peer review and sign-off


async def test_peer_review_reminders_and_overdue_notices_go_to_each_late_reviewer(
    ts_env, store, tmp_path
):
    client = ts_env.client
    async with cycle_running(ts_env, store, tmp_path) as cycle:
        await invited(client, store, cycle, "DEU")
        await send_self_assessment(client, store, cycle, "DEU")
        review = await state_when(
            client, cycle, "DEU", lambda s: s.stage is Stage.PEER_REVIEW, "peer review"
        )
        reviewers = [s.member for s in review.reviewers]
        requests = await letters_when(store, cycle, "DEU", LetterKind.REVIEW_REQUEST, 3)
        assert sorted(r.recipient for r in requests) == sorted(fp(m) for m in reviewers)
        deadline = review.reviewers[0].deadline
        assert deadline.due - deadline.remind_at == timedelta(days=7)

        # The first reviewer answers at once; only the other two are chased.
        punctual, *late = reviewers
        await send_peer_review(client, store, cycle, "DEU", punctual)
        await state_when(
            client,
            cycle,
            "DEU",
            lambda s: slot_of(s, punctual).status is ReviewerStatus.SUBMITTED,
            "first peer review",
        )

        await skip_to(ts_env, deadline.remind_at + HOUR)
        reminders = await letters_when(store, cycle, "DEU", LetterKind.REMINDER, 2)
        assert sorted(r.recipient for r in reminders) == sorted(fp(m) for m in late)

        await skip_to(ts_env, deadline.due + HOUR)
        notices = await letters_when(store, cycle, "DEU", LetterKind.OVERDUE, 2)
        assert sorted(n.recipient for n in notices) == sorted(fp(m) for m in late)
        # The secretariat is named in copy in each notice's language.
        assert all(set(SECRETARIAT_NAMES.values()) & set(n.copy_to) for n in notices)
        review = await state_when(client, cycle, "DEU", lambda s: s.overdue, "overdue flag")
        assert review.stage is Stage.PEER_REVIEW
        assert {s.member for s in review.reviewers if s.overdue} == set(late)
        await search_attribute(client, cycle, "DEU", contract.NAP_OVERDUE, True)
        await search_attribute(client, cycle, "DEU", contract.NAP_STAGE, "peer_review")

        # One late review arrives: the other reviewer still holds the review up.
        await send_peer_review(client, store, cycle, "DEU", late[0])
        review = await state_when(
            client,
            cycle,
            "DEU",
            lambda s: slot_of(s, late[0]).status is ReviewerStatus.SUBMITTED,
            "a late peer review",
        )
        assert review.overdue is True and review.stage is Stage.PEER_REVIEW

        # The secretariat gives the last reviewer more time: not overdue, chased again later.
        await send_extension(client, store, cycle, "DEU", timedelta(days=14), "Mission visit")
        review = await state_when(client, cycle, "DEU", lambda s: s.extensions, "extension")
        assert review.overdue is False
        assert slot_of(review, late[1]).deadline.due == deadline.due + timedelta(days=14)
        await search_attribute(client, cycle, "DEU", contract.NAP_OVERDUE, False)
        await skip_to(ts_env, deadline.due + timedelta(days=14) + HOUR)
        notices = await letters_when(store, cycle, "DEU", LetterKind.OVERDUE, 3)
        assert notices[-1].recipient == fp(late[1])
        reminders = await letters_when(store, cycle, "DEU", LetterKind.REMINDER, 3)
        assert reminders[-1].recipient == fp(late[1])

        await send_peer_review(client, store, cycle, "DEU", late[1])
        await send_answers(client, store, cycle, "DEU")
        review = await state_when(
            client, cycle, "DEU", lambda s: s.stage is Stage.SIGN_OFF, "sign-off"
        )
        assert review.overdue is False
        # Nobody who answered on time was ever chased.
        chased = letters(store, cycle, "DEU", LetterKind.REMINDER) + letters(
            store, cycle, "DEU", LetterKind.OVERDUE
        )
        assert fp(punctual) not in {letter.recipient for letter in chased}


async def test_sign_off_reminder_and_overdue_notice_go_to_the_secretariat(ts_env, store, tmp_path):
    client = ts_env.client
    async with cycle_running(ts_env, store, tmp_path) as cycle:
        review = await at_sign_off(client, store, cycle, "DEU")
        deadline = review.deadline
        assert deadline.due - deadline.remind_at == timedelta(days=7)
        secretariat = store.people.secretariat_email()

        await skip_to(ts_env, deadline.remind_at + HOUR)
        [reminder] = await letters_when(store, cycle, "DEU", LetterKind.REMINDER, 1)
        assert reminder.recipient == secretariat

        await skip_to(ts_env, deadline.due + HOUR)
        [notice] = await letters_when(store, cycle, "DEU", LetterKind.OVERDUE, 1)
        assert notice.recipient == secretariat
        review = await state_when(client, cycle, "DEU", lambda s: s.overdue, "overdue flag")
        assert review.stage is Stage.SIGN_OFF
        await search_attribute(client, cycle, "DEU", contract.NAP_OVERDUE, True)

        await signal(
            client,
            cycle,
            "DEU",
            "sign_off",
            SignOff(actor=store.people.actor(SECRETARIAT), decision=Decision.APPROVE),
        )
        result = await handle(client, cycle, "DEU").result()
        assert result.outcome is Stage.COMPLETED
        await search_attribute(client, cycle, "DEU", contract.NAP_OVERDUE, False)


async def test_unanswered_recommendations_stand_as_noted_once_the_time_to_answer_passes(
    ts_env, store, tmp_path
):
    client = ts_env.client
    async with cycle_running(ts_env, store, tmp_path) as cycle:
        await invited(client, store, cycle, "DEU")
        await send_self_assessment(client, store, cycle, "DEU")
        review = await state_when(
            client, cycle, "DEU", lambda s: s.stage is Stage.PEER_REVIEW, "peer review"
        )
        for slot in review.reviewers:
            await send_peer_review(client, store, cycle, "DEU", slot.member)
        waiting = await state_when(
            client, cycle, "DEU", lambda s: s.answers_due is not None, "waiting for answers"
        )
        # Not yet: the secretariat cannot sign off while the member may still answer.
        assert waiting.stage is Stage.PEER_REVIEW
        assert waiting.answers_due - waiting.reviewers[0].deadline.due < timedelta(0)

        await skip_to(ts_env, waiting.answers_due + HOUR)
        review = await state_when(
            client, cycle, "DEU", lambda s: s.stage is Stage.SIGN_OFF, "sign-off"
        )
        keys = [f"{r.member}#{n}" for r in review.reviewers for n in (1, 2)]
        assert sorted(review.noted_by_default) == sorted(keys)
        assert review.responses == {}  # nobody answered: they stand as noted, unmarked

        await signal(
            client,
            cycle,
            "DEU",
            "sign_off",
            SignOff(actor=store.people.actor(SECRETARIAT), decision=Decision.APPROVE),
        )
        [final] = await letters_when(store, cycle, "DEU", LetterKind.FINAL_FEEDBACK, 1)
        assert final.body_text.count("Noted (no response given)") == len(keys)
