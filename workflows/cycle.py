"""A review cycle of the Network: draws the review troika, then runs one review per member.

Built to stay inside Temporal's limits for ten thousand members: the draw and its assignments
live in the store (history keeps the seed and a digest), children start in batches, each review
tells the cycle when it ends by a signal, and the cycle continues as new when its history grows.
"""

from __future__ import annotations

import asyncio

from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from schemas.letters import Addressee, LetterKind, LetterRef, LetterRequest
    from schemas.members import Role
    from schemas.review import (
        CycleCancel,
        CycleInput,
        CyclePlan,
        CycleProgress,
        CycleSummary,
        ReviewBatch,
        ReviewFinished,
        ReviewInput,
        Stage,
        WithdrawReviews,
    )
    from workflows import contract
    from workflows.review import MemberReviewWorkflow


@workflow.defn(name=contract.CYCLE_WORKFLOW)
class CycleWorkflow:
    @workflow.init
    def __init__(self, inp: CycleInput) -> None:
        self.inp = inp
        self.plan = inp.plan
        self.started = inp.started
        self.finished = dict(inp.finished)
        self.cancel_request = inp.cancel
        self.starting = False

    @workflow.run
    async def run(self, inp: CycleInput) -> CycleSummary:
        settings = inp.settings
        if self.plan is None:
            plan = await workflow.execute_activity(
                contract.PREPARE_CYCLE,
                settings,
                result_type=CyclePlan,
                start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
                retry_policy=contract.ACTIVITY_RETRY,
            )
            self.plan = plan
        members = self.plan.members
        while self.started < len(members) and not self.cancel_request:
            batch = members[self.started : self.started + inp.batch_size]
            self.starting = True
            await self._start_reviews(batch)
            self.started += len(batch)
            self.starting = False
            if workflow.info().is_continue_as_new_suggested():
                await self._continue()
        if self.cancel_request:
            # Members whose review never started count as withdrawn; `started` keeps saying how
            # many reviews really exist (the cancel carried by continue-as-new stops the starts).
            for code in members[self.started :]:
                self.finished.setdefault(code, Stage.WITHDRAWN)
        await workflow.wait_condition(
            lambda: (
                len(self.finished) >= len(members) or workflow.info().is_continue_as_new_suggested()
            )
        )
        if len(self.finished) < len(members):
            await self._continue()
        letter = await workflow.execute_activity(
            contract.SEND_LETTER,
            LetterRequest(
                cycle=settings.cycle,
                member=settings.chair,
                kind=LetterKind.CYCLE_SUMMARY,
                addressee=Addressee.SECRETARIAT,
                chair=settings.chair,
                reason=self.cancel_request.reason if self.cancel_request else None,
            ),
            result_type=LetterRef,
            start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
            retry_policy=contract.ACTIVITY_RETRY,
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        outcomes: dict[str, int] = {}
        for outcome in self.finished.values():
            outcomes[outcome.value] = outcomes.get(outcome.value, 0) + 1
        return CycleSummary(
            cycle=settings.cycle,
            total=len(members),
            outcomes=outcomes,
            cancelled=self.cancel_request is not None,
            summary_letter=letter,
        )

    async def _start_reviews(self, batch: list[str]) -> None:
        settings = self.inp.settings
        inputs = await workflow.execute_activity(
            contract.REVIEW_INPUTS,
            ReviewBatch(cycle=settings.cycle, members=batch),
            result_type=list[ReviewInput],
            start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
            retry_policy=contract.ACTIVITY_RETRY,
        )
        await asyncio.gather(*(self._start_review(review) for review in inputs))

    async def _start_review(self, review: ReviewInput) -> None:
        review.cycle_workflow_id = workflow.info().workflow_id
        await workflow.start_child_workflow(
            MemberReviewWorkflow.run,
            review,
            id=contract.review_workflow_id(review.cycle, review.member.code),
            task_queue=workflow.info().task_queue,
            parent_close_policy=workflow.ParentClosePolicy.ABANDON,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(contract.NAP_CYCLE, review.cycle),
                    SearchAttributePair(contract.NAP_MEMBER, review.member.code),
                    SearchAttributePair(contract.NAP_STAGE, Stage.SELF_ASSESSMENT.value),
                    SearchAttributePair(contract.NAP_OVERDUE, False),
                ]
            ),
        )

    async def _continue(self) -> None:
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(
            CycleInput(
                settings=self.inp.settings,
                plan=self.plan,
                started=self.started,
                finished=self.finished,
                cancel=self.cancel_request,
                batch_size=self.inp.batch_size,
            )
        )

    @workflow.signal
    def review_finished(self, finished: ReviewFinished) -> None:
        self.finished[finished.member] = finished.outcome

    @workflow.update
    async def cancel(self, cmd: CycleCancel) -> CycleProgress:
        self.cancel_request = cmd
        await workflow.wait_condition(lambda: not self.starting)
        assert self.plan is not None
        started = self.plan.members[: self.started]
        open_reviews = [code for code in started if code not in self.finished]
        if open_reviews:
            await workflow.execute_activity(
                contract.WITHDRAW_REVIEWS,
                WithdrawReviews(
                    cycle=self.inp.settings.cycle,
                    members=open_reviews,
                    actor=cmd.actor,
                    reason=cmd.reason,
                ),
                start_to_close_timeout=contract.ACTIVITY_TIMEOUT * 5,
                heartbeat_timeout=contract.ACTIVITY_TIMEOUT,
                retry_policy=contract.ACTIVITY_RETRY,
            )
        return self.progress()

    @cancel.validator
    def _validate_cancel(self, cmd: CycleCancel) -> None:
        if cmd.actor.role is not Role.SECRETARIAT:
            raise ApplicationError(
                f"{cmd.actor.email} acts as {cmd.actor.role.value.replace('_', ' ')}; only the "
                "secretariat may cancel a cycle.",
                type=contract.REFUSED,
            )
        if self.cancel_request is not None:
            raise ApplicationError(
                f"Cycle {self.inp.settings.cycle} is already cancelled.", type=contract.REFUSED
            )
        if self.plan is None:
            raise ApplicationError(
                f"Cycle {self.inp.settings.cycle} is still drawing its reviewers; try again in a "
                "moment.",
                type=contract.REFUSED,
            )

    @workflow.query
    def progress(self) -> CycleProgress:
        return CycleProgress(
            cycle=self.inp.settings.cycle,
            total=len(self.plan.members) if self.plan else 0,
            started=self.started,
            finished=self.finished,
            cancelled=self.cancel_request is not None,
            cancel_reason=self.cancel_request.reason if self.cancel_request else None,
        )
