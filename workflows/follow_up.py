"""One completed review's follow-up: its items, and a progress report at each interval.

Started by the review at its sign-off (patch ``follow-up`` in workflows/review.py), or by the
secretariat for a review completed before (services/follow_up.py). The thin part: the start's
check, the draw and projections through activities, the report's reminder and overdue notice
as timers, and the steps as updates with validators; what each step checks and changes is pure
(workflows/follow_up_rules.py). History keeps ids, codes and digests; texts are in the store.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from napreview.schemas.follow_up import (
        AcknowledgeReport,
        DrawnItems,
        FollowUpInput,
        FollowUpState,
        FollowUpTaken,
        SubmitProgressReport,
        UpdateItem,
    )
    from napreview.schemas.letters import LetterKind, LetterRef
    from napreview.schemas.review import Command, DistrustKey, TrustKey
    from napreview.workflows import contract
    from napreview.workflows import follow_up_rules as rules
    from napreview.workflows.follow_up_rules import STEPS, Context
    from napreview.workflows.review_steps import Refused, notice_sent
    from napreview.workflows.start import check_start


@workflow.defn(name=contract.FOLLOW_UP_WORKFLOW)
class FollowUpWorkflow:
    @workflow.init
    def __init__(self, inp: FollowUpInput) -> None:
        self.inp = inp
        self.state = inp.carried or FollowUpState(
            cycle=inp.cycle, member=inp.member, trusted_keys=dict(inp.trusted_keys)
        )
        # Steps wait until the run knows napreview started it (workflows/start.py): a run
        # continued as new passes at once, a start that merely carries a state does not.
        self.start_checked = False
        self.lock = asyncio.Lock()

    def _context(self) -> Context:
        return Context(self.inp, workflow.info().workflow_id, workflow.now())

    @workflow.run
    async def run(self, inp: FollowUpInput) -> FollowUpTaken:
        s = self.state
        review = contract.review_workflow_id(inp.cycle, inp.member)
        await check_start("start_follow_up", inp, inp.proof, parent=review)
        self.start_checked = True
        if not s.drawn:
            drawn = await workflow.execute_activity(
                contract.DRAW_FOLLOW_UP,
                inp.sources,
                result_type=DrawnItems,
                start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
                retry_policy=contract.ACTIVITY_RETRY,
            )
            rules.draw(s, self._context(), drawn)
            await self._publish()
        while not rules.finished(s):
            await self._wait_or_notify()
        rules.close(s, self._context())
        await self._publish()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return rules.taken(s, self._context())

    async def _wait_or_notify(self) -> None:
        """Wait for a report, an item's change or an acknowledgement, until the next reminder
        or overdue notice falls due; send it then."""
        s = self.state
        self._continue_if_long()
        period = s.period

        def woken() -> bool:
            return rules.finished(s) or s.period != period or self._due_to_continue()

        notice = rules.next_notice(s)
        delay = notice.when - workflow.now() if notice else None
        if delay is None or delay > timedelta(0):
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(woken, timeout=delay)
            return
        assert notice is not None
        async with self.lock:
            notice_sent(notice)
            ref = await workflow.execute_activity(
                contract.SEND_LETTER,
                rules.notice_letter(s, self._context(), notice),
                result_type=LetterRef,
                start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
                retry_policy=contract.ACTIVITY_RETRY,
            )
            s.letters.append(ref)
            if notice.kind is LetterKind.OVERDUE:
                await self._publish()

    async def _publish(self) -> None:
        """Keep the search attributes and the store's read model in step with the follow-up."""
        s = self.state
        s.as_of = workflow.now()
        s.published += 1  # two published in one task share their clock (a step, then the close)
        stage = rules.CLOSED_STAGE if s.closed_at else rules.FOLLOW_UP_STAGE
        workflow.upsert_search_attributes(
            [contract.NAP_STAGE.value_set(stage), contract.NAP_OVERDUE.value_set(s.overdue)]
        )
        await workflow.execute_activity(
            contract.PROJECT_FOLLOW_UP,
            s,
            start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
            retry_policy=contract.ACTIVITY_RETRY,
        )

    # ------------------------------------------------------------------ a long history

    def _due_to_continue(self) -> bool:
        return (
            workflow.info().is_continue_as_new_suggested()
            and workflow.all_handlers_finished()
            and not self.lock.locked()
        )

    def _continue_if_long(self) -> None:
        if self._due_to_continue():
            carried = rules.carried(self.state)
            workflow.continue_as_new(self.inp.model_copy(update={"carried": carried}))

    # ------------------------------------------------------------------ the steps

    @workflow.update(name="do_update_item")
    async def update_item(self, cmd: UpdateItem) -> FollowUpTaken:
        return await self._take("update_item", cmd)

    @update_item.validator
    def _check_update_item(self, cmd: UpdateItem) -> None:
        self._validate("update_item", cmd)

    @workflow.update(name="do_submit_progress_report")
    async def submit_progress_report(self, cmd: SubmitProgressReport) -> FollowUpTaken:
        return await self._take("submit_progress_report", cmd)

    @submit_progress_report.validator
    def _check_progress_report(self, cmd: SubmitProgressReport) -> None:
        self._validate("submit_progress_report", cmd)

    @workflow.update(name="do_acknowledge_report")
    async def acknowledge_report(self, cmd: AcknowledgeReport) -> FollowUpTaken:
        return await self._take("acknowledge_report", cmd)

    @acknowledge_report.validator
    def _check_acknowledge_report(self, cmd: AcknowledgeReport) -> None:
        self._validate("acknowledge_report", cmd)

    @workflow.update(name="do_trust_key")
    async def trust_key(self, cmd: TrustKey) -> FollowUpTaken:
        return await self._take("trust_key", cmd)

    @trust_key.validator
    def _check_trust_key(self, cmd: TrustKey) -> None:
        self._validate("trust_key", cmd)

    @workflow.update(name="do_distrust_key")
    async def distrust_key(self, cmd: DistrustKey) -> FollowUpTaken:
        return await self._take("distrust_key", cmd)

    @distrust_key.validator
    def _check_distrust_key(self, cmd: DistrustKey) -> None:
        self._validate("distrust_key", cmd)

    async def _take(self, name: str, cmd: Command) -> FollowUpTaken:
        """Check again under the lock (another step may have won the race), apply, publish."""
        step = STEPS[name]
        s = self.state
        await workflow.wait_condition(lambda: self.start_checked and s.drawn)
        async with self.lock:
            try:
                step.check(s, self._context(), cmd)
            except Refused as refusal:
                rules.record_refusal(s, self._context(), name, cmd.actor.describe(), refusal.reason)
                raise self._refusal(refusal) from None
            rules.remember_nonce(s, cmd)
            step.apply(s, self._context(), cmd)
            await self._publish()
        return rules.taken(s, self._context())

    def _validate(self, name: str, cmd: Command) -> None:
        """Nothing is written to history for a refused update; the front end records it."""
        try:
            STEPS[name].check(self.state, self._context(), cmd)
        except Refused as refusal:
            raise self._refusal(refusal) from None

    def _refusal(self, refusal: Refused) -> ApplicationError:
        reason = refusal.reason
        return ApplicationError(
            self._context().english(reason),
            reason.model_dump(mode="json"),
            type=contract.REFUSED,
            non_retryable=True,
        )

    @workflow.query(name="state")
    def whole_state(self) -> FollowUpState:
        return self.state
