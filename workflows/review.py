"""One member's review in one cycle: self-assessment → peer review → CEDAW check → sign-off.

The workflow is the thin part: timers, the lock, activities and the two doors. What each step
checks and changes is pure and lives beside it (workflows/review_steps.py); the review's whole
state is one model (schemas/review.ReviewState), carried whole into a continued run and returned
whole by the ``state`` query.

Every step arrives twice over, both doors generated from the table of steps: as a signal (fire
and forget; a refusal is recorded in the review's state) and as an update (the caller waits; a
refusal comes back at once, through the validator). The checks trust the role and member the
front end resolved from the store (a validator cannot look anything up), and only once the front
end's signature over the command holds (schemas/proof.py).

Changes to a released review come with one ``workflow.patched`` id each, evaluated once when the
run starts (``Patches``), so a review keeps the rules it started with and its history replays.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RawValue, WorkflowIDReusePolicy
from temporalio.exceptions import (
    ActivityError,
    ApplicationError,
    FailureError,
    WorkflowAlreadyStartedError,
)

with workflow.unsafe.imports_passed_through():
    from napreview.schemas.cedaw import CedawSummary
    from napreview.schemas.follow_up import FollowUpInput
    from napreview.schemas.letters import LetterKind, LetterRef
    from napreview.schemas.refusals import Reason
    from napreview.schemas.review import (
        AcceptDocument,
        CedawCheckRequest,
        Command,
        Decision,
        DocumentReceipt,
        RedrawOutcome,
        RedrawRequest,
        ReviewerSlot,
        ReviewFinished,
        ReviewInput,
        ReviewState,
        ReviewSummary,
        Stage,
        StepTaken,
        SubmitSelfAssessment,
    )
    from napreview.schemas.submissions import DocumentKind
    from napreview.workflows import contract, follow_up_rules
    from napreview.workflows import review_steps as rules
    from napreview.workflows.review_steps import (
        STEPS,
        Context,
        Effects,
        Fetch,
        LetterAsk,
        Notice,
        Patches,
        Refused,
        Step,
        Then,
    )
    from napreview.workflows.signals import decoded, sender_of
    from napreview.workflows.start import SIGNED_START, check_start

# One patch id per change to a released review (README: "Changing a released workflow").
V2 = "napreview-v2"  # signed steps, interruptible work, the answers window, continue-as-new …
READ_MODEL = "read-model"  # the read model also learns of each peer review and the answers due
SETTLED_ANSWERS = "answer-when-settled"  # a step answers once the review has settled
# A signed step's document is taken without an activity: a step then never waits on work inside
# its handler, the shape that left reviews stuck after `up` was killed (tests/histories/
# stuck-after-up-killed), and a review's history is twelve events shorter.
SIGNED_DOCUMENTS = "documents-signed"
REMINDERS = "reminder-by-hand"  # the secretariat may send a reminder at any time (the remind step)
FOLLOW_UP = "follow-up"  # an approved review starts its follow-up (workflows/follow_up.py)
# What an activity answers when retrying cannot help: the step is refused and recorded.
REFUSALS = (contract.DOCUMENT_MISMATCH, contract.STORE_REJECTED, contract.REFUSED)

T = TypeVar("T")


class Withdrawn(Exception):
    """The review was withdrawn while the work in hand was under way."""


def _doors(cls: type[T]) -> type[T]:
    """An update per row of the table of steps, ``do_<step>``, with a validator sharing the
    step's check (the signal door is the dynamic handler, which reads the same table)."""
    for name, step in STEPS.items():
        setattr(cls, f"do_{name}", _update_door(name, step))
    return cls


def _update_door(name: str, step: Step) -> Any:
    async def handler(self: MemberReviewWorkflow, cmd: Command) -> StepTaken:
        return await self._take(name, cmd)

    def validator(self: MemberReviewWorkflow, cmd: Command) -> None:
        self._validate(name, cmd)

    for fn in (handler, validator):
        fn.__name__ = fn.__qualname__ = f"do_{name}"
    handler.__annotations__ = {"cmd": step.command, "return": StepTaken}
    validator.__annotations__ = {"cmd": step.command, "return": None}
    door = workflow.update(name=f"do_{name}")(handler)
    door.validator(validator)
    return door


