"""The bare baseline: a cycle and its reviews with napreview's shape and none of its domain.

A bare review does what Temporal must do for any review of DESIGN §4 and nothing else: it is
started by its cycle, sends an invitation (a no-op activity), waits with a deadline for the
self-assessment signal, accepts the document (an activity), sends three review requests, waits
with a deadline for three peer-review signals (an activity each), waits with a deadline for the
member's answers to the recommendations (a signal and an activity), runs a check, waits with a
deadline for the sign-off signal, sends the final letter and tells its cycle. That is six
signals, eleven activities (five letters, four documents, the answers, one check), four deadline
timers and one signal to the parent: the floor napreview's own review is measured against.

Approved, a bare review starts its follow-up as napreview's does (a child that outlives it): the
follow-up draws its items (an activity), publishes them (an activity) and waits on a timer for
its first progress report's reminder: left idle, as a real follow-up is for the months until
its first report is due.

The bare cycle starts its children in batches and continues as new after a fixed number of
children, so it stays far from Temporal's cap of 2,000 open children at any size.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import WorkflowIDReusePolicy

DEADLINE = timedelta(days=60)
REPORT_DUE = timedelta(days=365)
STEP_TIMEOUT = timedelta(seconds=20)
STAGES = ("self_assessment", "peer_review", "cedaw_check", "sign_off", "completed")


@activity.defn(name="bare_step")
def bare_step(label: str) -> str:
    """A no-op standing for a letter, a document check or the CEDAW check."""
    return label


@dataclass
class BareReviewInput:
    cycle: str
    member: str
    parent_id: str


@dataclass
class BareFollowUpInput:
    cycle: str
    member: str


@dataclass
class BareCycleInput:
    cycle: str
    members: list[str]
    batch_size: int = 100
    restart_every: int = 500
    started: int = 0
    finished: dict[str, str] = field(default_factory=dict)


async def _step(label: str) -> None:
    await workflow.execute_activity(bare_step, label, start_to_close_timeout=STEP_TIMEOUT)


@workflow.defn(name="BareReview")
class BareReview:
    def __init__(self) -> None:
        self.stage = STAGES[0]
        self.documents = 0
        self.reviews = 0
        self.decided = False
        self.answered = False

    @workflow.run
    async def run(self, inp: BareReviewInput) -> str:
        await _step("invitation")
        await self._wait(lambda: self.documents >= 1)
        self.stage = "peer_review"
        for i in range(3):
            await _step(f"review_request-{i}")
        await self._wait(lambda: self.reviews >= 3)
        self.stage = "answers"  # the member answers the peer recommendations
        await self._wait(lambda: self.answered)
        self.stage = "cedaw_check"
        await _step("check")
        self.stage = "sign_off"
        await self._wait(lambda: self.decided)
        await _step("final_feedback")
        self.stage = "completed"
        await workflow.start_child_workflow(
            BareFollowUp.run,
            BareFollowUpInput(cycle=inp.cycle, member=inp.member),
            id=bare_follow_up_id(inp.cycle, inp.member),
            parent_close_policy=workflow.ParentClosePolicy.ABANDON,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        await workflow.get_external_workflow_handle(inp.parent_id).signal(
            "review_finished", inp.member
        )
        return self.stage

    async def _wait(self, done) -> None:  # type: ignore[no-untyped-def]
        """A deadline timer per waiting stage, as every review has."""
        try:
            await workflow.wait_condition(done, timeout=DEADLINE)
        except TimeoutError:
            await workflow.wait_condition(done)

    @workflow.signal
    async def submit(self, kind: str) -> None:
        await _step(f"accept-{kind}")
        if kind == "self_assessment":
            self.documents += 1
        else:
            self.reviews += 1

    @workflow.signal
    async def respond(self) -> None:
        await _step("accept-responses")
        self.answered = True

    @workflow.signal
    def sign_off(self) -> None:
        self.decided = True

    @workflow.query
    def current_stage(self) -> str:
        return self.stage


@workflow.defn(name="BareFollowUp")
class BareFollowUp:
    def __init__(self) -> None:
        self.drawn = False

    @workflow.run
    async def run(self, inp: BareFollowUpInput) -> None:
        await _step("draw")
        await _step("publish")
        self.drawn = True
        await workflow.sleep(REPORT_DUE)  # the report's reminder would go out here

    @workflow.query
    def items_drawn(self) -> bool:
        return self.drawn


@workflow.defn(name="BareCycle")
class BareCycle:
    def __init__(self) -> None:
        self.started = 0
        self.finished: dict[str, str] = {}

    @workflow.run
    async def run(self, inp: BareCycleInput) -> int:
        self.started = inp.started
        self.finished.update(inp.finished)
        members = inp.members
        started_here = 0
        while self.started < len(members):
            if started_here >= inp.restart_every:
                await self._continue(inp)
            batch = members[self.started : self.started + inp.batch_size]
            await asyncio.gather(*(self._start(inp.cycle, code) for code in batch))
            self.started += len(batch)
            started_here += len(batch)
        await workflow.wait_condition(
            lambda: (
                len(self.finished) >= len(members) or workflow.info().is_continue_as_new_suggested()
            )
        )
        if len(self.finished) < len(members):
            await self._continue(inp)
        await _step("cycle_summary")
        return len(self.finished)

    async def _start(self, cycle: str, member: str) -> None:
        await workflow.start_child_workflow(
            BareReview.run,
            BareReviewInput(cycle=cycle, member=member, parent_id=workflow.info().workflow_id),
            id=bare_review_id(cycle, member),
            parent_close_policy=workflow.ParentClosePolicy.ABANDON,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )

    async def _continue(self, inp: BareCycleInput) -> None:
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(
            BareCycleInput(
                cycle=inp.cycle,
                members=inp.members,
                batch_size=inp.batch_size,
                restart_every=inp.restart_every,
                started=self.started,
                finished=self.finished,
            )
        )

    @workflow.signal
    def review_finished(self, member: str) -> None:
        self.finished[member] = "completed"

    @workflow.query
    def progress(self) -> tuple[int, int]:
        return self.started, len(self.finished)


def bare_review_id(cycle: str, member: str) -> str:
    return f"bare-{cycle}-{member}"


def bare_follow_up_id(cycle: str, member: str) -> str:
    return f"bare-follow-up-{cycle}-{member}"


def bare_cycle_id(cycle: str) -> str:
    return f"bare-cycle-{cycle}"
