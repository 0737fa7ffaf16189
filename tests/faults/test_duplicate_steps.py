"""Every step of every review sent again and again: the very same signed command twice as an
update and twice as a raw signal, all at once; then once more of each after it was taken; then
the same command signed afresh, as a person pressing the button again. Each review moves once per
step; every copy of a signed command is refused as already received (the nonce) and, where it
reached the review's code, recorded in its state; every fresh copy is refused out of turn and
recorded in the store (but the answers to recommendations, which may be given again until the
sign-off and change nothing when the same); no document or letter is there twice."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from napreview.people import signing
from napreview.schemas.examples import example_peer_review
from napreview.schemas.review import (
    Command,
    Decision,
    RespondToRecommendations,
    ReviewerStatus,
    ReviewState,
    SignOff,
    Stage,
    StepTaken,
    SubmitPeerReview,
    SubmitSelfAssessment,
)
from napreview.schemas.submissions import DocumentKind, RecommendationResponse
from napreview.services import steps
from napreview.services.errors import StepRefused
from napreview.store.records import Store
from napreview.temporal.updates import execute_update
from napreview.workflows import contract

from ..conftest import settings_for
from ..helpers import SECRETARIAT, fp, start_cycle
from .checks import assert_sound, runs_of, stored_documents
from .people import active, past, prepare_self_assessment, unanswered
from .workers import WorkerProcesses

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN", "NOR"]
REPLAYED = "This step was already received; it is not taken twice."
TIMEOUT = 120.0


class Sent:
    """What one review was sent and how the sender was answered."""

    def __init__(self) -> None:
        self.taken_by_update: Counter[str] = Counter()
        self.refused_by_update: Counter[str] = Counter()  # refused by the review, any copy
        # Refused by the server: the review had ended.
        self.closed_update: Counter[str] = Counter()
        self.closed_signal: Counter[str] = Counter()
        self.fresh_refused = 0
        self.fresh_taken: Counter[str] = Counter()


async def send_over_and_over(
    client: Client,
    store: Store,
    cycle: str,
    member: str,
    step: str,
    command: Command,
    sent: Sent,
    taken: Callable[[ReviewState], bool],
) -> None:
    """The same signed command as two updates and two signals at once, then, once the review
    shows the step taken, once more as an update and as a signal; then signed afresh."""
    workflow_id = contract.review_workflow_id(cycle, member)
    handle = client.get_workflow_handle(workflow_id)
    signed = signing.signer().sign(step, workflow_id, command)

    async def update() -> None:
        try:
            # As the doors send it (temporal/updates.py): sent again while the server says the
            # review could not take it yet (its task failed: it was ending as a copy came).
            await execute_update(handle, f"do_{step}", signed, result_type=StepTaken)
            sent.taken_by_update[step] += 1
        except WorkflowUpdateFailedError as err:
            assert REPLAYED in str(err.cause), f"{member} {step}: {err.cause}"
            sent.refused_by_update[step] += 1
        except RPCError as err:
            assert err.status == RPCStatusCode.NOT_FOUND, err
            assert steps.closed_review(err), err
            sent.closed_update[step] += 1

    async def signal() -> None:
        try:
            await handle.signal(step, signed)
        except RPCError as err:
            assert err.status == RPCStatusCode.NOT_FOUND, err
            sent.closed_signal[step] += 1

    await asyncio.gather(update(), update(), signal(), signal())
    # A signal that took the step may still be at work: the review shows it taken first.
    await steps.wait_for_review(client, cycle, member, taken, timeout=TIMEOUT)
    await asyncio.gather(update(), signal())
    try:
        await steps.review_step(client, store, cycle, member, step, command)
    except StepRefused:
        sent.fresh_refused += 1
    else:
        # Answers may be given again until the sign-off: the same answers change nothing.
        assert step == "respond_to_recommendations", f"{member}: {step} taken a second time"
        state = await steps.review_state(client, cycle, member)
        assert state.responses == command.responses
        sent.fresh_taken[step] += 1


async def review_twice_over(client: Client, store: Store, cycle: str, member: str) -> Sent:
    """One member's review from self-assessment to approval, every step sent over and over."""
    sent = Sent()
    await steps.wait_for_review(client, cycle, member, lambda s: True)  # the cycle started it
    focal_point = store.people.actor(fp(member))
    document = prepare_self_assessment(store, cycle, member)
    command = SubmitSelfAssessment(actor=focal_point, document=document)
    await send_over_and_over(
        client, store, cycle, member, "submit_self_assessment", command, sent,
        lambda s: bool(s.self_assessments),
    )  # fmt: skip
    state = await steps.wait_for_review(client, cycle, member, past(Stage.SELF_ASSESSMENT))
    assert state.self_assessments == [document]

    async def peer_review(reviewer: str) -> None:
        actor = store.people.actor(fp(reviewer))
        ref = store.documents.save(
            kind=DocumentKind.PEER_REVIEW,
            cycle=cycle,
            member=member,
            submitted_by=actor.ref,
            body=example_peer_review().model_dump(mode="json"),
            reviewer=reviewer,
        )
        command = SubmitPeerReview(actor=actor, document=ref)

        def in_(state: ReviewState) -> bool:
            return any(s.member == reviewer and s.document == ref for s in state.reviewers)

        await send_over_and_over(
            client, store, cycle, member, "submit_peer_review", command, sent, in_
        )
        state = await steps.review_state(client, cycle, member)
        slot = next(s for s in state.reviewers if s.member == reviewer)
        assert (slot.status, slot.document) == (ReviewerStatus.SUBMITTED, ref)

    await asyncio.gather(*(peer_review(reviewer) for reviewer in active(state)))
    state = await steps.wait_for_review(client, cycle, member, lambda s: not active(s))
    answers = dict.fromkeys(unanswered(state), RecommendationResponse.SUPPORTED)
    assert answers, f"{member}: no recommendations to answer"
    command = RespondToRecommendations(actor=focal_point, responses=answers)
    await send_over_and_over(
        client, store, cycle, member, "respond_to_recommendations", command, sent,
        lambda s: set(answers) <= set(s.responses),
    )  # fmt: skip
    await steps.wait_for_review(client, cycle, member, past(Stage.CEDAW_CHECK))
    command = SignOff(actor=store.people.actor(SECRETARIAT), decision=Decision.APPROVE)
    await send_over_and_over(
        client, store, cycle, member, "sign_off", command, sent, lambda s: s.stage.terminal
    )
    return sent


