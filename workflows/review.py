"""One member's review in one cycle: self-assessment → peer review → CEDAW check → sign-off.

Every step arrives twice over: as a signal (fire and forget; a refusal is recorded in the
review's state) and as an update (the caller waits; a refusal comes back at once, through the
validator). Both share one check per step, so the rules cannot drift apart. The checks trust the
role and member the front end resolved from the store (a validator cannot look anything up), and
only once the front end's signature over the command holds (schemas/proof.py).

Reviews started before this release (no marker ``napreview-v2`` in history) keep the rules they
started with, so their histories still replay: see ``self.v2``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import ValidationError
from temporalio import workflow
from temporalio.common import RawValue
from temporalio.exceptions import ActivityError, ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from napreview.schemas.cedaw import CedawSummary
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
    from napreview.schemas.review import (
        AcceptDocument,
        CedawCheckRequest,
        Command,
        Deadline,
        Decision,
        DistrustKey,
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
        ReviewCarry,
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
        StepTaken,
        SubmitPeerReview,
        SubmitSelfAssessment,
        TrustKey,
        Withdraw,
        recommendation_keys,
    )
    from napreview.schemas.submissions import DocumentKind, DocumentRef, RecommendationResponse
    from napreview.workflows import contract

# The one marker that tells reviews started by this release from older ones.
V2 = "napreview-v2"
DEADLINED = (Stage.SELF_ASSESSMENT, Stage.PEER_REVIEW, Stage.SIGN_OFF)
# Keep at most this many refusals in state (actor, step, reason only; never the payload).
MAX_REFUSALS_KEPT = 200
# Nonces of signed steps remembered to refuse a step sent twice; older ones are also too old
# to pass the proof's freshness check.
MAX_NONCES_KEPT = 500
# What an activity answers when retrying cannot help: the step is refused and recorded.
REFUSALS = (contract.DOCUMENT_MISMATCH, contract.STORE_REJECTED, contract.REFUSED)
# A cycle's cancellation reaches its reviews through an activity that may be retried for a while.
CYCLE_CANCEL_FRESHNESS = timedelta(days=7)


class Refused(Exception):
    """A step refused for a reason the person can act on."""


class Withdrawn(Exception):
    """The review was withdrawn while the work in hand was under way."""


@dataclass(frozen=True)
class Step:
    """One kind of step: the command it carries, how it is checked and how it is applied."""

    model: type[Command]
    check: Callable[[MemberReviewWorkflow, Command], None]
    apply: Callable[[MemberReviewWorkflow, Command], Awaitable[None]]


@workflow.defn(name=contract.REVIEW_WORKFLOW)
class MemberReviewWorkflow:
    @workflow.init
    def __init__(self, inp: ReviewInput) -> None:
        self.inp = inp
        self.v2 = workflow.patched(V2)
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
        self.answers_due: datetime | None = None
        self.noted_by_default: list[str] = []
        self.trusted_keys = dict(inp.trusted_keys)
        self.nonces: list[str] = []
        self.withdrawal: Withdraw | None = None
        self.decision: SignOff | None = None
        self.decisions_carried_out = 0
        self.published_overdue: bool | None = None
        self.finished_at: datetime | None = None
        self.runs = 1
        self.wake = 0
        self.lock = asyncio.Lock()
        if inp.carried:
            self._restore(inp.carried)

    # ------------------------------------------------------------------ the process

    @workflow.run
    async def run(self, inp: ReviewInput) -> ReviewSummary:
        # A withdrawal interrupts whatever is under way (``Withdrawn``), from the very start.
        with contextlib.suppress(Withdrawn):
            if not inp.carried:
                await self._enter(Stage.SELF_ASSESSMENT)
                await self._letter(LetterKind.INVITATION, deadline=self.deadline)
            while not self.withdrawal and not self.stage.terminal:
                await self._next_stage()
        if self.withdrawal and self.stage is not Stage.COMPLETED:
            await self._withdraw()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._tell_cycle()
        return self._summary()

    async def _next_stage(self) -> None:
        """Wait for what the current stage waits for, then move the review on."""
        if self.stage is Stage.SELF_ASSESSMENT:
            await self._wait(self._self_assessment_in)
            if self.withdrawal:
                return
            if not self._peer_reviews_done():
                # Everyone drawn gets a request, even one who answers before it is written.
                asked = self._active_slots()
                await self._enter(Stage.PEER_REVIEW)
                requests = [
                    self._letter(
                        LetterKind.REVIEW_REQUEST,
                        recipient_member=slot.member,
                        deadline=slot.deadline,
                    )
                    for slot in asked
                ]
                if self.v2:
                    await asyncio.gather(*requests)  # written together, in one workflow task
                else:
                    for request in requests:
                        await request
                return
            # A revised self-assessment: the peer reviews already given stand.
        elif self.stage is Stage.PEER_REVIEW:
            await self._wait(self._peer_reviews_done)
            if self.withdrawal:
                return
            if self.v2:
                await self._await_answers()
                if self.withdrawal:
                    return
        elif self.stage is Stage.SIGN_OFF:
            await self._wait(lambda: self.decision is not None)
            if self.withdrawal:
                return
            await self._apply_decision()
            return
        await self._check_cedaw()
        if self.withdrawal:
            return
        await self._enter(Stage.SIGN_OFF)

    async def _check_cedaw(self) -> None:
        await self._enter(Stage.CEDAW_CHECK)
        cedaw = await self._activity(
            contract.RUN_CEDAW_CHECK,
            CedawCheckRequest(
                cycle=self.inp.cycle,
                member=self.inp.member.code,
                self_assessment=self.self_assessments[-1],
            ),
            CedawSummary,
        )
        assert isinstance(cedaw, CedawSummary)
        self.cedaw = cedaw

    def _self_assessment_in(self) -> bool:
        return len(self.self_assessments) >= self.round

    async def _await_answers(self) -> None:
        """Give the member time to mark each peer recommendation supported or noted.

        The review goes on once all are answered or the time is up; those left then stand as
        noted, and the letters say so.
        """
        if not self._unanswered():
            return
        self.answers_due = workflow.now() + self.inp.durations.responses
        await self._wait(lambda: not self._unanswered(), until=lambda: self.answers_due)
        if self.withdrawal:
            return
        # Those left unanswered stand as noted; they stay unmarked, so the letters say that no
        # answer was given (a late answer is still taken).
        self.noted_by_default = self._unanswered()
        self.answers_due = None

    def _unanswered(self) -> list[str]:
        return [key for key in recommendation_keys(self.reviewers) if key not in self.responses]

    async def _apply_decision(self) -> None:
        """Carry out the secretariat's decision."""
        decision = self.decision
        assert decision is not None
        self.sign_offs.append(
            SignOffRecord(
                at=workflow.now(),
                by=decision.actor.ref,
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
            return
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

    async def _withdraw(self) -> None:
        assert self.withdrawal is not None
        self.decision = None
        await self._letter(
            LetterKind.WITHDRAWAL, reason=self.withdrawal.reason, interruptible=False
        )
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

    # ------------------------------------------------------------------ a long history

    def _quiet(self) -> bool:
        """Nothing in flight: the review can continue in a new run without losing anything."""
        return (
            workflow.all_handlers_finished()
            and not self.lock.locked()
            and self.decision is None
            and self.withdrawal is None
        )

    async def _continue_if_long(self) -> None:
        """Continue as new before history nears Temporal's limits (floods of refused signals,
        a review open for years with reminders)."""
        if not (self.v2 and workflow.info().is_continue_as_new_suggested() and self._quiet()):
            return
        workflow.continue_as_new(self.inp.model_copy(update={"carried": self._carry()}))

    def _carry(self) -> ReviewCarry:
        return ReviewCarry(
            stage=self.stage,
            round=self.round,
            deadline=self.deadline,
            reviewers=self.reviewers,
            self_assessments=self.self_assessments,
            cedaw=self.cedaw,
            letters=self.letters,
            rejected=self.rejected[-50:],
            redraws=self.redraws,
            extensions=self.extensions,
            sign_offs=self.sign_offs,
            replacement_used=self.replacement_used,
            responses={k: RecommendationResponse(v) for k, v in self.responses.items()},
            answers_due=self.answers_due,
            noted_by_default=self.noted_by_default,
            trusted_keys=self.trusted_keys,
            nonces=self.nonces,
            published_overdue=self.published_overdue,
            runs=self.runs + 1,
        )

    def _restore(self, carried: ReviewCarry) -> None:
        self.stage = carried.stage
        self.round = carried.round
        self.deadline = carried.deadline
        self.reviewers = list(carried.reviewers)
        self.self_assessments = list(carried.self_assessments)
        self.cedaw = carried.cedaw
        self.letters = list(carried.letters)
        self.rejected = list(carried.rejected)
        self.redraws = list(carried.redraws)
        self.extensions = list(carried.extensions)
        self.sign_offs = list(carried.sign_offs)
        self.replacement_used = carried.replacement_used
        self.responses = {k: v.value for k, v in carried.responses.items()}
        self.answers_due = carried.answers_due
        self.noted_by_default = list(carried.noted_by_default)
        self.trusted_keys = dict(carried.trusted_keys)
        self.nonces = list(carried.nonces)
        self.published_overdue = carried.published_overdue
        self.runs = carried.runs

    # ------------------------------------------------------------------ stages and deadlines

    async def _enter(self, stage: Stage) -> None:
        self.stage = stage
        now = workflow.now()
        if stage.terminal:
            self.finished_at = now
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
        projection = ReviewProjection(
            cycle=self.inp.cycle,
            member=self.inp.member.code,
            stage=self.stage,
            round=self.round,
            overdue=overdue,
            cedaw_rating=self.cedaw.rating.value if self.cedaw else None,
        )
        if self.v2:
            # The work lists and the portal read this projection. A local activity: run in the
            # worker that runs the review, one marker in history instead of three events and a
            # round trip through the task queue.
            await workflow.execute_local_activity(
                contract.PROJECT_REVIEW,
                projection,
                start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
                retry_policy=contract.ACTIVITY_RETRY,
            )
            return
        await self._activity(
            contract.PROJECT_REVIEW, projection, None, interruptible=not self.stage.terminal
        )

    @property
    def overdue(self) -> bool:
        if self.stage is Stage.PEER_REVIEW:
            return any(slot.overdue for slot in self.reviewers)
        return bool(self.stage in DEADLINED and self.deadline and self.deadline.overdue)

    async def _wait(
        self,
        done: Callable[[], bool],
        until: Callable[[], datetime | None] | None = None,
    ) -> None:
        """Wait until done, withdrawn or (if given) the time ``until`` says, sending reminders
        and overdue notices when they fall due.

        A change of deadline (extension, new reviewer) bumps ``self.wake`` so the timer is
        re-armed.
        """
        while not (done() or self.withdrawal):
            await self._continue_if_long()
            wake = self.wake

            def woken(wake: int = wake) -> bool:
                return done() or self.withdrawal is not None or self.wake != wake

            due = self._next_notice()
            limit = until() if until else None
            if limit is not None and (due is None or limit <= due[0]):
                if limit <= workflow.now():
                    return
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(woken, timeout=limit - workflow.now())
                continue
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

    async def _activity(
        self, name: str, arg: object, result_type: type | None, *, interruptible: bool = True
    ) -> object:
        """Run an activity; in a v2 review a withdrawal interrupts it (``Withdrawn``), so that
        withdrawing always works, even while the work in hand keeps failing."""
        handle = workflow.start_activity(
            name,
            arg,
            result_type=result_type,
            start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
            retry_policy=contract.ACTIVITY_RETRY,
        )
        if not (self.v2 and interruptible):
            return await handle
        if self.withdrawal is not None:
            handle.cancel()
            raise Withdrawn
        withdrawn = asyncio.ensure_future(
            workflow.wait_condition(lambda: self.withdrawal is not None)
        )
        try:
            await workflow.wait([handle, withdrawn], return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not withdrawn.done():
                withdrawn.cancel()
        if handle.done():
            return handle.result()
        handle.cancel()
        raise Withdrawn

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
        interruptible: bool = True,
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
        ref = await self._activity(
            contract.SEND_LETTER, request, LetterRef, interruptible=interruptible
        )
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

    def _check_proof(self, step: str, cmd: Command) -> None:
        """The front end's signature must hold, for this step on this review, and be new."""
        if not self.trusted_keys:
            return  # a review started before commands were signed
        reason = verify(
            cmd.proof,
            step,
            workflow.info().workflow_id,
            cmd,
            self.trusted_keys,
            workflow.now(),
        )
        if reason:
            raise Refused(reason)
        assert cmd.proof is not None
        if cmd.proof.nonce in self.nonces:
            raise Refused("This step was already received; it is not taken twice.")

    def _check_common(self, cmd: Command, *roles: Role) -> None:
        if self.stage.terminal:
            raise Refused(self._closed_message())
        if cmd.actor.role not in roles:
            allowed = " or ".join(r.value.replace("_", " ") for r in roles)
            raise Refused(
                f"You act as {cmd.actor.acts_as()}; only the {allowed} may take this step."
            )

    def _closed_message(self) -> str:
        what = "approved" if self.stage is Stage.COMPLETED else "withdrawn"
        when = f" on {self.finished_at:%d %B %Y}" if self.finished_at else ""
        return (
            f"The review of {self._name} in cycle {self.inp.cycle} was {what}{when}; "
            "nothing more can change."
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
                f"You act as {cmd.actor.acts_as()}; only the focal point of {self._name} may "
                "take this step."
            )

    @property
    def _name(self) -> str:
        return self.inp.member.name

    def check_submit_self_assessment(self, cmd: SubmitSelfAssessment) -> None:
        self._check_proof("submit_self_assessment", cmd)
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
        self._check_proof("submit_peer_review", cmd)
        self._check_common(cmd, Role.FOCAL_POINT)
        if cmd.actor.member == self.inp.member.code:
            raise Refused("Nobody reviews their own member.")
        submitted = self._slot(cmd.actor.member, ReviewerStatus.SUBMITTED)
        if submitted:
            raise Refused(f"{cmd.actor.member} has already submitted its review of {self._name}.")
        if not self._slot(cmd.actor.member, ReviewerStatus.ACTIVE):
            raise Refused(
                f"You act as {cmd.actor.acts_as()}, which is not one of the reviewers of "
                f"{self._name}."
            )
        self._check_stage(Stage.PEER_REVIEW)

    def check_respond(self, cmd: RespondToRecommendations) -> None:
        self._check_proof("respond_to_recommendations", cmd)
        self._check_common(cmd, Role.FOCAL_POINT)
        self._check_own_focal_point(cmd)
        self._check_stage(Stage.CEDAW_CHECK, Stage.SIGN_OFF, Stage.PEER_REVIEW)
        unknown = sorted(set(cmd.responses) - set(recommendation_keys(self.reviewers)))
        if unknown:
            raise Refused("No such peer recommendation: " + ", ".join(unknown) + ".")

    def check_replace(self, cmd: ReplaceReviewer) -> None:
        self._check_proof("replace_reviewer", cmd)
        self._check_common(cmd, Role.FOCAL_POINT)
        self._check_own_focal_point(cmd)
        self._check_stage(Stage.PEER_REVIEW)
        if self.replacement_used:
            raise Refused(f"{self._name} has already used its one substitution of a reviewer.")
        self._check_leaving(cmd.reviewer)

    def check_recuse(self, cmd: Recuse) -> None:
        self._check_proof("recuse", cmd)
        self._check_common(cmd, Role.FOCAL_POINT)
        self._check_stage(Stage.PEER_REVIEW)
        self._check_leaving(cmd.actor.member)

    def check_reassign(self, cmd: ReassignReviewer) -> None:
        self._check_proof("reassign_reviewer", cmd)
        self._check_common(cmd, Role.SECRETARIAT)
        self._check_stage(Stage.PEER_REVIEW)
        self._check_leaving(cmd.reviewer)

    def _check_leaving(self, reviewer: str | None) -> None:
        if self._slot(reviewer, ReviewerStatus.SUBMITTED):
            raise Refused(f"{reviewer} has already submitted its review; it stands.")
        if not self._slot(reviewer, ReviewerStatus.ACTIVE):
            raise Refused(f"{reviewer} is not one of the reviewers of {self._name}.")

    def check_sign_off(self, cmd: SignOff) -> None:
        self._check_proof("sign_off", cmd)
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
        self._check_proof("extend", cmd)
        self._check_common(cmd, Role.SECRETARIAT)
        self._check_stage(*DEADLINED)
        if cmd.by <= timedelta(0):
            raise Refused("An extension must be longer than zero.")

    def check_withdraw(self, cmd: Withdraw) -> None:
        if cmd.cycle_cancel is not None:
            self._check_cycle_cancel(cmd)
        else:
            self._check_proof("withdraw", cmd)
        self._check_common(cmd, Role.SECRETARIAT)
        if self.withdrawal is not None:
            raise Refused(f"The review of {self._name} is already being withdrawn.")

    def _check_cycle_cancel(self, cmd: Withdraw) -> None:
        """A withdrawal forwarded by the cycle carries the secretariat's signed cancellation."""
        cancel = cmd.cycle_cancel
        assert cancel is not None
        if not self.trusted_keys:
            return
        reason = verify(
            cancel.proof,
            "cancel_cycle",
            contract.cycle_workflow_id(self.inp.cycle),
            cancel,
            self.trusted_keys,
            workflow.now(),
            freshness=CYCLE_CANCEL_FRESHNESS,
        )
        if reason:
            raise Refused(reason)
        if cancel.actor != cmd.actor or cancel.reason != cmd.reason:
            raise Refused("The withdrawal does not match the cancellation it carries.")

    def check_trust_key(self, cmd: TrustKey) -> None:
        self._check_proof("trust_key", cmd)
        self._check_common(cmd, Role.SECRETARIAT)
        if not self.trusted_keys:
            raise Refused(f"The review of {self._name} was started before commands were signed.")
        if self.trusted_keys.get(cmd.key_id) == cmd.public_key:
            raise Refused(f"Key {cmd.key_id} is already trusted.")

    def check_distrust_key(self, cmd: DistrustKey) -> None:
        self._check_proof("distrust_key", cmd)
        self._check_common(cmd, Role.SECRETARIAT)
        if cmd.key_id not in self.trusted_keys:
            raise Refused(f"Key {cmd.key_id} is not trusted by this review.")
        if cmd.proof is not None and cmd.proof.key_id == cmd.key_id:
            raise Refused("A key cannot retire itself; sign with another trusted key.")
        if len(self.trusted_keys) == 1:
            raise Refused("The last trusted key cannot be retired.")

    # ------------------------------------------------------------------ how a step is applied

    async def _step(self, name: str, cmd: Command) -> StepTaken:
        """Check again under the lock (another step may have won the race) and apply.

        In a v2 review a withdrawal does not queue behind the lock: it must work even while
        another step is stuck on failing work (which it interrupts).
        """
        step = STEPS[name]
        lock = contextlib.nullcontext() if self.v2 and isinstance(cmd, Withdraw) else self.lock
        async with lock:
            try:
                step.check(self, cmd)
                self._remember_nonce(cmd)
                await step.apply(self, cmd)
            except Refused as refusal:
                self._record_refusal(name, cmd.actor.describe(), str(refusal))
                raise ApplicationError(
                    str(refusal), type=contract.REFUSED, non_retryable=True
                ) from None
            except Withdrawn:
                reason = f"The review of {self._name} was withdrawn before this step was taken."
                self._record_refusal(name, cmd.actor.describe(), reason)
                raise ApplicationError(reason, type=contract.REFUSED, non_retryable=True) from None
        return StepTaken(**self._position())

    def _remember_nonce(self, cmd: Command) -> None:
        if self.v2 and cmd.proof is not None:
            self.nonces.append(cmd.proof.nonce)
            del self.nonces[:-MAX_NONCES_KEPT]

    def _record_refusal(self, step: str, actor: str, reason: str) -> None:
        """Actor, step and reason only: a refused payload is never kept."""
        self.rejected.append(Refusal(at=workflow.now(), actor=actor, step=step, reason=reason))
        del self.rejected[:-MAX_REFUSALS_KEPT]

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
            if isinstance(cause, ApplicationError) and cause.type in REFUSALS:
                raise Refused(cause.message) from None
            raise
        assert isinstance(receipt, DocumentReceipt)
        return receipt

    async def _apply_self_assessment(self, cmd: SubmitSelfAssessment) -> None:
        await self._accept(DocumentKind.SELF_ASSESSMENT, cmd.document)
        self.check_submit_self_assessment_again(cmd)
        self.self_assessments.append(cmd.document)

    def check_submit_self_assessment_again(self, cmd: SubmitSelfAssessment) -> None:
        """After the store confirmed the document the review may have moved (withdrawn)."""
        self._check_common(cmd, Role.FOCAL_POINT)
        if self.stage is not Stage.SELF_ASSESSMENT or len(self.self_assessments) >= self.round:
            raise Refused(f"The self-assessment for round {self.round} is already submitted.")

    async def _apply_peer_review(self, cmd: SubmitPeerReview) -> None:
        receipt = await self._accept(DocumentKind.PEER_REVIEW, cmd.document, cmd.actor.member)
        self._check_common(cmd, Role.FOCAL_POINT)
        slot = self._slot(cmd.actor.member, ReviewerStatus.ACTIVE)
        if slot is None or self.stage is not Stage.PEER_REVIEW:
            raise Refused(f"{cmd.actor.member} is no longer a reviewer of {self._name}.")
        slot.status = ReviewerStatus.SUBMITTED
        slot.document = cmd.document
        slot.recommendations = receipt.recommendations

    async def _apply_respond(self, cmd: RespondToRecommendations) -> None:
        self.responses.update({k: v.value for k, v in cmd.responses.items()})

    async def _apply_replace(self, cmd: ReplaceReviewer) -> None:
        slot = self._slot(cmd.reviewer, ReviewerStatus.ACTIVE)
        assert slot is not None
        await self._change_reviewer(slot, ReviewerStatus.REPLACED, cmd.actor.ref)
        self.replacement_used = True

    async def _apply_recuse(self, cmd: Recuse) -> None:
        slot = self._slot(cmd.actor.member, ReviewerStatus.ACTIVE)
        assert slot is not None
        await self._change_reviewer(slot, ReviewerStatus.RECUSED, cmd.actor.ref)

    async def _apply_reassign(self, cmd: ReassignReviewer) -> None:
        slot = self._slot(cmd.reviewer, ReviewerStatus.ACTIVE)
        assert slot is not None
        await self._change_reviewer(slot, ReviewerStatus.REASSIGNED, cmd.actor.ref)

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
        extending_answers = (
            self.v2 and self.answers_due is not None and self.stage is Stage.PEER_REVIEW
        )
        if extending_answers:
            assert self.answers_due is not None
            self.answers_due += cmd.by
            deadlines = []
        elif self.stage is Stage.PEER_REVIEW:
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
        new_deadline = (
            self.answers_due
            if extending_answers and self.answers_due
            else max((d.due for d in deadlines), default=now)
        )
        self.extensions.append(
            ExtensionRecord(
                at=now,
                by=cmd.actor.ref,
                stage=self.stage,
                extended_by=cmd.by,
                reason=cmd.reason,
                new_deadline=new_deadline,
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

    async def _apply_trust_key(self, cmd: TrustKey) -> None:
        self.trusted_keys[cmd.key_id] = cmd.public_key

    async def _apply_distrust_key(self, cmd: DistrustKey) -> None:
        self.trusted_keys.pop(cmd.key_id, None)

    # ------------------------------------------------------------------ signals

    @workflow.signal(dynamic=True)
    async def _signal(self, name: str, args: Sequence[RawValue]) -> None:
        """Every signal arrives here, so that one that cannot be read, or names no step, is
        recorded as a refusal with its reason instead of being dropped without a trace; a
        refusal cannot answer its sender, so it is kept in the review's state."""
        step = STEPS.get(name)
        if step is None or name in UPDATE_ONLY:
            reason = (
                f"{name} is taken only as an update, which answers its sender."
                if name in UPDATE_ONLY
                else f"napreview has no step called {name[:64]!r}."
            )
            self._record_refusal(name[:64], _sender_of(args), reason)
            return
        cmd, problem = _decoded(args, step.model)
        if cmd is None:
            self._record_refusal(name, _sender_of(args), problem)
            return
        with contextlib.suppress(ApplicationError):
            await self._step(name, cmd)

    # ------------------------------------------------------------------ updates (the front ends')

    @workflow.update
    async def do_submit_self_assessment(self, cmd: SubmitSelfAssessment) -> StepTaken:
        return await self._step("submit_self_assessment", cmd)

    @do_submit_self_assessment.validator
    def _validate_submit_self_assessment(self, cmd: SubmitSelfAssessment) -> None:
        _validated(lambda: self.check_submit_self_assessment(cmd))

    @workflow.update
    async def do_submit_peer_review(self, cmd: SubmitPeerReview) -> StepTaken:
        return await self._step("submit_peer_review", cmd)

    @do_submit_peer_review.validator
    def _validate_submit_peer_review(self, cmd: SubmitPeerReview) -> None:
        _validated(lambda: self.check_submit_peer_review(cmd))

    @workflow.update
    async def do_respond_to_recommendations(self, cmd: RespondToRecommendations) -> StepTaken:
        return await self._step("respond_to_recommendations", cmd)

    @do_respond_to_recommendations.validator
    def _validate_respond(self, cmd: RespondToRecommendations) -> None:
        _validated(lambda: self.check_respond(cmd))

    @workflow.update
    async def do_replace_reviewer(self, cmd: ReplaceReviewer) -> StepTaken:
        return await self._step("replace_reviewer", cmd)

    @do_replace_reviewer.validator
    def _validate_replace(self, cmd: ReplaceReviewer) -> None:
        _validated(lambda: self.check_replace(cmd))

    @workflow.update
    async def do_recuse(self, cmd: Recuse) -> StepTaken:
        return await self._step("recuse", cmd)

    @do_recuse.validator
    def _validate_recuse(self, cmd: Recuse) -> None:
        _validated(lambda: self.check_recuse(cmd))

    @workflow.update
    async def do_reassign_reviewer(self, cmd: ReassignReviewer) -> StepTaken:
        return await self._step("reassign_reviewer", cmd)

    @do_reassign_reviewer.validator
    def _validate_reassign(self, cmd: ReassignReviewer) -> None:
        _validated(lambda: self.check_reassign(cmd))

    @workflow.update
    async def do_sign_off(self, cmd: SignOff) -> StepTaken:
        return await self._step("sign_off", cmd)

    @do_sign_off.validator
    def _validate_sign_off(self, cmd: SignOff) -> None:
        _validated(lambda: self.check_sign_off(cmd))

    @workflow.update
    async def do_extend(self, cmd: Extend) -> StepTaken:
        return await self._step("extend", cmd)

    @do_extend.validator
    def _validate_extend(self, cmd: Extend) -> None:
        _validated(lambda: self.check_extend(cmd))

    @workflow.update
    async def do_withdraw(self, cmd: Withdraw) -> StepTaken:
        return await self._step("withdraw", cmd)

    @do_withdraw.validator
    def _validate_withdraw(self, cmd: Withdraw) -> None:
        _validated(lambda: self.check_withdraw(cmd))

    @workflow.update
    async def do_trust_key(self, cmd: TrustKey) -> StepTaken:
        return await self._step("trust_key", cmd)

    @do_trust_key.validator
    def _validate_trust_key(self, cmd: TrustKey) -> None:
        _validated(lambda: self.check_trust_key(cmd))

    @workflow.update
    async def do_distrust_key(self, cmd: DistrustKey) -> StepTaken:
        return await self._step("distrust_key", cmd)

    @do_distrust_key.validator
    def _validate_distrust_key(self, cmd: DistrustKey) -> None:
        _validated(lambda: self.check_distrust_key(cmd))

    # ------------------------------------------------------------------ what people can read

    def _position(self) -> dict[str, object]:
        """Where the review stands: what a step's answer says, and the head of its state."""
        return {
            "cycle": self.inp.cycle,
            "member": self.inp.member.code,
            "stage": self.stage,
            "round": self.round,
            "deadline": self.deadline,
        }

    @workflow.query
    def state(self) -> ReviewState:
        return ReviewState(
            **self._position(),
            overdue=self.overdue,
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
            answers_due=self.answers_due,
            noted_by_default=self.noted_by_default,
            trusted_key_ids=sorted(self.trusted_keys),
            finished_at=self.finished_at,
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


STEPS: dict[str, Step] = {
    "submit_self_assessment": Step(
        SubmitSelfAssessment,
        MemberReviewWorkflow.check_submit_self_assessment,
        MemberReviewWorkflow._apply_self_assessment,
    ),
    "submit_peer_review": Step(
        SubmitPeerReview,
        MemberReviewWorkflow.check_submit_peer_review,
        MemberReviewWorkflow._apply_peer_review,
    ),
    "respond_to_recommendations": Step(
        RespondToRecommendations,
        MemberReviewWorkflow.check_respond,
        MemberReviewWorkflow._apply_respond,
    ),
    "replace_reviewer": Step(
        ReplaceReviewer, MemberReviewWorkflow.check_replace, MemberReviewWorkflow._apply_replace
    ),
    "recuse": Step(Recuse, MemberReviewWorkflow.check_recuse, MemberReviewWorkflow._apply_recuse),
    "reassign_reviewer": Step(
        ReassignReviewer, MemberReviewWorkflow.check_reassign, MemberReviewWorkflow._apply_reassign
    ),
    "sign_off": Step(
        SignOff, MemberReviewWorkflow.check_sign_off, MemberReviewWorkflow._apply_sign_off
    ),
    "extend": Step(Extend, MemberReviewWorkflow.check_extend, MemberReviewWorkflow._apply_extend),
    "withdraw": Step(
        Withdraw, MemberReviewWorkflow.check_withdraw, MemberReviewWorkflow._apply_withdraw
    ),
    "trust_key": Step(
        TrustKey, MemberReviewWorkflow.check_trust_key, MemberReviewWorkflow._apply_trust_key
    ),
    "distrust_key": Step(
        DistrustKey,
        MemberReviewWorkflow.check_distrust_key,
        MemberReviewWorkflow._apply_distrust_key,
    ),
}
# Key changes answer their sender: only as updates.
UPDATE_ONLY = frozenset({"trust_key", "distrust_key"})

_PER_DEADLINE = (LetterKind.REMINDER, LetterKind.OVERDUE, LetterKind.REVIEW_REQUEST)


def _decoded(args: Sequence[RawValue], model: type[Command]) -> tuple[Command | None, str]:
    """The command a signal carries, or why it cannot be read (field by field)."""
    if len(args) != 1:
        return None, f"The step carries {len(args)} values instead of one command; it is ignored."
    try:
        value = workflow.payload_converter().from_payload(args[0].payload, model)
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'the command'}: {e['msg']}"
            for e in err.errors()[:5]
        )
        return None, f"The step could not be read ({problems}); it is ignored."
    except Exception as err:  # noqa: BLE001 - any undecodable payload is refused, not raised
        return None, f"The step could not be read ({type(err).__name__}); it is ignored."
    if not isinstance(value, model):
        # Bytes or nothing (binary/plain, binary/null payloads) decode to themselves whatever
        # type is asked for. Refused, not asserted: a failed assertion would fail the workflow
        # task on every retry and stick the review for good. (Replay-safe without a patch: this
        # branch used to raise, so no completed workflow task of any history ran it.)
        return (
            None,
            f"The step could not be read (a {type(value).__name__}, not a command); it is ignored.",
        )
    return value, ""


def _sender_of(args: Sequence[RawValue]) -> str:
    """Best effort, for the record: the person id a malformed command claims to come from."""
    if not args:
        return "unknown sender"
    with contextlib.suppress(Exception):
        raw = workflow.payload_converter().from_payload(args[0].payload, dict)
        person = raw.get("actor", {}).get("person_id") or raw.get("actor", {}).get("email")
        if isinstance(person, str) and person:
            return person[:40]
    return "unknown sender"


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