@workflow.defn(name=contract.REVIEW_WORKFLOW)
@_doors
class MemberReviewWorkflow:
    @workflow.init
    def __init__(self, inp: ReviewInput) -> None:
        self.inp = inp
        self.patches = Patches(
            v2=workflow.patched(V2),
            read_model=workflow.patched(READ_MODEL),
            settled_answers=workflow.patched(SETTLED_ANSWERS),
            signed_start=workflow.patched(SIGNED_START),
            signed_documents=workflow.patched(SIGNED_DOCUMENTS),
            reminders=workflow.patched(REMINDERS),
            follow_up=workflow.patched(FOLLOW_UP),
        )
        # Steps wait until the run knows napreview started it (workflows/start.py).
        self.start_checked = not self.patches.signed_start
        if inp.carried:
            self.state = inp.carried.model_copy(
                update={"cycle": inp.cycle, "member": inp.member.code}
            )
        else:
            self.state = ReviewState(
                cycle=inp.cycle,
                member=inp.member.code,
                reviewers=[ReviewerSlot(member=code) for code in inp.reviewers],
                trusted_keys=dict(inp.trusted_keys),
            )
        # Bumped when a deadline changes (an extension, a new reviewer): timers are re-armed.
        self.wake = 0
        self.lock = asyncio.Lock()
        # While the main loop waits for a person: what wakes it (``_settled``).
        self.waiting_on: Callable[[], bool] | None = None
        self.published: tuple[Stage, bool] | None = None
        # Projections asked for and not yet known to have landed (``_publish``).
        self.projections: list[workflow.ActivityHandle[None]] = []

    def _context(self) -> Context:
        return Context(self.inp, workflow.info().workflow_id, workflow.now(), self.patches)

    # ------------------------------------------------------------------ the process

    @workflow.run
    async def run(self, inp: ReviewInput) -> ReviewSummary:
        s = self.state
        if self.patches.signed_start:
            cycle = contract.cycle_workflow_id(inp.cycle)
            await check_start("start_review", inp, inp.proof, parent=cycle)
            self.start_checked = True
        # A withdrawal interrupts whatever is under way (``Withdrawn``), from the very start.
        with contextlib.suppress(Withdrawn):
            if not inp.carried:
                await self._enter(Stage.SELF_ASSESSMENT)
                await self._letter(LetterAsk(LetterKind.INVITATION, deadline=s.deadline))
            while not s.withdrawal and not s.stage.terminal:
                await self._next_stage()
        if s.withdrawal and s.stage is not Stage.COMPLETED:
            await self._withdraw()
        if s.stage is Stage.COMPLETED and self.patches.follow_up:
            await self._start_follow_up()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._projections_landed()
        await self._tell_cycle()
        return rules.summary(s, self._context())

    async def _next_stage(self) -> None:
        """Wait for what the current stage waits for, then move the review on."""
        s = self.state
        if s.stage is Stage.SELF_ASSESSMENT:
            await self._wait(lambda: rules.self_assessment_in(s))
            if s.withdrawal:
                return
            if not rules.peer_reviews_done(s):
                # Everyone drawn gets a request, even one who answers before it is written.
                asked = rules.active_slots(s)
                await self._enter(Stage.PEER_REVIEW)
                requests = [
                    self._letter(
                        LetterAsk(
                            LetterKind.REVIEW_REQUEST,
                            recipient_member=slot.member,
                            deadline=slot.deadline,
                        )
                    )
                    for slot in asked
                ]
                if self.patches.v2:
                    await asyncio.gather(*requests)  # written together, in one workflow task
                else:
                    for request in requests:
                        await request
                return
            # A revised self-assessment: the peer reviews already given stand.
        elif s.stage is Stage.PEER_REVIEW:
            await self._wait(lambda: rules.peer_reviews_done(s))
            if s.withdrawal:
                return
            if self.patches.v2:
                await self._await_answers()
                if s.withdrawal:
                    return
        elif s.stage is Stage.SIGN_OFF:
            await self._wait(lambda: s.decision is not None)
            if s.withdrawal:
                return
            await self._carry_out_decision()
            return
        await self._check_cedaw()
        if s.withdrawal:
            return
        await self._enter(Stage.SIGN_OFF)

    async def _check_cedaw(self) -> None:
        s = self.state
        await self._enter(Stage.CEDAW_CHECK)
        request = CedawCheckRequest(
            cycle=self.inp.cycle,
            member=self.inp.member.code,
            self_assessment=s.self_assessments[-1],
        )
        rules.record_cedaw(s, await self._activity(contract.RUN_CEDAW_CHECK, request, CedawSummary))

    async def _await_answers(self) -> None:
        """Give the member time to mark each peer recommendation supported or noted; the review
        goes on once all are answered or the time is up."""
        s = self.state
        if not rules.unanswered(s):
            return
        rules.open_answers(s, self._context())
        if self.patches.read_model:
            await self._publish()  # the work lists show the answers due
        await self._wait(lambda: not rules.unanswered(s), until=lambda: s.answers_due)
        if s.withdrawal:
            return
        rules.close_answers(s)

    async def _carry_out_decision(self) -> None:
        """Carry out the secretariat's decision, letter included; its caller is answered then."""
        s = self.state
        decision = rules.take_decision(s, self._context())
        if decision.decision is Decision.APPROVE:
            await self._letter(LetterAsk(LetterKind.FINAL_FEEDBACK, comments=decision.comments))
            await self._enter(Stage.COMPLETED)
            s.decisions_carried_out += 1
            return
        returned = rules.return_for_revision(s)
        await self._enter(Stage.SELF_ASSESSMENT)
        await self._letter(
            LetterAsk(
                LetterKind.RETURNED, comments=decision.comments, deadline=s.deadline, round=returned
            )
        )
        s.decisions_carried_out += 1

    async def _withdraw(self) -> None:
        s = self.state
        assert s.withdrawal is not None
        s.decision = None
        s.withdrawn_reason = s.withdrawal.reason
        ask = LetterAsk(LetterKind.WITHDRAWAL, reason=s.withdrawal.reason)
        await self._letter(ask, interruptible=False)
        await self._enter(Stage.WITHDRAWN)

    async def _start_follow_up(self) -> None:
        """The approved review's follow-up, as a child that outlives it (its recommendations
        are followed for years); one the secretariat already started stands."""
        s = self.state
        follow_up = FollowUpInput(
            cycle=self.inp.cycle,
            member=self.inp.member.code,
            chair=self.inp.chair,
            sources=follow_up_rules.sources_of(s),
            trusted_keys=dict(s.trusted_keys),
            started_at=workflow.now(),
        )
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await workflow.start_child_workflow(
                contract.FOLLOW_UP_WORKFLOW,
                follow_up,
                id=contract.follow_up_workflow_id(self.inp.cycle, self.inp.member.code),
                task_queue=workflow.info().task_queue,
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                search_attributes=follow_up_rules.search_attributes(follow_up),
            )

    async def _tell_cycle(self) -> None:
        if not self.inp.cycle_workflow_id:
            return
        s = self.state
        finished = ReviewFinished(
            member=self.inp.member.code,
            outcome=s.stage,
            cedaw_rating=s.cedaw.rating.value if s.cedaw else None,
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
            workflow.all_handlers_finished() and not self.lock.locked() and rules.quiet(self.state)
        )

    def _due_to_continue(self) -> bool:
        """Time to continue as new, now that nothing is in flight. A step's caller is answered
        only once the review has settled, so the main loop is already waiting then: this wakes
        it (since ``answer-when-settled``; before, the next wake-up looked again)."""
        return (
            self.patches.settled_answers
            and workflow.info().is_continue_as_new_suggested()
            and self._quiet()
        )

    async def _continue_if_long(self) -> None:
        """Continue as new before history nears Temporal's limits (floods of refused signals,
        a review open for years with reminders)."""
        if not (self.patches.v2 and workflow.info().is_continue_as_new_suggested()):
            return
        if self._quiet():
            await self._projections_landed()
            if self._quiet():  # nothing arrived while the projections landed
                carried = rules.carried(self.state)
                workflow.continue_as_new(self.inp.model_copy(update={"carried": carried}))

    # ------------------------------------------------------------------ stages and deadlines

    async def _enter(self, stage: Stage) -> None:
        rules.enter(self.state, self._context(), stage)
        await self._publish()

    async def _publish(self) -> None:
        """Keep search attributes and the store's projection in step with the review."""
        s = self.state
        shown = (s.stage, s.overdue)
        if not (self.patches.read_model and shown == self.published):
            workflow.upsert_search_attributes(
                [
                    contract.NAP_STAGE.value_set(s.stage.value),
                    contract.NAP_OVERDUE.value_set(s.overdue),
                ]
            )
            self.published = shown
        s.published_overdue = s.overdue
        s.publications += 1  # two published in one task share their clock (a step, then the end)
        projection = rules.projection(s, self._context())
        if self.patches.read_model:
            # Not awaited: no step's answer may wait on a local activity. Its result reaches the
            # workflow in the task it completes in, which need not be the task that asked for
            # it, while a replay resolves it at once: a step answered after it was answered
            # later live than on replay, and the review could never move again (seen with `up`
            # killed during a cycle). The store keeps the latest of projections that land out
            # of order (by the review's clock); the run awaits them all before it ends.
            self.projections.append(
                workflow.start_local_activity(
                    contract.PROJECT_REVIEW,
                    projection,
                    start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
                    retry_policy=contract.ACTIVITY_RETRY,
                )
            )
            return
        if self.patches.v2:
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
            contract.PROJECT_REVIEW, projection, None, interruptible=not s.stage.terminal
        )

    async def _projections_landed(self) -> None:
        """Every projection asked for is in the store (before the run ends or continues)."""
        while self.projections:
            await self.projections.pop(0)

    async def _wait(
        self,
        done: Callable[[], bool],
        until: Callable[[], datetime | None] | None = None,
    ) -> None:
        """Wait until done, withdrawn or (if given) the time ``until`` says, sending reminders
        and overdue notices when they fall due. A change of deadline bumps ``self.wake`` so the
        timer is re-armed."""
        s = self.state
        while not (done() or s.withdrawal):
            await self._continue_if_long()
            wake = self.wake

            def woken(wake: int = wake) -> bool:
                return (
                    done()
                    or s.withdrawal is not None
                    or self.wake != wake
                    or self._due_to_continue()
                )

            notice = rules.next_notice(s)
            limit = until() if until else None
            if limit is not None and (notice is None or limit <= notice.when):
                if limit <= workflow.now():
                    return
                await self._waiting(woken, limit - workflow.now())
                continue
            if notice is None:
                await self._waiting(woken)
                continue
            delay = notice.when - workflow.now()
            if delay > timedelta(0):
                # When the timer fires, look again: the reviewer it was armed for may have
                # submitted meanwhile, and must not be chased.
                await self._waiting(woken, delay)
                continue
            await self._send_notice(notice)

    async def _waiting(self, woken: Callable[[], bool], timeout: timedelta | None = None) -> None:
        """Wait for a person (or the next notice): meanwhile the review has settled."""
        self.waiting_on = woken
        try:
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(woken, timeout=timeout)
        finally:
            self.waiting_on = None

    def _settled(self) -> bool:
        """The review has taken a step into account: the main loop is not about to wake from
        the wait the step ended (it has entered the stage the step leads to, or it waits
        still). Not "until its work is done": letters or a CEDAW check failing through an
        outage must not hold a person's answer."""
        waiting = self.waiting_on
        return self.state.stage.terminal or waiting is None or not waiting()

    async def _send_notice(self, notice: Notice) -> None:
        rules.notice_sent(notice)
        await self._letter(rules.notice_letter(self.state, notice))
        if notice.kind is LetterKind.OVERDUE:
            await self._publish()

    # ------------------------------------------------------------------ activities

    async def _activity(
        self, name: str, arg: object, result_type: type | None, *, interruptible: bool = True
    ) -> Any:
        """Run an activity; in a v2 review a withdrawal interrupts it (``Withdrawn``), so that
        withdrawing always works, even while the work in hand keeps failing."""
        handle = workflow.start_activity(
            name,
            arg,
            result_type=result_type,
            start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
            retry_policy=contract.ACTIVITY_RETRY,
        )
        if not (self.patches.v2 and interruptible):
            return await handle
        if self.state.withdrawal is not None:
            handle.cancel()
            raise Withdrawn
        withdrawn = asyncio.ensure_future(
            workflow.wait_condition(lambda: self.state.withdrawal is not None)
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

    async def _letter(self, ask: LetterAsk, *, interruptible: bool = True) -> None:
        request = rules.letter_request(self.state, self._context(), ask)
        ref = await self._activity(
            contract.SEND_LETTER, request, LetterRef, interruptible=interruptible
        )
        self.state.letters.append(ref)

    async def _accept(self, cmd: Command) -> DocumentReceipt:
        """The store confirms the submitted document is what the step claims it is."""
        self_assessment = isinstance(cmd, SubmitSelfAssessment)
        request = AcceptDocument(
            cycle=self.inp.cycle,
            member=self.inp.member.code,
            kind=(DocumentKind.SELF_ASSESSMENT if self_assessment else DocumentKind.PEER_REVIEW),
            document=cmd.document,  # type: ignore[attr-defined]
            reviewer=None if self_assessment else cmd.actor.member,
        )
        try:
            return await self._activity(contract.ACCEPT_DOCUMENT, request, DocumentReceipt)
        except ActivityError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type in REFUSALS:
                raise Refused("document_refused", detail=cause.message) from None
            raise

    async def _redraw(self, cmd: Command) -> RedrawOutcome:
        """A reviewer drawn in the leaving one's place; if nobody fits, the step is refused and
        nothing changes."""
        s = self.state
        member, why = rules.leaving(cmd)  # type: ignore[arg-type]
        request = RedrawRequest(
            cycle=self.inp.cycle,
            member=self.inp.member.code,
            leaving=member,
            why=why.value,
            seed=rules.next_redraw_seed(s, self._context()),
            reviewers_per_member=len([slot for slot in s.reviewers if slot.counts]),
        )
        try:
            return await self._activity(contract.REDRAW_REVIEWER, request, RedrawOutcome)
        except ActivityError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type == contract.NO_REVIEWER_LEFT:
                raise Refused("no_reviewer_left", detail=cause.message) from None
            raise

    # ------------------------------------------------------------------ taking a step

    async def _take(self, name: str, cmd: Command) -> StepTaken:
        """Check again under the lock (another step may have won the race), fetch what the step
        needs, apply it, carry out its effects; then answer once the review has settled.

        In a v2 review a withdrawal does not queue behind the lock: it must work even while
        another step is stuck on failing work (which it interrupts).
        """
        step = STEPS[name]
        s = self.state
        if not self.start_checked:  # (never awaited otherwise: replay keeps its order)
            await workflow.wait_condition(lambda: self.start_checked)
        interrupting = self.patches.v2 and step.interrupts
        effects = Effects()
        async with contextlib.nullcontext() if interrupting else self.lock:
            try:
                step.check(s, self._context(), cmd)
                rules.remember_nonce(s, self._context(), cmd)
                fetched = await self._fetch(step, cmd)
                effects = step.apply(s, self._context(), cmd, *fetched)
                await self._carry_out(effects)
                await self._then(step)
            except Refused as refusal:
                raise self._refuse(name, cmd, refusal.reason) from None
            except Withdrawn:
                reason = Reason(code="withdrawn_before_step", params={"member": s.member})
                raise self._refuse(name, cmd, reason) from None
        if self.patches.settled_answers:
            await workflow.wait_condition(self._settled)
        answer = rules.step_taken(s, self._context(), self.patches.settled_answers)
        told = {"extension": effects.extension, "redraw": effects.redraw}
        return answer.model_copy(update={**told, "unanswered": effects.unanswered})

    async def _fetch(self, step: Step, cmd: Command) -> tuple[Any, ...]:
        if step.fetch is Fetch.DOCUMENT:
            receipt = rules.signed_receipt(self.state, self._context(), cmd)
            return (receipt or await self._accept(cmd),)
        if step.fetch is Fetch.REVIEWER:
            return (await self._redraw(cmd),)
        return ()

    async def _carry_out(self, effects: Effects) -> None:
        if effects.rearm:
            self.wake += 1
        for ask in effects.letters:
            await self._letter(ask)
        if effects.publish:
            await self._publish()

    async def _then(self, step: Step) -> None:
        """What the caller waits for: the decision carried out, or the review's end."""
        s = self.state
        if step.then is Then.DECISION:
            carried_out = s.decisions_carried_out + 1
            await workflow.wait_condition(
                lambda: s.decisions_carried_out >= carried_out or s.withdrawal is not None
            )
        elif step.then is Then.END:
            await workflow.wait_condition(lambda: s.stage.terminal)
            if s.stage is Stage.COMPLETED:
                raise Refused("approved_before_withdrawal", member=s.member)

    def _refuse(self, name: str, cmd: Command, reason: Reason) -> ApplicationError:
        """Record the refusal in the review's state and answer it: the English for history and
        the command line, the code and parameters for every other reader."""
        context = self._context()
        self._record_refusal(name, cmd.actor.describe(), reason)
        return ApplicationError(
            context.english(reason),
            reason.model_dump(mode="json"),
            type=contract.REFUSED,
            non_retryable=True,
        )

    def _record_refusal(self, step: str, actor: str, reason: Reason) -> None:
        """Every refusal the review keeps passes here (an auditor's replay credits each to the
        signal that caused it: audit/replay.py)."""
        rules.record_refusal(self.state, self._context(), step, actor, reason)

    def _validate(self, name: str, cmd: Command) -> None:
        """An update's validator: the step's check, and a refusal raised as Temporal expects
        (nothing is written to history; the front end records it in the store)."""
        try:
            STEPS[name].check(self.state, self._context(), cmd)
        except Refused as refusal:
            reason = refusal.reason
            raise ApplicationError(
                self._context().english(reason),
                reason.model_dump(mode="json"),
                type=contract.REFUSED,
                non_retryable=True,
            ) from None

    # A run always waits for its handlers before it ends, except a run napreview did not start,
    # which ends at once: whatever was sent to it is dropped on purpose.
    @workflow.signal(dynamic=True, unfinished_policy=workflow.HandlerUnfinishedPolicy.ABANDON)
    async def _signal(self, name: str, args: Sequence[RawValue]) -> None:
        """Every signal arrives here, so that one that cannot be read, or names no step, is
        recorded as a refusal with its reason instead of being dropped without a trace; a
        refusal cannot answer its sender, so it is kept in the review's state."""
        step = STEPS.get(name)
        if step is None or not step.as_signal:
            code = "update_only" if step is not None else "no_such_step"
            shown = name[:64] if step is not None else repr(name[:64])
            reason = Reason(code=code, params={"step": shown})
            self._record_refusal(name[:64], sender_of(args), reason)
            return
        cmd, problem = decoded(args, step.command)
        if cmd is None:
            assert problem is not None
            self._record_refusal(name, sender_of(args), problem)
            return
        with contextlib.suppress(ApplicationError):
            await self._take(name, cmd)

    # ------------------------------------------------------------------ what people can read

    @workflow.query(name="state")
    def whole_state(self) -> ReviewState:
        """The review's whole state, as it stands (costs no history)."""
        return self.state
