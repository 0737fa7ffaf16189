"""One member's review in one cycle: self-assessment → peer review → CEDAW check → sign-off.

Every step arrives twice over: as a signal (fire and forget; a refusal is recorded in the
review's state) and as an update (the caller waits; a refusal comes back at once, through the
validator). Both share one check per step, so the rules cannot drift apart. The checks trust the
role and member the command line resolved from the store: a validator cannot look anything up.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from schemas.cedaw import CedawSummary
    from schemas.letters import Addressee, LetterKind, LetterRef, LetterRequest
    from schemas.members import Role
    from schemas.review import (
        AcceptDocument,
        CedawCheckRequest,
        Command,
        Deadline,
        Decision,
        DocumentReceipt,
        Extend,
        ExtensionRecord,
        ReassignReviewer,
        Recuse,
        Redraw,
        RedrawOutcome,
        RedrawRequest,
        Refusal,
        ReplaceReviewer,
        RespondToRecommendations,
        ReviewerSlot,
        ReviewerStatus,
        ReviewFinished,
        ReviewInput,
        ReviewProjection,
        ReviewState,
        ReviewSummary,
        SignOff,
        SignOffRecord,
        Stage,
        SubmitPeerReview,
        SubmitSelfAssessment,
        Withdraw,
    )
    from schemas.submissions import DocumentKind, DocumentRef
    from workflows import contract

DEADLINED = (Stage.SELF_ASSESSMENT, Stage.PEER_REVIEW, Stage.SIGN_OFF)
# Keep at most this many refusals in state; the signals themselves stay in history.
MAX_REFUSALS_KEPT = 200


class Refused(Exception):
    """A step refused for a reason the person can act on."""


@workflow.defn(name=contract.REVIEW_WORKFLOW)
class MemberReviewWorkflow:
    @workflow.init
    def __init__(self, inp: ReviewInput) -> None:
        self.inp = inp
        self.stage = Stage.SELF_ASSESSMENT
        self.round = 1
        self.deadline: Deadline | None = None
        self.reviewers = [ReviewerSlot(member=code) for code in inp.reviewers]
        self.self_assessments: list[DocumentRef] = []
        self.cedaw: CedawSummary | None = None
        self.letters: list[LetterRef] = []
        self.rejected: list[Refusal] = []
        self.redraws: list[Redraw] = []
        self.extensions: list[ExtensionRecord] = []
        self.sign_offs: list[SignOffRecord] = []
        self.replacement_used = False
        self.responses: dict[str, str] = {}
        self.withdrawal: Withdraw | None = None
        self.decision: SignOff | None = None
        self.decisions_carried_out = 0
        self.published_overdue: bool | None = None
        self.wake = 0
        self.lock = asyncio.Lock()

    # ------------------------------------------------------------------ the process

    @workflow.run
    async def run(self, inp: ReviewInput) -> ReviewSummary:
        await self._enter(Stage.SELF_ASSESSMENT)
        await self._letter(LetterKind.INVITATION, deadline=self.deadline)
        while not self.withdrawal:
            await self._wait(self._self_assessment_in)
            if self.withdrawal:
                break
            if not self._peer_reviews_done():
                # Everyone drawn gets a request, even one who answers before it is written.
                asked = self._active_slots()
                await self._enter(Stage.PEER_REVIEW)
                for slot in asked:
                    await self._letter(
                        LetterKind.REVIEW_REQUEST,
                        recipient_member=slot.member,
                        deadline=slot.deadline,
                    )
                await self._wait(self._peer_reviews_done)
                if self.withdrawal:
                    break
            await self._enter(Stage.CEDAW_CHECK)
            self.cedaw = await self._activity(
                contract.RUN_CEDAW_CHECK,
                CedawCheckRequest(
                    cycle=inp.cycle,
                    member=inp.member.code,
                    self_assessment=self.self_assessments[-1],
                ),
                CedawSummary,
            )
            if self.withdrawal:
                break
            await self._enter(Stage.SIGN_OFF)
            await self._wait(lambda: self.decision is not None)
            if self.withdrawal:
                break
            if await self._apply_decision():
                break
        if self.withdrawal and self.stage is not Stage.COMPLETED:
            await self._withdraw()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._tell_cycle()
        return self._summary()

    def _self_assessment_in(self) -> bool:
        return len(self.self_assessments) >= self.round

    async def _apply_decision(self) -> bool:
        """Carry out the secretariat's decision; True when the review is completed."""
        decision = self.decision
        assert decision is not None
        self.sign_offs.append(
            SignOffRecord(
                at=workflow.now(),
                by=decision.actor.email,
                round=self.round,
                decision=decision.decision,
                comments=decision.comments,
            )
        )
        self.decision = None
        if decision.decision is Decision.APPROVE:
            await self._letter(LetterKind.FINAL_FEEDBACK, comments=decision.comments)
            await self._enter(Stage.COMPLETED)
            self.decisions_carried_out += 1
            return True
        returned_round = self.round
        self.round += 1
        self.cedaw = None
        await self._enter(Stage.SELF_ASSESSMENT)
        await self._letter(
            LetterKind.RETURNED,
            comments=decision.comments,
            deadline=self.deadline,
            round_=returned_round,
        )
        self.decisions_carried_out += 1
        return False

    async def _withdraw(self) -> None:
        assert self.withdrawal is not None
        self.decision = None
        await self._letter(LetterKind.WITHDRAWAL, reason=self.withdrawal.reason)
        await self._enter(Stage.WITHDRAWN)

    async def _tell_cycle(self) -> None:
        if not self.inp.cycle_workflow_id:
            return
        finished = ReviewFinished(
            member=self.inp.member.code,
            outcome=self.stage,
            cedaw_rating=self.cedaw.rating.value if self.cedaw else None,
        )
        try:
            await workflow.get_external_workflow_handle(self.inp.cycle_workflow_id).signal(
                "review_finished", finished
            )
        except FailureError:
            workflow.logger.warning(
                "Cycle workflow %s did not take the news", self.inp.cycle_workflow_id
            )

    # ------------------------------------------------------------------ stages and deadlines

    async def _enter(self, stage: Stage) -> None:
        self.stage = stage
        now = workflow.now()
        if stage in (Stage.SELF_ASSESSMENT, Stage.SIGN_OFF):
            self.deadline = self._new_deadline(now + self.inp.durations.for_stage(stage))
        else:
            self.deadline = None
        if stage is Stage.PEER_REVIEW:
            for slot in self._active_slots():
                slot.deadline = self._new_deadline(now + self.inp.durations.peer_review)
        await self._publish()

    def _new_deadline(self, due: datetime) -> Deadline:
        remind_at = due - self.inp.durations.reminder
        return Deadline(due=due, remind_at=remind_at if remind_at > workflow.now() else None)

    async def _publish(self) -> None:
        """Keep search attributes and the store's projection in step with the review."""
        overdue = self.overdue
        workflow.upsert_search_attributes(
            [
                contract.NAP_STAGE.value_set(self.stage.value),
                contract.NAP_OVERDUE.value_set(overdue),
            ]
        )
        self.published_overdue = overdue
        await self._activity(
            contract.PROJECT_REVIEW,
            ReviewProjection(
                cycle=self.inp.cycle,
                member=self.inp.member.code,
                stage=self.stage,
                round=self.round,
                overdue=overdue,
                cedaw_rating=self.cedaw.rating.value if self.cedaw else None,
            ),
            None,
        )

    @property
    def overdue(self) -> bool:
        if self.stage is Stage.PEER_REVIEW:
            return any(slot.overdue for slot in self.reviewers)
        return bool(self.stage in DEADLINED and self.deadline and self.deadline.overdue)

    async def _wait(self, done: Callable[[], bool]) -> None:
        """Wait until done or withdrawn, sending reminders and overdue notices when they fall due.

        A change of deadline (extension, new reviewer) bumps ``self.wake`` so the timer is re-armed.
        """
        while not (done() or self.withdrawal):
            wake = self.wake

            def woken(wake: int = wake) -> bool:
                return done() or self.withdrawal is not None or self.wake != wake

            due = self._next_notice()
            if due is None:
                await workflow.wait_condition(woken)
                continue
            when, notice = due
            delay = when - workflow.now()
            if delay > timedelta(0):
                # When the timer fires, look again: the reviewer it was armed for may have
                # submitted meanwhile, and must not be chased.
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(woken, timeout=delay)
                continue
            await notice()

    def _next_notice(self) -> tuple[datetime, Callable[[], Awaitable[None]]] | None:
        """The earliest reminder or overdue notice still to send in this stage."""
        candidates: list[tuple[datetime, Callable[[], Awaitable[None]]]] = []
        if self.stage is Stage.PEER_REVIEW:
            for slot in self._active_slots():
                if slot.deadline:
                    candidates += self._notices(slot.deadline, slot.member)
        elif self.stage in DEADLINED and self.deadline:
            candidates += self._notices(self.deadline, None)
        return min(candidates, key=lambda c: c[0]) if candidates else None

    def _notices(
        self, deadline: Deadline, reviewer: str | None
    ) -> list[tuple[datetime, Callable[[], Awaitable[None]]]]:
        found: list[tuple[datetime, Callable[[], Awaitable[None]]]] = []
        if deadline.remind_at and not deadline.reminded and not deadline.overdue:
            found.append((deadline.remind_at, lambda: self._remind(deadline, reviewer)))
        if not deadline.overdue:
            found.append((deadline.due, lambda: self._flag_overdue(deadline, reviewer)))
        return found

    def _notice_fields(self, deadline: Deadline, reviewer: str | None) -> dict[str, object]:
        if self.stage is Stage.SIGN_OFF:
            return {"addressee": Addressee.SECRETARIAT, "deadline": deadline}
        return {"recipient_member": reviewer, "deadline": deadline}

    async def _remind(self, deadline: Deadline, reviewer: str | None) -> None:
        deadline.reminded = True
        await self._letter(LetterKind.REMINDER, **self._notice_fields(deadline, reviewer))

    async def _flag_overdue(self, deadline: Deadline, reviewer: str | None) -> None:
        deadline.overdue = True
        await self._letter(LetterKind.OVERDUE, **self._notice_fields(deadline, reviewer))
        await self._publish()

    # ------------------------------------------------------------------ activities

    async def _activity(self, name: str, arg: object, result_type: type | None) -> object:
        return await workflow.execute_activity(
            name,
            arg,
            result_type=result_type,
            start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
            retry_policy=contract.ACTIVITY_RETRY,
        )

    async def _letter(
        self,
        kind: LetterKind,
        *,
        recipient_member: str | None = None,
        addressee: Addressee = Addressee.FOCAL_POINT,
        deadline: Deadline | None = None,
        reason: str | None = None,
        comments: str | None = None,
        previous_reviewer: str | None = None,
        new_reviewer: str | None = None,
        round_: int | None = None,
    ) -> None:
        request = LetterRequest(
            cycle=self.inp.cycle,
            member=self.inp.member.code,
            kind=kind,
            round=round_ or self.round,
            recipient_member=recipient_member,
            addressee=addressee,
            chair=self.inp.chair,
            occasion=_occasion(kind, deadline, previous_reviewer, new_reviewer),
            deadline=deadline.due.date().isoformat() if deadline else None,
            reason=reason,
            comments=comments,
            reviewers=[s.member for s in self.reviewers if s.counts],
            previous_reviewer=previous_reviewer,
            new_reviewer=new_reviewer,
            responses=dict(self.responses),
            self_assessment_id=self.self_assessments[-1].id if self.self_assessments else None,
            peer_review_ids=[s.document.id for s in self.reviewers if s.document],
            cedaw_result_id=self.cedaw.result_id if self.cedaw else None,
            stage=self.stage.value,
        )
        ref = await self._activity(contract.SEND_LETTER, request, LetterRef)
        assert isinstance(ref, LetterRef)
        self.letters.append(ref)

    # ------------------------------------------------------------------ reviewers

    def _active_slots(self) -> list[ReviewerSlot]:
        return [s for s in self.reviewers if s.status is ReviewerStatus.ACTIVE]

    def _peer_reviews_done(self) -> bool:
        return not self._active_slots()

    def _slot(self, member: str | None, *statuses: ReviewerStatus) -> ReviewerSlot | None:
        return next(
            (s for s in self.reviewers if s.member == member and s.status in statuses), None
        )

    async def _change_reviewer(self, slot: ReviewerSlot, why: ReviewerStatus, actor: str) -> None:
        """Draw a successor for a reviewer who leaves; if nobody fits, refuse and change nothing."""
        number = len(self.redraws) + 1
        seed = _redraw_seed(self.inp.seed, self.inp.member.code, number)
        try:
            outcome = await self._activity(
                contract.REDRAW_REVIEWER,
                RedrawRequest(
                    cycle=self.inp.cycle,
                    member=self.inp.member.code,
                    leaving=slot.member,
                    why=why.value,
                    seed=seed,
                    reviewers_per_member=len([s for s in self.reviewers if s.counts]),
                ),
                RedrawOutcome,
            )
        except ActivityError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type == contract.NO_REVIEWER_LEFT:
                raise Refused(cause.message) from None
            raise
        assert isinstance(outcome, RedrawOutcome)
        slot.status = why
        successor = ReviewerSlot(
            member=outcome.chosen,
            replaces=slot.member,
            deadline=self._new_deadline(workflow.now() + self.inp.durations.peer_review),
        )
        self.reviewers.append(successor)
        self.redraws.append(
            Redraw(
                at=workflow.now(),
                why=why.value,
                previous=slot.member,
                chosen=outcome.chosen,
                seed=seed,
                relaxed=outcome.relaxed,
                by=actor,
            )
        )
        self.wake += 1
        await self._letter(
            LetterKind.REVIEWER_CHANGE,
            previous_reviewer=slot.member,
            new_reviewer=outcome.chosen,
            reason=why.value,
        )
        await self._letter(
            LetterKind.REVIEW_REQUEST, recipient_member=outcome.chosen, deadline=successor.deadline
        )
        await self._publish()

    # ---------------------------------------------------------- checks (shared by both paths)

    def _check_common(self, cmd: Command, *roles: Role) -> None:
        if self.stage.terminal:
            raise Refused(
                f"The review of {self._name} is {self.stage.value}; nothing more can change."
            )
        if cmd.actor.role not in roles:
            allowed = " or ".join(r.value.replace("_", " ") for r in roles)
            raise Refused(
                f"{cmd.actor.email} acts as {cmd.actor.role.value.replace('_', ' ')}; "
                f"only the {allowed} may take this step."
            )

    def _check_stage(self, *stages: Stage) -> None:
        if self.stage not in stages:
            wanted = " or ".join(s.value.replace("_", " ") for s in stages)
            raise Refused(
                f"The review of {self._name} is at {self.stage.value.replace('_', ' ')}, "
                f"not {wanted}."
            )

    def _check_own_focal_point(self, cmd: Command) -> None:
        if cmd.actor.member != self.inp.member.code:
            raise Refused(
                f"{cmd.actor.email} is not the focal point of {self._name}; only they may take "
                "this step."
            )

    @property
    def _name(self) -> str:
        return self.inp.member.name

    def check_submit_self_assessment(self, cmd: SubmitSelfAssessment) -> None:
        self._check_common(cmd, Role.FOCAL_POINT)
        self._check_own_focal_point(cmd)
        if self.stage is Stage.SELF_ASSESSMENT and len(self.self_assessments) >= self.round:
            raise Refused(f"The self-assessment for round {self.round} is already submitted.")
        if self.stage is not Stage.SELF_ASSESSMENT:
            raise Refused(
                f"The self-assessment of {self._name} is already submitted; the review is at "
                f"{self.stage.value.replace('_', ' ')}."
            )

    def check_submit_peer_review(self, cmd: SubmitPeerReview) -> None:
        self._check_common(cmd, Role.FOCAL_POINT)
        if cmd.actor.member == self.inp.member.code:
            raise Refused("Nobody reviews their own member.")
        submitted = self._slot(cmd.actor.member, ReviewerStatus.SUBMITTED)
        if submitted:
            raise Refused(f"{cmd.actor.member} has already submitted its review of {self._name}.")
        if not self._slot(cmd.actor.member, ReviewerStatus.ACTIVE):
            raise Refused(
                f"{cmd.actor.member or cmd.actor.email} is not one of the reviewers of "
                f"{self._name}."
            )
        self._check_stage(Stage.PEER_REVIEW)

    def check_respond(self, cmd: RespondToRecommendations) -> None:
        self._check_common(cmd, Role.FOCAL_POINT)
        self._check_own_focal_point(cmd)
        self._check_stage(Stage.CEDAW_CHECK, Stage.SIGN_OFF, Stage.PEER_REVIEW)
        known = {
            f"{s.member}#{n}"
            for s in self.reviewers
            if s.status is ReviewerStatus.SUBMITTED
            for n in range(1, s.recommendations + 1)
        }
        unknown = sorted(set(cmd.responses) - known)
        if unknown:
            raise Refused("No such peer recommendation: " + ", ".join(unknown) + ".")

    def check_replace(self, cmd: ReplaceReviewer) -> None:
        self._check_common(cmd, Role.FOCAL_POINT)
        self._check_own_focal_point(cmd)
        self._check_stage(Stage.PEER_REVIEW)
        if self.replacement_used:
            raise Refused(f"{self._name} has already used its one substitution of a reviewer.")
        self._check_leaving(cmd.reviewer)

    def check_recuse(self, cmd: Recuse) -> None:
        self._check_common(cmd, Role.FOCAL_POINT)
        self._check_stage(Stage.PEER_REVIEW)
        self._check_leaving(cmd.actor.member)

    def check_reassign(self, cmd: ReassignReviewer) -> None:
        self._check_common(cmd, Role.SECRETARIAT)
        self._check_stage(Stage.PEER_REVIEW)
        self._check_leaving(cmd.reviewer)

    def _check_leaving(self, reviewer: str | None) -> None:
        if self._slot(reviewer, ReviewerStatus.SUBMITTED):
            raise Refused(f"{reviewer} has already submitted its review; it stands.")
        if not self._slot(reviewer, ReviewerStatus.ACTIVE):
            raise Refused(f"{reviewer} is not one of the reviewers of {self._name}.")

    def check_sign_off(self, cmd: SignOff) -> None:
        self._check_common(cmd, Role.SECRETARIAT)
        self._check_stage(Stage.SIGN_OFF)
        if self.decision is not None:
            raise Refused("A decision for this round has already been taken.")
        if cmd.decision is Decision.RETURN_FOR_REVISION and self.round >= self.inp.max_rounds:
            raise Refused(
                f"This is round {self.round} of at most {self.inp.max_rounds}: the review can "
                "now only be approved or withdrawn."
            )

    def check_extend(self, cmd: Extend) -> None:
        self._check_common(cmd, Role.SECRETARIAT)
        self._check_stage(*DEADLINED)
        if cmd.by <= timedelta(0):
            raise Refused("An extension must be longer than zero.")

    def check_withdraw(self, cmd: Withdraw) -> None:
        self._check_common(cmd, Role.SECRETARIAT)
        if self.withdrawal is not None:
            raise Refused(f"The review of {self._name} is already being withdrawn.")

    # ------------------------------------------------------------------ how a step is applied

    async def _step(
        self,
        name: str,
        cmd: Command,
        check: Callable[[], None],
        apply: Callable[[], Awaitable[None]],
    ) -> ReviewState:
        """Check again under the lock (another step may have won the race) and apply."""
        async with self.lock:
            try:
                check()
                await apply()
            except Refused as refusal:
                self._record_refusal(name, cmd, str(refusal))
                raise ApplicationError(
                    str(refusal), type=contract.REFUSED, non_retryable=True
                ) from None
        return self.state()

    def _record_refusal(self, step: str, cmd: Command, reason: str) -> None:
        self.rejected.append(
            Refusal(at=workflow.now(), actor=cmd.actor.describe(), step=step, reason=reason)
        )
        del self.rejected[:-MAX_REFUSALS_KEPT]

    async def _signalled(
        self,
        name: str,
        cmd: Command,
        check: Callable[[], None],
        apply: Callable[[], Awaitable[None]],
    ) -> None:
        """A signal cannot be answered: a refusal is recorded instead, and nothing changes."""
        with contextlib.suppress(ApplicationError):
            await self._step(name, cmd, check, apply)

    async def _accept(
        self, kind: DocumentKind, document: DocumentRef, reviewer: str | None = None
    ) -> DocumentReceipt:
        try:
            receipt = await self._activity(
                contract.ACCEPT_DOCUMENT,
                AcceptDocument(
                    cycle=self.inp.cycle,
                    member=self.inp.member.code,
                    kind=kind.value,
                    document=document,
                    reviewer=reviewer,
                ),
                DocumentReceipt,
            )
        except ActivityError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type == contract.DOCUMENT_MISMATCH:
                raise Refused(cause.message) from None
            raise
        assert isinstance(receipt, DocumentReceipt)
        return receipt

    async def _apply_self_assessment(self, cmd: SubmitSelfAssessment) -> None:
        await self._accept(DocumentKind.SELF_ASSESSMENT, cmd.document)
        self.check_submit_self_assessment(cmd)
        self.self_assessments.append(cmd.document)

    async def _apply_peer_review(self, cmd: SubmitPeerReview) -> None:
        receipt = await self._accept(DocumentKind.PEER_REVIEW, cmd.document, cmd.actor.member)
        self.check_submit_peer_review(cmd)
        slot = self._slot(cmd.actor.member, ReviewerStatus.ACTIVE)
        assert slot is not None
        slot.status = ReviewerStatus.SUBMITTED
        slot.document = cmd.document
        slot.recommendations = receipt.recommendations

    async def _apply_respond(self, cmd: RespondToRecommendations) -> None:
        self.responses.update({k: v.value for k, v in cmd.responses.items()})

    async def _apply_replace(self, cmd: ReplaceReviewer) -> None:
        slot = self._slot(cmd.reviewer, ReviewerStatus.ACTIVE)
        assert slot is not None
        await self._change_reviewer(slot, ReviewerStatus.REPLACED, cmd.actor.email)
        self.replacement_used = True

    async def _apply_recuse(self, cmd: Recuse) -> None:
        slot = self._slot(cmd.actor.member, ReviewerStatus.ACTIVE)
        assert slot is not None
        await self._change_reviewer(slot, ReviewerStatus.RECUSED, cmd.actor.email)

    async def _apply_reassign(self, cmd: ReassignReviewer) -> None:
        slot = self._slot(cmd.reviewer, ReviewerStatus.ACTIVE)
        assert slot is not None
        await self._change_reviewer(slot, ReviewerStatus.REASSIGNED, cmd.actor.email)

    async def _apply_sign_off(self, cmd: SignOff) -> None:
        """Hand the decision to the main loop and answer once it has been carried out, letter
        included (a returned review enters self-assessment before its letter is written)."""
        self.decision = cmd
        carried_out = self.decisions_carried_out + 1
        await workflow.wait_condition(
            lambda: self.decisions_carried_out >= carried_out or self.withdrawal is not None
        )

    async def _apply_extend(self, cmd: Extend) -> None:
        now = workflow.now()
        if self.stage is Stage.PEER_REVIEW:
            deadlines = [s.deadline for s in self._active_slots() if s.deadline]
        else:
            deadlines = [self.deadline] if self.deadline else []
        for deadline in deadlines:
            deadline.due += cmd.by
            remind_at = deadline.due - self.inp.durations.reminder
            if remind_at > now:
                deadline.remind_at, deadline.reminded = remind_at, False
            if deadline.due > now:
                deadline.overdue = False
        self.extensions.append(
            ExtensionRecord(
                at=now,
                by=cmd.actor.email,
                stage=self.stage,
                extended_by=cmd.by,
                reason=cmd.reason,
                new_deadline=max((d.due for d in deadlines), default=now),
            )
        )
        self.wake += 1
        if self.overdue != self.published_overdue:
            await self._publish()

    async def _apply_withdraw(self, cmd: Withdraw) -> None:
        self.withdrawal = cmd
        await workflow.wait_condition(lambda: self.stage.terminal)
        if self.stage is Stage.COMPLETED:
            raise Refused(
                f"The review of {self._name} was approved before the withdrawal took effect."
            )

    # ------------------------------------------------------------------ signals

    @workflow.signal
    async def submit_self_assessment(self, cmd: SubmitSelfAssessment) -> None:
        await self._signalled(
            "submit_self_assessment",
            cmd,
            lambda: self.check_submit_self_assessment(cmd),
            lambda: self._apply_self_assessment(cmd),
        )

    @workflow.signal
    async def submit_peer_review(self, cmd: SubmitPeerReview) -> None:
        await self._signalled(
            "submit_peer_review",
            cmd,
            lambda: self.check_submit_peer_review(cmd),
            lambda: self._apply_peer_review(cmd),
        )

    @workflow.signal
    async def respond_to_recommendations(self, cmd: RespondToRecommendations) -> None:
        await self._signalled(
            "respond_to_recommendations",
            cmd,
            lambda: self.check_respond(cmd),
            lambda: self._apply_respond(cmd),
        )

    @workflow.signal
    async def replace_reviewer(self, cmd: ReplaceReviewer) -> None:
        await self._signalled(
            "replace_reviewer",
            cmd,
            lambda: self.check_replace(cmd),
            lambda: self._apply_replace(cmd),
        )

    @workflow.signal
    async def recuse(self, cmd: Recuse) -> None:
        await self._signalled(
            "recuse", cmd, lambda: self.check_recuse(cmd), lambda: self._apply_recuse(cmd)
        )

    @workflow.signal
    async def reassign_reviewer(self, cmd: ReassignReviewer) -> None:
        await self._signalled(
            "reassign_reviewer",
            cmd,
            lambda: self.check_reassign(cmd),
            lambda: self._apply_reassign(cmd),
        )

    @workflow.signal
    async def sign_off(self, cmd: SignOff) -> None:
        await self._signalled(
            "sign_off", cmd, lambda: self.check_sign_off(cmd), lambda: self._apply_sign_off(cmd)
        )

    @workflow.signal
    async def extend(self, cmd: Extend) -> None:
        await self._signalled(
            "extend", cmd, lambda: self.check_extend(cmd), lambda: self._apply_extend(cmd)
        )

    @workflow.signal
    async def withdraw(self, cmd: Withdraw) -> None:
        await self._signalled(
            "withdraw", cmd, lambda: self.check_withdraw(cmd), lambda: self._apply_withdraw(cmd)
        )

    # ------------------------------------------------------------------ updates (the CLI's path)

    @workflow.update
    async def do_submit_self_assessment(self, cmd: SubmitSelfAssessment) -> ReviewState:
        return await self._step(
            "submit_self_assessment",
            cmd,
            lambda: self.check_submit_self_assessment(cmd),
            lambda: self._apply_self_assessment(cmd),
        )

    @do_submit_self_assessment.validator
    def _validate_submit_self_assessment(self, cmd: SubmitSelfAssessment) -> None:
        _validated(lambda: self.check_submit_self_assessment(cmd))

    @workflow.update
    async def do_submit_peer_review(self, cmd: SubmitPeerReview) -> ReviewState:
        return await self._step(
            "submit_peer_review",
            cmd,
            lambda: self.check_submit_peer_review(cmd),
            lambda: self._apply_peer_review(cmd),
        )

    @do_submit_peer_review.validator
    def _validate_submit_peer_review(self, cmd: SubmitPeerReview) -> None:
        _validated(lambda: self.check_submit_peer_review(cmd))

    @workflow.update
    async def do_respond_to_recommendations(self, cmd: RespondToRecommendations) -> ReviewState:
        return await self._step(
            "respond_to_recommendations",
            cmd,
            lambda: self.check_respond(cmd),
            lambda: self._apply_respond(cmd),
        )

    @do_respond_to_recommendations.validator
    def _validate_respond(self, cmd: RespondToRecommendations) -> None:
        _validated(lambda: self.check_respond(cmd))

    @workflow.update
    async def do_replace_reviewer(self, cmd: ReplaceReviewer) -> ReviewState:
        return await self._step(
            "replace_reviewer",
            cmd,
            lambda: self.check_replace(cmd),
            lambda: self._apply_replace(cmd),
        )

    @do_replace_reviewer.validator
    def _validate_replace(self, cmd: ReplaceReviewer) -> None:
        _validated(lambda: self.check_replace(cmd))

    @workflow.update
    async def do_recuse(self, cmd: Recuse) -> ReviewState:
        return await self._step(
            "recuse", cmd, lambda: self.check_recuse(cmd), lambda: self._apply_recuse(cmd)
        )

    @do_recuse.validator
    def _validate_recuse(self, cmd: Recuse) -> None:
        _validated(lambda: self.check_recuse(cmd))

    @workflow.update
    async def do_reassign_reviewer(self, cmd: ReassignReviewer) -> ReviewState:
        return await self._step(
            "reassign_reviewer",
            cmd,
            lambda: self.check_reassign(cmd),
            lambda: self._apply_reassign(cmd),
        )

    @do_reassign_reviewer.validator
    def _validate_reassign(self, cmd: ReassignReviewer) -> None:
        _validated(lambda: self.check_reassign(cmd))

    @workflow.update
    async def do_sign_off(self, cmd: SignOff) -> ReviewState:
        return await self._step(
            "sign_off", cmd, lambda: self.check_sign_off(cmd), lambda: self._apply_sign_off(cmd)
        )

    @do_sign_off.validator
    def _validate_sign_off(self, cmd: SignOff) -> None:
        _validated(lambda: self.check_sign_off(cmd))

    @workflow.update
    async def do_extend(self, cmd: Extend) -> ReviewState:
        return await self._step(
            "extend", cmd, lambda: self.check_extend(cmd), lambda: self._apply_extend(cmd)
        )

    @do_extend.validator
    def _validate_extend(self, cmd: Extend) -> None:
        _validated(lambda: self.check_extend(cmd))

    @workflow.update
    async def do_withdraw(self, cmd: Withdraw) -> ReviewState:
        return await self._step(
            "withdraw", cmd, lambda: self.check_withdraw(cmd), lambda: self._apply_withdraw(cmd)
        )

    @do_withdraw.validator
    def _validate_withdraw(self, cmd: Withdraw) -> None:
        _validated(lambda: self.check_withdraw(cmd))

    # ------------------------------------------------------------------ what people can read

    @workflow.query
    def state(self) -> ReviewState:
        return ReviewState(
            cycle=self.inp.cycle,
            member=self.inp.member.code,
            stage=self.stage,
            round=self.round,
            overdue=self.overdue,
            deadline=self.deadline,
            reviewers=self.reviewers,
            self_assessments=self.self_assessments,
            cedaw=self.cedaw,
            letters=self.letters,
            rejected=self.rejected,
            redraws=self.redraws,
            extensions=self.extensions,
            sign_offs=self.sign_offs,
            replacement_used=self.replacement_used,
            responses=self.responses,
            withdrawn_reason=self.withdrawal.reason if self.withdrawal else None,
        )

    def _summary(self) -> ReviewSummary:
        return ReviewSummary(
            cycle=self.inp.cycle,
            member=self.inp.member.code,
            outcome=self.stage,
            rounds=self.round,
            self_assessments=self.self_assessments,
            peer_reviews={s.member: s.document for s in self.reviewers if s.document},
            cedaw=self.cedaw,
            sign_offs=self.sign_offs,
            letters=self.letters,
            withdrawn_reason=self.withdrawal.reason if self.withdrawal else None,
        )


_PER_DEADLINE = (LetterKind.REMINDER, LetterKind.OVERDUE, LetterKind.REVIEW_REQUEST)


def _occasion(
    kind: LetterKind,
    deadline: Deadline | None,
    previous_reviewer: str | None,
    new_reviewer: str | None,
) -> str:
    """What tells apart letters of one kind, round and recipient that are rightly sent twice.

    A reviewer change names who left and who came: a recusal and a reassignment in one round
    are two letters, not one stored letter returned twice.
    """
    if kind is LetterKind.REVIEWER_CHANGE:
        return f"{previous_reviewer}->{new_reviewer}"
    return deadline.due.isoformat() if deadline and kind in _PER_DEADLINE else ""


def _validated(check: Callable[[], None]) -> None:
    """Turn a refusal into the ApplicationError an update validator must raise."""
    try:
        check()
    except Refused as refusal:
        raise ApplicationError(str(refusal), type=contract.REFUSED, non_retryable=True) from None


def _redraw_seed(cycle_seed: int, member: str, number: int) -> int:
    """A re-draw's own seed, derived from the cycle's so an auditor can re-run it."""
    digest = hashlib.sha256(f"{cycle_seed}:{member}:{number}".encode()).hexdigest()
    return int(digest[:12], 16)
