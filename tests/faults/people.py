"""The people of a review as the fault suite plays them: each takes their step through
services/, as the command line and the portal do, and tries again until the review shows it
taken, whatever the workers, the server or the database are doing meanwhile.

A person who was refused (out of turn: the review has not moved yet) or met an outage tries again;
one whose step was taken although the answer was lost (a worker killed mid-update) sees it taken
and stops. Nobody takes a step twice on purpose: a second attempt is refused by the review.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from temporalio.client import Client

from napreview.schemas.examples import example_self_assessment
from napreview.schemas.review import (
    Decision,
    ReviewerStatus,
    ReviewState,
    ReviewSummary,
    SignOff,
    Stage,
    SubmitSelfAssessment,
    recommendation_keys,
)
from napreview.schemas.submissions import DocumentKind, DocumentRef, RecommendationResponse
from napreview.services import documents, steps
from napreview.store.records import Store

from ..helpers import SECRETARIAT, fp, handle, submit_pr, submit_sa

Done = Callable[[ReviewState], bool]
# One attempt at a step; an update already accepted goes on in the review when it is given up.
STEP_TIMEOUT = 60.0
# (step, attempts, refusals) per review: what the people had to do to get there.
Tally = dict[str, list[int]]


async def until_done(
    client: Client,
    cycle: str,
    member: str,
    done: Done,
    step: Callable[[], Awaitable[object]],
    *,
    every: float = 0.25,
    attempts: list[int] | None = None,
) -> ReviewState:
    """Take ``step`` until the review's state says ``done``; the state is read first, so a step
    already taken is not sent again."""
    while True:
        try:
            state = await steps.review_state(client, cycle, member)
        except Exception:  # the server or every worker is away for a moment
            await asyncio.sleep(every)
            continue
        if done(state):
            return state
        if attempts is not None:
            attempts[0] += 1
        try:
            await asyncio.wait_for(step(), STEP_TIMEOUT)
        except Exception:  # refused (out of turn, already taken) or an outage
            if attempts is not None:
                attempts[1] += 1
        await asyncio.sleep(every)


async def wait_until(
    client: Client, cycle: str, member: str, ready: Done, every: float = 0.25
) -> ReviewState:
    return await steps.wait_for_review(client, cycle, member, ready, interval=every)


def unanswered(state: ReviewState) -> list[str]:
    return [key for key in recommendation_keys(state.reviewers) if key not in state.responses]


def prepare_self_assessment(store: Store, cycle: str, member: str) -> DocumentRef:
    """The member's self-assessment put in the store ahead of its step, as submit does."""
    return store.documents.save(
        kind=DocumentKind.SELF_ASSESSMENT,
        cycle=cycle,
        member=member,
        submitted_by=store.people.actor(fp(member)).ref,
        body=example_self_assessment(store.members.get(member)).model_dump(mode="json"),
    )


def active(state: ReviewState) -> list[str]:
    return [s.member for s in state.reviewers if s.status is ReviewerStatus.ACTIVE]


def past(stage: Stage) -> Done:
    order = list(Stage)
    return lambda s: s.stage.terminal or order.index(s.stage) > order.index(stage)


async def drive_review(
    client: Client,
    store: Store,
    cycle: str,
    member: str,
    tally: Tally | None = None,
    start: asyncio.Event | None = None,
    prepared: DocumentRef | None = None,
) -> ReviewSummary:
    """One member's review from self-assessment to approval, every step by the right person
    (the focal point starting once ``start`` is set, when given, with the self-assessment
    already in the store as ``prepared``, when given: the step then needs no write)."""
    counts: Tally = tally if tally is not None else {}
    if start is not None:
        await start.wait()

    async def self_assessment() -> object:
        if prepared is None:
            return await submit_sa(client, store, cycle, member)
        command = SubmitSelfAssessment(actor=store.people.actor(fp(member)), document=prepared)
        return await steps.review_step(
            client, store, cycle, member, "submit_self_assessment", command
        )

    def count(name: str) -> list[int]:
        return counts.setdefault(f"{member}:{name}", [0, 0])

    await until_done(
        client,
        cycle,
        member,
        lambda s: len(s.self_assessments) >= 1 or s.stage.terminal,
        self_assessment,
        attempts=count("self_assessment"),
    )
    state = await wait_until(client, cycle, member, past(Stage.SELF_ASSESSMENT))

    async def review_by(reviewer: str) -> None:
        def submitted(s: ReviewState) -> bool:
            slot = next((x for x in s.reviewers if x.member == reviewer), None)
            return s.stage.terminal or slot is None or slot.status is not ReviewerStatus.ACTIVE

        await until_done(
            client,
            cycle,
            member,
            submitted,
            lambda: submit_pr(client, store, cycle, member, reviewer),
            attempts=count(f"peer_review:{reviewer}"),
        )

    await asyncio.gather(*(review_by(reviewer) for reviewer in active(state)))

    # Who acts is read from the store within each attempt, as each command-line call reads it:
    # the database may be away at that moment too.
    async def answer() -> None:
        state = await steps.review_state(client, cycle, member)
        answers = dict.fromkeys(unanswered(state), RecommendationResponse.SUPPORTED)
        if answers:
            actor = store.people.actor(fp(member))
            await documents.respond(client, store, cycle, member, actor, answers)

    await until_done(
        client,
        cycle,
        member,
        lambda s: past(Stage.PEER_REVIEW)(s) or not (unanswered(s) or active(s)),
        answer,
        attempts=count("respond"),
    )
    await wait_until(client, cycle, member, past(Stage.CEDAW_CHECK))

    async def approve() -> object:
        secretariat = store.people.actor(SECRETARIAT)
        command = SignOff(actor=secretariat, decision=Decision.APPROVE)
        return await steps.review_step(client, store, cycle, member, "sign_off", command)

    await until_done(
        client,
        cycle,
        member,
        lambda s: s.stage.terminal,
        approve,
        attempts=count("sign_off"),
    )
    return await handle(client, cycle, member).result()