async def what_the_review_did(client: Client, cycle: str, member: str) -> dict[str, Counter]:
    """Per step, from the review's history: signals received, updates accepted past the
    validator, and of those, taken or refused in the handler."""
    seen: dict[str, Counter] = {k: Counter() for k in ("signals", "accepted", "ok", "failed")}
    names: dict[int, str] = {}
    for history in await runs_of(client, contract.review_workflow_id(cycle, member)):
        for event in history.events:
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
                seen["signals"][event.workflow_execution_signaled_event_attributes.signal_name] += 1
            elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
                attrs = event.workflow_execution_update_accepted_event_attributes
                name = attrs.accepted_request.input.name.removeprefix("do_")
                names[event.event_id] = name
                seen["accepted"][name] += 1
            elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
                attrs = event.workflow_execution_update_completed_event_attributes
                name = names[attrs.accepted_event_id]
                seen["failed" if attrs.outcome.HasField("failure") else "ok"][name] += 1
    return seen


async def test_every_step_sent_twice_over_is_taken_once(dev_env, store, tmp_path):
    client = dev_env.client
    settings = settings_for(store, tmp_path)
    workers = WorkerProcesses(client, settings, tmp_path)
    workers.start()
    began = time.monotonic()
    try:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        sent = dict(
            zip(
                MEMBERS,
                await asyncio.wait_for(
                    asyncio.gather(*(review_twice_over(client, store, cycle, m) for m in MEMBERS)),
                    TIMEOUT,
                ),
                strict=True,
            )
        )
        driven = time.monotonic() - began
        # Read while a worker answers queries: a closed review still shows what it refused.
        rejected = {m: (await steps.review_state(client, cycle, m)).rejected for m in MEMBERS}
        seen = await assert_sound(
            client, store, settings, cycle, dict.fromkeys(MEMBERS, Stage.COMPLETED)
        )
    finally:
        workers.kill_all()

    once = {"submit_self_assessment": 1, "submit_peer_review": 3, "respond_to_recommendations": 1,
            "sign_off": 1}  # fmt: skip
    totals: Counter[str] = Counter()
    for member in MEMBERS:
        did = await what_the_review_did(client, cycle, member)
        recorded = Counter(r.step for r in rejected[member])
        assert {r.reason for r in rejected[member]} == {REPLAYED}, [
            (r.step, r.reason[:50]) for r in rejected[member]
        ]
        assert {r.actor for r in rejected[member]} <= {
            store.people.actor(fp(m)).describe() for m in MEMBERS
        } | {store.people.actor(SECRETARIAT).describe()}
        for step, times in once.items():
            # Signals the review took: those it received less those it recorded as refused
            # (its refusals are of signals, or of updates refused in the handler).
            signals_taken = did["signals"][step] - (recorded[step] - did["failed"][step])
            taken = did["ok"][step] + signals_taken - sent[member].fresh_taken[step]
            assert taken == times, f"{member} {step}: taken {taken} times, {did}, {recorded}"
            assert did["ok"][step] == (
                sent[member].taken_by_update[step] + sent[member].fresh_taken[step]
            )
            assert did["accepted"][step] == did["ok"][step] + did["failed"][step]
            # Every copy sent reached the review, or was turned away by the server as too late.
            signals = did["signals"][step] + sent[member].closed_signal[step]
            updates = (
                sent[member].taken_by_update[step]
                + sent[member].refused_by_update[step]
                + sent[member].closed_update[step]
            )
            assert (signals, updates) == (3 * times, 3 * times), (member, step, did)
            totals["copies"] += 6 * times
            totals["recorded"] += recorded[step]
            totals["closed"] += sent[member].closed_update[step] + sent[member].closed_signal[step]
        # Only the sign-off's copies can come too late, refused by the server: the review ended.
        closed = sent[member].closed_update + sent[member].closed_signal
        assert set(closed) <= {"sign_off"}, closed
        # Signed afresh: every step refused out of turn, but for the answers, given again.
        assert sent[member].fresh_taken == {"respond_to_recommendations": 1}
        assert sent[member].fresh_refused == sum(once.values()) - 1
        assert len(store.refusals.of_review(cycle, member)) == sum(once.values()) - 1
        assert len(rejected[member]) == sum(recorded.values())
        totals["taken"] += sum(once.values())
        totals["fresh refused"] += sent[member].fresh_refused
    assert stored_documents(store, cycle) == {
        "self_assessment": len(MEMBERS),
        "peer_review": 3 * len(MEMBERS),
    }
    print(
        f"\ndriven in {driven:.0f}s; {totals['copies']} signed copies sent, {totals['taken']} "
        f"taken, {totals['recorded']} refused in the reviews' state, {totals['closed']} too late "
        f"for a closed review, the rest refused at the door; {totals['fresh refused']} re-signed "
        f"steps refused out of turn; {seen}"
    )
