"""Activities of the cycle workflow: the draw, the reviews' inputs, withdrawing open reviews."""

from __future__ import annotations

import asyncio

from temporalio import activity
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError
from temporalio.service import RPCError

from napreview.activities.errors import refused
from napreview.schemas.recommendations import UnknownSet, recommendation_set
from napreview.schemas.review import (
    ConfirmFinished,
    CyclePlan,
    CycleSettings,
    Durations,
    ReviewBatch,
    ReviewInput,
    ReviewSummary,
    Stage,
    Withdraw,
    WithdrawReviews,
)
from napreview.store.errors import StoreError
from napreview.store.records import Store
from napreview.workflows import contract
from napreview.workflows.troika import TroikaError, draw_digest, draw_troika


class CycleActivities:
    def __init__(self, store: Store, client: Client | None = None) -> None:
        self.store = store
        self.client = client

    @activity.defn(name=contract.PREPARE_CYCLE)
    def prepare_cycle(self, settings: CycleSettings) -> CyclePlan:
        """Draw the review troika from the seed and record it; a retry finds it recorded."""
        try:
            recommendation_set(settings.recommendation_set)
            if settings.members is None:
                members = self.store.members.all()
                if settings.starts_on is not None:  # the members of the Network that day
                    members = [m for m in members if m.belongs_on(settings.starts_on)]
            else:
                members = self.store.members.get_many(settings.members)
            draw = draw_troika(
                members,
                settings.seed,
                settings.reviewers_per_member,
                own_group=settings.own_group_requests,
            )
        except (StoreError, TroikaError, UnknownSet) as err:
            raise refused(str(err)) from None
        digest = draw_digest(draw)
        self.store.cycles.record(
            cycle=settings.cycle,
            seed=settings.seed,
            reviewers_per_member=settings.reviewers_per_member,
            chair=settings.chair,
            settings=settings.model_dump(mode="json"),
            draw_sha256=digest,
            started_by=settings.started_by.ref,
            reviewers=draw.reviewers,
            relaxed=draw.relaxed,
        )
        return CyclePlan(
            cycle=settings.cycle,
            seed=settings.seed,
            members=sorted(draw.reviewers),
            draw_sha256=digest,
            relaxations=sum(len(rules) for rules in draw.relaxed.values()),
        )

    @activity.defn(name=contract.REVIEW_INPUTS)
    def review_inputs(self, batch: ReviewBatch) -> list[ReviewInput]:
        """The inputs of a batch of reviews: members and reviewers read in one query each."""
        settings = CycleSettings.model_validate(self.store.cycles.settings(batch.cycle))
        reviewers = self.store.cycles.assignments(batch.cycle, batch.members)
        members = self.store.members.get_many(batch.members)
        return [
            ReviewInput(
                cycle=batch.cycle,
                member=member,
                reviewers=reviewers.get(member.code, []),
                seed=settings.seed,
                chair=settings.chair,
                durations=settings.durations or Durations(),
                max_rounds=settings.max_rounds,
                trusted_keys=settings.trusted_keys,
            )
            for member in members
        ]

    @activity.defn(name=contract.WITHDRAW_REVIEWS)
    async def withdraw_reviews(self, request: WithdrawReviews) -> int:
        """Signal a withdrawal to every open review; resumes where a previous attempt stopped."""
        assert self.client is not None, "withdraw_reviews needs a Temporal client"
        details = activity.info().heartbeat_details
        start = int(details[0]) if details else 0
        sent = 0
        command = Withdraw(actor=request.actor, reason=request.reason, cycle_cancel=request.cancel)
        for index in range(start, len(request.members)):
            member = request.members[index]
            handle = self.client.get_workflow_handle(
                contract.review_workflow_id(request.cycle, member)
            )
            try:
                await handle.signal("withdraw", command)
                sent += 1
            except RPCError as err:
                activity.logger.info("Review of %s not withdrawn: %s", member, err.message)
            activity.heartbeat(index + 1)
        return sent

    @activity.defn(name=contract.CONFIRM_FINISHED)
    async def confirm_finished(self, request: ConfirmFinished) -> dict[str, Stage]:
        """The outcome of each review that Temporal shows closed; a review still running is left
        out, so a forged `review_finished` signal changes nothing.

        A review tells its cycle just before it closes, so one still running is given a few
        seconds to close.
        """
        assert self.client is not None, "confirm_finished needs a Temporal client"
        outcomes = await asyncio.gather(
            *(self._outcome(request.cycle, member) for member in request.members)
        )
        return {m: o for m, o in zip(request.members, outcomes, strict=True) if o is not None}

    async def _outcome(self, cycle: str, member: str) -> Stage | None:
        assert self.client is not None
        handle = self.client.get_workflow_handle(
            contract.review_workflow_id(cycle, member), result_type=ReviewSummary
        )
        # Polled, not awaited: a client that skips time (the test server) must not jump the
        # clock while a review is being looked at.
        for _ in range(25):
            try:
                status = (await handle.describe()).status
            except RPCError as err:
                activity.logger.info("Review of %s not confirmed: %s", member, err.message)
                return None
            if status is not WorkflowExecutionStatus.RUNNING:
                break
            await asyncio.sleep(0.2)
        else:
            return None
        if status is not WorkflowExecutionStatus.COMPLETED:
            return Stage.WITHDRAWN  # closed without completing (failed, terminated, timed out)
        try:
            return (await handle.result()).outcome
        except (WorkflowFailureError, RPCError):
            return Stage.WITHDRAWN
