"""A review cycle of the Network: draws the review troika, then runs one review per member.

Built to stay inside Temporal's limits for ten thousand members: the draw and its assignments
live in the store (history keeps the seed and a digest), children start in batches, each review
tells the cycle when it ends by a signal, and the cycle continues as new when its history grows.

Anybody who can reach Temporal can send a signal, so a v2 cycle (marker ``napreview-v2``) counts
a review as finished only once an activity has seen that review closed, and takes a
cancellation only with the front end's signature (schemas/proof.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from temporalio import workflow
from temporalio.common import (
    RawValue,
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from napreview.schemas.letters import (
        Addressee,
        LetterKind,
        LetterRef,
        LetterRequest,
    )
    from napreview.schemas.members import Role

    # Passed through with cryptography, a native extension that cannot be loaded twice;
    # verifying is pure computation.
    from napreview.schemas.proof import verify
    from napreview.schemas.refusals import Param, Reason
    from napreview.schemas.review import (
        ConfirmFinished,
        CycleCancel,
        CycleInput,
        CyclePlan,
        CycleProgress,
        CycleSummary,
        DistrustKey,
        Refusal,
        ReviewBatch,
        ReviewFinished,
        ReviewInput,
        Stage,
        TrustKey,
        WithdrawReviews,
    )
    from napreview.workflows import contract
    from napreview.workflows.review import V2, MemberReviewWorkflow
    from napreview.workflows.review_steps import MAX_NONCES_KEPT, MAX_REFUSALS_KEPT, actor_params
    from napreview.workflows.signals import sender_of
    from napreview.workflows.start import SIGNED_START, check_start

# How many claimed endings one confirmation looks at.
CONFIRM_BATCH = 200
RESTART_EVERY = 500


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
        self.v2 = workflow.patched(V2)
        self.signed_start = workflow.patched(SIGNED_START)
        # Steps wait until the run knows napreview started it (workflows/start.py).
        self.start_checked = not self.signed_start
        self.trusted_keys = dict(
            inp.trusted_keys if inp.trusted_keys is not None else inp.settings.trusted_keys
        )
        self.nonces = list(inp.nonces)
        # Reviews that said they ended, waiting for confirmation (carried when continuing as
        # new: a claim dropped there would leave the cycle waiting for a review long closed).
        self.claimed: list[str] = list(inp.claimed)
        self.unconfirmed_claims = 0
        self.rejected: list[Refusal] = []

    @workflow.run
    async def run(self, inp: CycleInput) -> CycleSummary:
        settings = inp.settings
        if self.signed_start:
            await check_start("start_cycle", inp, inp.proof, parent=None)
            self.start_checked = True
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
        started_here = 0
        while self.started < len(members) and not self.cancel_request:
            batch = members[self.started : self.started + inp.batch_size]
            self.starting = True
            await self._start_reviews(batch)
            self.started += len(batch)
            started_here += len(batch)
            self.starting = False
            # A run keeps at most RESTART_EVERY children open, a quarter of Temporal's cap of
            # 2,000 per execution, whatever the length of its history.
            many = self.v2 and started_here >= RESTART_EVERY and self.started < len(members)
            if workflow.info().is_continue_as_new_suggested() or many:
                await self._continue()
        if self.cancel_request:
            # Members whose review never started count as withdrawn; `started` keeps saying how
            # many reviews really exist (the cancel carried by continue-as-new stops the starts).
            for code in members[self.started :]:
                self.finished.setdefault(code, Stage.WITHDRAWN)
        if self.v2:
            await self._confirm_until_all_finished(members)
        else:
            await workflow.wait_condition(
                lambda: (
                    len(self.finished) >= len(members)
                    or workflow.info().is_continue_as_new_suggested()
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

    async def _confirm_until_all_finished(self, members: list[str]) -> None:
        """Count a review as finished only once Temporal shows it closed (a forged
        `review_finished` signal changes nothing)."""
        while len(self.finished) < len(members):
            await workflow.wait_condition(
                lambda: (
                    bool(self.claimed)
                    or len(self.finished) >= len(members)
                    or workflow.info().is_continue_as_new_suggested()
                )
            )
            if not self.claimed:
                return
            batch, self.claimed = self.claimed[:CONFIRM_BATCH], self.claimed[CONFIRM_BATCH:]
            confirmed = await workflow.execute_activity(
                contract.CONFIRM_FINISHED,
                ConfirmFinished(cycle=self.inp.settings.cycle, members=batch),
                result_type=dict[str, Stage],
                start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
                retry_policy=contract.ACTIVITY_RETRY,
            )
            for member in batch:
                if member in confirmed:
                    self.finished[member] = confirmed[member]
                else:
                    self.unconfirmed_claims += 1
                    workflow.logger.warning(
                        "A review_finished signal for %s was not confirmed; ignored", member
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
                trusted_keys=self.trusted_keys,
                nonces=self.nonces,
                claimed=self.claimed,
            )
        )

    @workflow.signal(dynamic=True)
    def _signal(self, name: str, args: Sequence[RawValue]) -> None:
        """Every signal arrives here: `review_finished` is read; anything else (or a payload
        that does not decode) is counted and dropped, never held in memory for the whole run."""
        finished = None
        if name == "review_finished" and len(args) == 1:
            with contextlib.suppress(Exception):
                finished = workflow.payload_converter().from_payload(
                    args[0].payload, ReviewFinished
                )
        if finished is not None:
            self.review_finished(finished)
        elif name == "review_finished":
            self._record_refusal(name, "unknown sender", Reason(code="unreadable_ending"))
        else:
            reason = Reason(code="cycle_no_such_step", params={"step": repr(name[:64])})
            self._record_refusal(name[:64], sender_of(args), reason)

    def _record_refusal(self, step: str, actor: str, reason: Reason) -> None:
        """Actor, step and reason only, and a bounded number: never the payload."""
        self.rejected.append(
            Refusal(
                at=workflow.now(),
                actor=actor,
                step=step,
                reason=reason.english(),
                code=reason.code,
                params=reason.params,
            )
        )
        del self.rejected[:-MAX_REFUSALS_KEPT]

    def review_finished(self, finished: ReviewFinished) -> None:
        """A review says it ended; a v2 cycle believes it once Temporal confirms it."""
        if not self.v2:
            self.finished[finished.member] = finished.outcome
            return
        known = self.plan is not None and finished.member in self.plan.members
        if known and finished.member not in self.finished and finished.member not in self.claimed:
            self.claimed.append(finished.member)

    @workflow.update
    async def cancel(self, cmd: CycleCancel) -> CycleProgress:
        if not self.start_checked:  # (never awaited otherwise: replay keeps its order)
            await workflow.wait_condition(lambda: self.start_checked)
        self._check_cancel(cmd)  # again: another cancel may have won the race
        if cmd.proof is not None and self.v2:
            self.nonces.append(cmd.proof.nonce)
            del self.nonces[:-MAX_NONCES_KEPT]
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
                    cancel=cmd if self.v2 else None,
                ),
                start_to_close_timeout=contract.ACTIVITY_TIMEOUT * 5,
                heartbeat_timeout=contract.ACTIVITY_TIMEOUT,
                retry_policy=contract.ACTIVITY_RETRY,
            )
        return self.progress()

    @cancel.validator
    def _validate_cancel(self, cmd: CycleCancel) -> None:
        self._check_cancel(cmd)

    def _check_cancel(self, cmd: CycleCancel) -> None:
        cycle = self.inp.settings.cycle
        if self.trusted_keys:
            reason = verify(
                cmd.proof,
                "cancel_cycle",
                workflow.info().workflow_id,
                cmd,
                self.trusted_keys,
                workflow.now(),
            )
            if reason is None and cmd.proof is not None and cmd.proof.nonce in self.nonces:
                reason = Reason(code="sent_twice")
            if reason:
                raise _refused(reason.code, **reason.params)
        if cmd.actor.role is not Role.SECRETARIAT:
            raise _refused("cancel_secretariat_only", **actor_params(cmd.actor))
        if self.cancel_request is not None:
            raise _refused("cycle_cancelled_already", cycle=cycle)
        if self.plan is None:
            raise _refused("cycle_drawing", cycle=cycle)

    @workflow.update
    async def do_trust_key(self, cmd: TrustKey) -> None:
        if not self.start_checked:  # (never awaited otherwise: replay keeps its order)
            await workflow.wait_condition(lambda: self.start_checked)
        self._check_key_change("trust_key", cmd)
        self.trusted_keys[cmd.key_id] = cmd.public_key

    @do_trust_key.validator
    def _validate_trust_key(self, cmd: TrustKey) -> None:
        self._check_key_change("trust_key", cmd)

    @workflow.update
    async def do_distrust_key(self, cmd: DistrustKey) -> None:
        if not self.start_checked:  # (never awaited otherwise: replay keeps its order)
            await workflow.wait_condition(lambda: self.start_checked)
        self._check_key_change("distrust_key", cmd)
        self.trusted_keys.pop(cmd.key_id, None)

    @do_distrust_key.validator
    def _validate_distrust_key(self, cmd: DistrustKey) -> None:
        self._check_key_change("distrust_key", cmd)

    def _check_key_change(self, step: str, cmd: TrustKey | DistrustKey) -> None:
        """Key rotation: signed with a key already trusted, by the secretariat."""
        if not self.trusted_keys:
            raise _refused("cycle_started_unsigned", cycle=self.inp.settings.cycle)
        reason = verify(
            cmd.proof, step, workflow.info().workflow_id, cmd, self.trusted_keys, workflow.now()
        )
        if reason:
            raise _refused(reason.code, **reason.params)
        if cmd.actor.role is not Role.SECRETARIAT:
            raise _refused("keys_secretariat_only", **actor_params(cmd.actor))
        if isinstance(cmd, TrustKey) and self.trusted_keys.get(cmd.key_id) == cmd.public_key:
            raise _refused("key_trusted", key_id=cmd.key_id)
        if isinstance(cmd, DistrustKey):
            if cmd.key_id not in self.trusted_keys:
                raise _refused("cycle_key_not_trusted", key_id=cmd.key_id)
            if len(self.trusted_keys) == 1 or (cmd.proof and cmd.proof.key_id == cmd.key_id):
                raise _refused("cycle_key_stays")

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


def _refused(code: str, **params: Param) -> ApplicationError:
    """A refusal as Temporal carries it: the English, then the code and parameters."""
    reason = Reason(code=code, params=params)
    return ApplicationError(
        reason.english(), reason.model_dump(mode="json"), type=contract.REFUSED, non_retryable=True
    )
