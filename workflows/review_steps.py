"""The steps of a member's review: who may take each, when, and what it changes.

Pure functions of the review's state (schemas/review.ReviewState), the terms it was started with
and the command: no Temporal and no I/O, so every rule is unit-tested without a server
(tests/unit/test_review_steps.py), and the workflow (workflows/review.py) keeps only timers,
locks and activities. One table, ``STEPS``, lists every step a person can take; the workflow
generates its signal and update doors from it, so a new step is one row here, its rule, and
its form at the doors.

A refusal is a ``Refused`` carrying a schemas/refusals.Reason (a code and its parameters): the
review writes its English into history and keeps the code, so every reader sees it in their
own language.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from napreview.schemas.cedaw import CedawSummary
from napreview.schemas.letters import Addressee, LetterKind, LetterRequest
from napreview.schemas.members import Actor, Role
from napreview.schemas.proof import verify
from napreview.schemas.refusals import Param, Reason
from napreview.schemas.review import (
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
    Refusal,
    Remind,
    ReplaceReviewer,
    RespondToRecommendations,
    ReviewerSlot,
    ReviewerStatus,
    ReviewInput,
    ReviewProjection,
    ReviewState,
    ReviewSummary,
    SignOff,
    SignOffRecord,
    SlotProjection,
    Stage,
    StepTaken,
    SubmitPeerReview,
    SubmitSelfAssessment,
    TrustKey,
    Waiting,
    Withdraw,
    recommendation_keys,
)
from napreview.workflows import contract

# Stages that wait for a person by a deadline.
DEADLINED = (Stage.SELF_ASSESSMENT, Stage.PEER_REVIEW, Stage.SIGN_OFF)
# At most this many refusals in state (actor, step, reason only; never the payload).
MAX_REFUSALS_KEPT = 200
# A continued run carries the latest refusals only.
REFUSALS_CARRIED = 50
# Nonces of signed steps remembered to refuse a step sent twice; older ones are also too old to
# pass the proof's freshness check.
MAX_NONCES_KEPT = 500
# A cycle's cancellation reaches its reviews through an activity that may be retried for a while.
CYCLE_CANCEL_FRESHNESS = timedelta(days=7)


class Refused(Exception):
    """A step refused for a reason the person can act on."""

    def __init__(self, code: str, **params: Param) -> None:
        super().__init__(code)
        self.reason = Reason(code=code, params=params)


@dataclass(frozen=True)
class Patches:
    """Which changes to the review this run was started with (``workflow.patched``, one id per
    change), so that a review keeps the rules it started with and its history replays."""

    v2: bool = True  # "napreview-v2": signed steps, interruptible work, answers window, …
    read_model: bool = True  # "read-model": the projection also when a reviewer submits
    settled_answers: bool = True  # "answer-when-settled": a step answers once the stage settled
    signed_start: bool = True  # "signed-start": only napreview starts a review (workflows/start.py)
    signed_documents: bool = True  # "documents-signed": a signed step's document needs no check
    reminders: bool = True  # "reminder-by-hand": the secretariat may send a reminder at any time
    follow_up: bool = True  # "follow-up": an approved review starts its follow-up


@dataclass(frozen=True)
class Context:
    """What every rule reads besides the state: the review's terms, its workflow id, its clock,
    and the patches it runs with."""

    inp: ReviewInput
    workflow_id: str
    now: datetime
    patches: Patches = field(default_factory=Patches)

    @property
    def member(self) -> str:
        return self.inp.member.code

    def english(self, reason: Reason) -> str:
        """The refusal's English, with the reviewed member named as history always named it."""
        return reason.english({self.inp.member.code: self.inp.member.name})


# ---------------------------------------------------------------- the review, read


def overdue(s: ReviewState) -> bool:
    return s.overdue


def active_slots(s: ReviewState) -> list[ReviewerSlot]:
    return [slot for slot in s.reviewers if slot.status is ReviewerStatus.ACTIVE]


def peer_reviews_done(s: ReviewState) -> bool:
    return not active_slots(s)


def self_assessment_in(s: ReviewState) -> bool:
    return len(s.self_assessments) >= s.round


def slot(s: ReviewState, member: str | None, *statuses: ReviewerStatus) -> ReviewerSlot | None:
    return next((x for x in s.reviewers if x.member == member and x.status in statuses), None)


def unanswered(s: ReviewState) -> list[str]:
    return [key for key in recommendation_keys(s.reviewers) if key not in s.responses]


def waiting_for(s: ReviewState) -> tuple[Waiting, datetime] | None:
    """What the review waits for next, and by when: the member's answers to the peer
    recommendations, the earliest open peer review, or the stage's own deadline."""
    if s.stage.terminal:
        return None
    if s.stage is Stage.PEER_REVIEW:
        if s.answers_due is not None:
            return Waiting.ANSWERS, s.answers_due
        due = [x.deadline.due for x in active_slots(s) if x.deadline]
        return (Waiting.PEER_REVIEWS, min(due)) if due else None
    if s.deadline is None:
        return None
    if s.stage is Stage.SELF_ASSESSMENT:
        return Waiting.SELF_ASSESSMENT, s.deadline.due
    if s.stage is Stage.SIGN_OFF:
        return Waiting.SIGN_OFF, s.deadline.due
    return None


def step_taken(s: ReviewState, c: Context, settled: bool) -> StepTaken:
    """A step's answer: where the review stands and what it waits for."""
    waiting = waiting_for(s)
    return StepTaken(
        cycle=c.inp.cycle,
        member=c.member,
        stage=s.stage,
        round=s.round,
        deadline=s.deadline,
        waits_for=waiting[0] if waiting and settled else None,
        due=waiting[1] if waiting and settled else None,
        settled=settled,
    )


def projection(s: ReviewState, c: Context) -> ReviewProjection:
    """What the store's read model keeps of the review (before patch ``read-model``: the stage
    and its flags only)."""
    head = ReviewProjection(
        cycle=c.inp.cycle,
        member=c.member,
        stage=s.stage,
        round=s.round,
        overdue=s.overdue,
        cedaw_rating=s.cedaw.rating.value if s.cedaw else None,
    )
    if not c.patches.read_model:
        return head
    return head.model_copy(
        update={
            "deadline": s.deadline.due if s.deadline else None,
            "reviewers": [
                SlotProjection(
                    member=x.member,
                    status=x.status,
                    due=x.deadline.due if x.deadline else None,
                    overdue=x.overdue,
                )
                for x in s.reviewers
            ],
            "answers_due": s.answers_due,
            "unanswered": len(unanswered(s)),
            "at": c.now,
            "publication": s.publications,
        }
    )


def summary(s: ReviewState, c: Context) -> ReviewSummary:
    """The workflow's result: ids and digests, never bodies."""
    return ReviewSummary(
        cycle=c.inp.cycle,
        member=c.member,
        outcome=s.stage,
        rounds=s.round,
        self_assessments=s.self_assessments,
        peer_reviews={x.member: x.document for x in s.reviewers if x.document},
        cedaw=s.cedaw,
        sign_offs=s.sign_offs,
        letters=s.letters,
        withdrawn_reason=s.withdrawn_reason,
    )


def carried(s: ReviewState) -> ReviewState:
    """The state a continued run starts from: the same, with the latest refusals only."""
    return s.model_copy(update={"rejected": s.rejected[-REFUSALS_CARRIED:], "runs": s.runs + 1})


def quiet(s: ReviewState) -> bool:
    """Nothing handed to the main loop: the review can continue in a new run."""
    return s.decision is None and s.withdrawal is None


# ---------------------------------------------------------------- stages and deadlines


def enter(s: ReviewState, c: Context, stage: Stage) -> None:
    """The review enters ``stage``: its deadline (or each active reviewer's) starts now."""
    s.stage = stage
    if stage.terminal:
        s.finished_at = c.now
    if stage in (Stage.SELF_ASSESSMENT, Stage.SIGN_OFF):
        s.deadline = new_deadline(c, c.now + c.inp.durations.for_stage(stage))
    else:
        s.deadline = None
    if stage is Stage.PEER_REVIEW:
        for x in active_slots(s):
            x.deadline = new_deadline(c, c.now + c.inp.durations.peer_review)


def new_deadline(c: Context, due: datetime) -> Deadline:
    remind_at = due - c.inp.durations.reminder
    return Deadline(due=due, remind_at=remind_at if remind_at > c.now else None)


@dataclass(frozen=True)
class Notice:
    """A reminder or an overdue notice that falls due: for the member's focal point (or the
    secretariat at sign-off), or for one reviewer in peer review."""

    when: datetime
    kind: LetterKind
    deadline: Deadline
    reviewer: str | None


def next_notice(s: ReviewState) -> Notice | None:
    """The earliest reminder or overdue notice still to send in this stage."""
    found: list[Notice] = []
    if s.stage is Stage.PEER_REVIEW:
        for x in active_slots(s):
            if x.deadline:
                found += deadline_notices(x.deadline, x.member)
    elif s.stage in DEADLINED and s.deadline:
        found += deadline_notices(s.deadline, None)
    return min(found, key=lambda n: n.when) if found else None


def deadline_notices(deadline: Deadline, reviewer: str | None) -> list[Notice]:
    """The reminder and the overdue notice of one deadline still to send (a follow-up's
    progress report has them too: workflows/follow_up_rules.py)."""
    found = []
    if deadline.remind_at and not deadline.reminded and not deadline.overdue:
        found.append(Notice(deadline.remind_at, LetterKind.REMINDER, deadline, reviewer))
    if not deadline.overdue:
        found.append(Notice(deadline.due, LetterKind.OVERDUE, deadline, reviewer))
    return found


def notice_sent(notice: Notice) -> None:
    """Each notice goes out at most once per deadline."""
    if notice.kind is LetterKind.REMINDER:
        notice.deadline.reminded = True
    else:
        notice.deadline.overdue = True


def open_answers(s: ReviewState, c: Context) -> None:
    """The member has ``responses`` to mark each peer recommendation supported or noted."""
    s.answers_due = c.now + c.inp.durations.responses


def close_answers(s: ReviewState) -> None:
    """Those left unanswered stand as noted; they stay unmarked, so the letters say that no
    answer was given (a late answer is still taken)."""
    s.noted_by_default = unanswered(s)
    s.answers_due = None


def take_decision(s: ReviewState, c: Context) -> SignOff:
    """The secretariat's decision, recorded as it is carried out."""
    decision = s.decision
    assert decision is not None
    s.sign_offs.append(
        SignOffRecord(
            at=c.now,
            by=decision.actor.ref,
            round=s.round,
            decision=decision.decision,
            comments=decision.comments,
        )
    )
    s.decision = None
    return decision


def return_for_revision(s: ReviewState) -> int:
    """The review goes back to self-assessment for a new round; the round returned."""
    returned = s.round
    s.round += 1
    s.cedaw = None
    return returned


def record_cedaw(s: ReviewState, result: CedawSummary) -> None:
    s.cedaw = result


# ---------------------------------------------------------------- letters


_PER_DEADLINE = (LetterKind.REMINDER, LetterKind.OVERDUE, LetterKind.REVIEW_REQUEST)


@dataclass(frozen=True)
class LetterAsk:
    """A letter the review asks for: its kind and what tells it apart from others."""

    kind: LetterKind
    recipient_member: str | None = None
    addressee: Addressee = Addressee.FOCAL_POINT
    deadline: Deadline | None = None
    reason: str | None = None
    comments: str | None = None
    previous_reviewer: str | None = None
    new_reviewer: str | None = None
    round: int | None = None
    asked_at: datetime | None = None  # a reminder the secretariat sent by hand, and when


def letter_request(s: ReviewState, c: Context, ask: LetterAsk) -> LetterRequest:
    """Everything the letter activity needs, by reference (bodies stay in the store)."""
    return LetterRequest(
        cycle=c.inp.cycle,
        member=c.member,
        kind=ask.kind,
        round=ask.round or s.round,
        recipient_member=ask.recipient_member,
        addressee=ask.addressee,
        chair=c.inp.chair,
        occasion=occasion(ask),
        deadline=ask.deadline.due.date().isoformat() if ask.deadline else None,
        reason=ask.reason,
        comments=ask.comments,
        reviewers=[x.member for x in s.reviewers if x.counts],
        previous_reviewer=ask.previous_reviewer,
        new_reviewer=ask.new_reviewer,
        responses={k: v.value for k, v in s.responses.items()},
        self_assessment_id=s.self_assessments[-1].id if s.self_assessments else None,
        peer_review_ids=[x.document.id for x in s.reviewers if x.document],
        cedaw_result_id=s.cedaw.result_id if s.cedaw else None,
        stage=s.stage.value,
    )


def occasion(ask: LetterAsk) -> str:
    """What tells apart letters of one kind, round and recipient that are rightly sent twice.

    A reviewer change names who left and who came: a recusal and a reassignment in one round
    are two letters, not one stored letter returned twice.
    """
    if ask.kind is LetterKind.REVIEWER_CHANGE:
        return f"{ask.previous_reviewer}->{ask.new_reviewer}"
    per_deadline = ""
    if ask.deadline and ask.kind in _PER_DEADLINE:
        per_deadline = ask.deadline.due.isoformat()
    if ask.asked_at is not None:  # never taken for the reminder sent on its own, nor another
        return f"{per_deadline}/asked {ask.asked_at.isoformat()}"
    return per_deadline


def notice_letter(s: ReviewState, notice: Notice) -> LetterAsk:
    """A reminder or overdue notice: to the secretariat at sign-off, else to the focal point of
    the member (or of the reviewer) the deadline is for."""
    if s.stage is Stage.SIGN_OFF:
        return LetterAsk(notice.kind, addressee=Addressee.SECRETARIAT, deadline=notice.deadline)
    return LetterAsk(notice.kind, recipient_member=notice.reviewer, deadline=notice.deadline)


# ---------------------------------------------------------------- refusals


def actor_params(actor: Actor) -> dict[str, Param]:
    return {"actor_role": actor.role.value, "actor_member": actor.member or ""}


def record_refusal(s: ReviewState, c: Context, step: str, actor: str, reason: Reason) -> None:
    keep_refusal(s.rejected, Refusal.of(c.now, actor, step, reason, c.english(reason)))


def keep_refusal(rejected: list[Refusal], refusal: Refusal) -> None:
    """Actor, step and reason only: a refused payload is never kept; the latest few are (a
    review's and a follow-up's alike)."""
    rejected.append(refusal)
    del rejected[:-MAX_REFUSALS_KEPT]


def remember_nonce(s: ReviewState, c: Context, cmd: Command) -> None:
    if c.patches.v2 and cmd.proof is not None:
        s.nonces.append(cmd.proof.nonce)
        del s.nonces[:-MAX_NONCES_KEPT]


# ---------------------------------------------------------------- checks: who, when


def check_proof(s: ReviewState, c: Context, step: str, cmd: Command) -> None:
    """The front end's signature must hold, for this step on this review, and be new."""
    if not s.trusted_keys:
        return  # a review started before commands were signed
    reason = verify(cmd.proof, step, c.workflow_id, cmd, s.trusted_keys, c.now)
    if reason:
        raise Refused(reason.code, **reason.params)
    assert cmd.proof is not None
    if cmd.proof.nonce in s.nonces:
        raise Refused("sent_twice")


def check_open(s: ReviewState, c: Context, cmd: Command, *roles: Role) -> None:
    """The review is still open, and the acting person's role may take the step."""
    if s.stage.terminal:
        raise closed(s, c)
    if cmd.actor.role not in roles:
        raise Refused("wrong_role", **actor_params(cmd.actor), roles=[r.value for r in roles])


def closed(s: ReviewState, c: Context) -> Refused:
    on = (s.finished_at or c.now).date().isoformat()
    return Refused(
        "review_closed", member=c.member, cycle=c.inp.cycle, outcome=s.stage.value, on=on
    )


def check_stage(s: ReviewState, c: Context, *stages: Stage) -> None:
    if s.stage not in stages:
        raise Refused(
            "wrong_stage", member=c.member, stage=s.stage.value, stages=[x.value for x in stages]
        )


def check_own_focal_point(c: Context, cmd: Command) -> None:
    if cmd.actor.member != c.member:
        raise Refused("not_own_focal_point", **actor_params(cmd.actor), member=c.member)


def check_submit_self_assessment(s: ReviewState, c: Context, cmd: SubmitSelfAssessment) -> None:
    check_proof(s, c, "submit_self_assessment", cmd)
    check_open(s, c, cmd, Role.FOCAL_POINT)
    check_own_focal_point(c, cmd)
    if s.stage is Stage.SELF_ASSESSMENT and self_assessment_in(s):
        raise Refused("self_assessment_in", round=s.round)
    if s.stage is not Stage.SELF_ASSESSMENT:
        raise Refused("self_assessment_done", member=c.member, stage=s.stage.value)


def check_submit_peer_review(s: ReviewState, c: Context, cmd: SubmitPeerReview) -> None:
    check_proof(s, c, "submit_peer_review", cmd)
    check_open(s, c, cmd, Role.FOCAL_POINT)
    reviewer = cmd.actor.member
    if reviewer == c.member:
        raise Refused("own_member")
    if slot(s, reviewer, ReviewerStatus.SUBMITTED):
        raise Refused("peer_review_in", reviewer=reviewer or "", member=c.member)
    if not slot(s, reviewer, ReviewerStatus.ACTIVE):
        raise Refused("not_a_reviewer", **actor_params(cmd.actor), member=c.member)
    check_stage(s, c, Stage.PEER_REVIEW)


def check_respond(s: ReviewState, c: Context, cmd: RespondToRecommendations) -> None:
    check_proof(s, c, "respond_to_recommendations", cmd)
    check_open(s, c, cmd, Role.FOCAL_POINT)
    check_own_focal_point(c, cmd)
    check_stage(s, c, Stage.CEDAW_CHECK, Stage.SIGN_OFF, Stage.PEER_REVIEW)
    unknown = sorted(set(cmd.responses) - set(recommendation_keys(s.reviewers)))
    if unknown:
        raise Refused("no_such_recommendation", keys=unknown)


def check_replace(s: ReviewState, c: Context, cmd: ReplaceReviewer) -> None:
    check_proof(s, c, "replace_reviewer", cmd)
    check_open(s, c, cmd, Role.FOCAL_POINT)
    check_own_focal_point(c, cmd)
    check_stage(s, c, Stage.PEER_REVIEW)
    if s.replacement_used:
        raise Refused("substitution_used", member=c.member)
    check_leaving(s, c, cmd.reviewer)


def check_recuse(s: ReviewState, c: Context, cmd: Recuse) -> None:
    check_proof(s, c, "recuse", cmd)
    check_open(s, c, cmd, Role.FOCAL_POINT)
    check_stage(s, c, Stage.PEER_REVIEW)
    check_leaving(s, c, cmd.actor.member)


def check_reassign(s: ReviewState, c: Context, cmd: ReassignReviewer) -> None:
    check_proof(s, c, "reassign_reviewer", cmd)
    check_open(s, c, cmd, Role.SECRETARIAT)
    check_stage(s, c, Stage.PEER_REVIEW)
    check_leaving(s, c, cmd.reviewer)


def check_leaving(s: ReviewState, c: Context, reviewer: str | None) -> None:
    if slot(s, reviewer, ReviewerStatus.SUBMITTED):
        raise Refused("review_stands", reviewer=reviewer or "")
    if not slot(s, reviewer, ReviewerStatus.ACTIVE):
        raise Refused("not_reviewer_of", reviewer=reviewer or "", member=c.member)


def check_sign_off(s: ReviewState, c: Context, cmd: SignOff) -> None:
    check_proof(s, c, "sign_off", cmd)
    check_open(s, c, cmd, Role.SECRETARIAT)
    check_stage(s, c, Stage.SIGN_OFF)
    if s.decision is not None:
        raise Refused("decision_taken")
    if cmd.decision is Decision.RETURN_FOR_REVISION and s.round >= c.inp.max_rounds:
        raise Refused("last_round", round=s.round, max_rounds=c.inp.max_rounds)


def check_extend(s: ReviewState, c: Context, cmd: Extend) -> None:
    check_proof(s, c, "extend", cmd)
    check_open(s, c, cmd, Role.SECRETARIAT)
    check_stage(s, c, *DEADLINED)
    if cmd.by <= timedelta(0):
        raise Refused("extension_not_positive")


def check_remind(s: ReviewState, c: Context, cmd: Remind) -> None:
    if not c.patches.reminders:
        raise Refused("reminder_not_in_this_review", member=c.member)
    check_proof(s, c, "remind", cmd)
    check_open(s, c, cmd, Role.SECRETARIAT)
    check_stage(s, c, Stage.SELF_ASSESSMENT, Stage.PEER_REVIEW)
    if not reminded_deadlines(s):
        raise Refused("no_one_to_remind", member=c.member)


def reminded_deadlines(s: ReviewState) -> list[tuple[Deadline, str | None]]:
    """The deadlines a reminder sent now is about, with the reviewer each is for (None: the
    member): the self-assessment's, or each open peer review's (answers have no reminder
    letter: the member is asked for them on its review's page)."""
    if s.stage is Stage.SELF_ASSESSMENT and s.deadline:
        return [(s.deadline, None)]
    if s.stage is Stage.PEER_REVIEW and s.answers_due is None:
        return [(x.deadline, x.member) for x in active_slots(s) if x.deadline]
    return []


def check_withdraw(s: ReviewState, c: Context, cmd: Withdraw) -> None:
    if cmd.cycle_cancel is not None:
        check_cycle_cancel(s, c, cmd)
    else:
        check_proof(s, c, "withdraw", cmd)
    check_open(s, c, cmd, Role.SECRETARIAT)
    if s.withdrawal is not None:
        raise Refused("being_withdrawn", member=c.member)


def check_cycle_cancel(s: ReviewState, c: Context, cmd: Withdraw) -> None:
    """A withdrawal forwarded by the cycle carries the secretariat's signed cancellation."""
    cancel = cmd.cycle_cancel
    assert cancel is not None
    if not s.trusted_keys:
        return
    reason = verify(
        cancel.proof,
        "cancel_cycle",
        contract.cycle_workflow_id(c.inp.cycle),
        cancel,
        s.trusted_keys,
        c.now,
        freshness=CYCLE_CANCEL_FRESHNESS,
    )
    if reason:
        raise Refused(reason.code, **reason.params)
    if cancel.actor != cmd.actor or cancel.reason != cmd.reason:
        raise Refused("cancel_mismatch")


def check_trust_key(s: ReviewState, c: Context, cmd: TrustKey) -> None:
    check_proof(s, c, "trust_key", cmd)
    check_open(s, c, cmd, Role.SECRETARIAT)
    if not s.trusted_keys:
        raise Refused("started_unsigned", member=c.member)
    refuse_key_trusted_again(s.trusted_keys, cmd)


def check_distrust_key(s: ReviewState, c: Context, cmd: DistrustKey) -> None:
    check_proof(s, c, "distrust_key", cmd)
    check_open(s, c, cmd, Role.SECRETARIAT)
    refuse_key_retired_wrongly(s.trusted_keys, cmd)


def refuse_key_trusted_again(trusted_keys: Mapping[str, str], cmd: TrustKey) -> None:
    """A key already trusted is not trusted twice (a review's and a follow-up's rule alike)."""
    if trusted_keys.get(cmd.key_id) == cmd.public_key:
        raise Refused("key_trusted", key_id=cmd.key_id)


def refuse_key_retired_wrongly(trusted_keys: Mapping[str, str], cmd: DistrustKey) -> None:
    """Only a trusted key is retired, never by itself, and never the last one: a workflow with
    no key left could take no signed step again."""
    if cmd.key_id not in trusted_keys:
        raise Refused("key_not_trusted", key_id=cmd.key_id)
    if cmd.proof is not None and cmd.proof.key_id == cmd.key_id:
        raise Refused("key_retires_itself")
    if len(trusted_keys) == 1:
        raise Refused("last_key")


# ---------------------------------------------------------------- applying a step


@dataclass
class Effects:
    """What the workflow does once a step is applied: letters to send (in order), whether the
    read model and search attributes change, whether the deadline timers must be re-armed."""

    letters: list[LetterAsk] = field(default_factory=list)
    publish: bool = False
    rearm: bool = False
    # what the step's answer tells its caller besides where the review stands
    extension: ExtensionRecord | None = None
    redraw: Redraw | None = None
    unanswered: list[str] | None = None


def signed_receipt(s: ReviewState, c: Context, cmd: Command) -> DocumentReceipt | None:
    """A document taken on the front end's word: the front end validated and stored it, and
    signed the command naming it (its id, digest and, for a peer review, its recommendations).
    None where the store must confirm it (an unsigned review, or one from before the patch)."""
    if not (c.patches.signed_documents and s.trusted_keys and cmd.proof is not None):
        return None
    if isinstance(cmd, SubmitPeerReview):
        if cmd.recommendations is None:
            return None  # a front end from before the patch: the store counts them
        return DocumentReceipt(document=cmd.document, recommendations=cmd.recommendations)
    assert isinstance(cmd, SubmitSelfAssessment)
    return DocumentReceipt(document=cmd.document)


def apply_self_assessment(
    s: ReviewState, c: Context, cmd: SubmitSelfAssessment, receipt: DocumentReceipt
) -> Effects:
    """After the store confirmed the document the review may have moved on (withdrawn)."""
    check_open(s, c, cmd, Role.FOCAL_POINT)
    if s.stage is not Stage.SELF_ASSESSMENT or self_assessment_in(s):
        raise Refused("self_assessment_in", round=s.round)
    s.self_assessments.append(cmd.document)
    return Effects()


def apply_peer_review(
    s: ReviewState, c: Context, cmd: SubmitPeerReview, receipt: DocumentReceipt
) -> Effects:
    check_open(s, c, cmd, Role.FOCAL_POINT)
    mine = slot(s, cmd.actor.member, ReviewerStatus.ACTIVE)
    if mine is None or s.stage is not Stage.PEER_REVIEW:
        raise Refused("no_longer_reviewer", reviewer=cmd.actor.member or "", member=c.member)
    mine.status = ReviewerStatus.SUBMITTED
    mine.document = cmd.document
    mine.recommendations = receipt.recommendations
    # The last peer review moves the review on, and the main loop publishes then.
    return Effects(publish=c.patches.read_model and not peer_reviews_done(s))


def apply_respond(s: ReviewState, c: Context, cmd: RespondToRecommendations) -> Effects:
    s.responses.update(cmd.responses)
    return Effects(unanswered=unanswered(s))


def leaving(cmd: ReplaceReviewer | Recuse | ReassignReviewer) -> tuple[str, ReviewerStatus]:
    """Who leaves the review troika, and why."""
    if isinstance(cmd, ReplaceReviewer):
        return cmd.reviewer, ReviewerStatus.REPLACED
    if isinstance(cmd, ReassignReviewer):
        return cmd.reviewer, ReviewerStatus.REASSIGNED
    return cmd.actor.member or "", ReviewerStatus.RECUSED


def redraw_seed(cycle_seed: int, member: str, number: int) -> int:
    """A re-draw's own seed, derived from the cycle's so an auditor can re-run it."""
    digest = hashlib.sha256(f"{cycle_seed}:{member}:{number}".encode()).hexdigest()
    return int(digest[:12], 16)


def next_redraw_seed(s: ReviewState, c: Context) -> int:
    return redraw_seed(c.inp.seed, c.member, len(s.redraws) + 1)


def apply_reviewer_change(
    s: ReviewState,
    c: Context,
    cmd: ReplaceReviewer | Recuse | ReassignReviewer,
    outcome: RedrawOutcome,
) -> Effects:
    """The reviewer leaves; the one drawn in its place gets a deadline and a request."""
    member, why = leaving(cmd)
    gone = slot(s, member, ReviewerStatus.ACTIVE)
    assert gone is not None
    seed = next_redraw_seed(s, c)
    gone.status = why
    successor = ReviewerSlot(
        member=outcome.chosen,
        replaces=gone.member,
        deadline=new_deadline(c, c.now + c.inp.durations.peer_review),
    )
    s.reviewers.append(successor)
    redraw = Redraw(
        at=c.now,
        why=why.value,
        previous=gone.member,
        chosen=outcome.chosen,
        seed=seed,
        relaxed=outcome.relaxed,
        by=cmd.actor.ref,
    )
    s.redraws.append(redraw)
    if isinstance(cmd, ReplaceReviewer):
        s.replacement_used = True
    return Effects(
        letters=[
            LetterAsk(
                LetterKind.REVIEWER_CHANGE,
                previous_reviewer=gone.member,
                new_reviewer=outcome.chosen,
                reason=why.value,
            ),
            LetterAsk(
                LetterKind.REVIEW_REQUEST,
                recipient_member=outcome.chosen,
                deadline=successor.deadline,
            ),
        ],
        publish=True,
        rearm=True,
        redraw=redraw,
    )


def apply_sign_off(s: ReviewState, c: Context, cmd: SignOff) -> Effects:
    """Hand the decision to the main loop, which carries it out (letters included)."""
    s.decision = cmd
    return Effects()


def apply_extend(s: ReviewState, c: Context, cmd: Extend) -> Effects:
    """Move the deadline of the current stage (in peer review: every open reviewer's; while the
    member answers the peer recommendations: the answers' deadline)."""
    extending_answers = c.patches.v2 and s.answers_due is not None and s.stage is Stage.PEER_REVIEW
    deadlines: list[Deadline] = []
    if extending_answers:
        assert s.answers_due is not None
        s.answers_due += cmd.by
    elif s.stage is Stage.PEER_REVIEW:
        deadlines = [x.deadline for x in active_slots(s) if x.deadline]
    elif s.deadline:
        deadlines = [s.deadline]
    for deadline in deadlines:
        deadline.due += cmd.by
        remind_at = deadline.due - c.inp.durations.reminder
        if remind_at > c.now:
            deadline.remind_at, deadline.reminded = remind_at, False
        if deadline.due > c.now:
            deadline.overdue = False
    new = s.answers_due if extending_answers and s.answers_due else None
    extension = ExtensionRecord(
        at=c.now,
        by=cmd.actor.ref,
        stage=s.stage,
        extended_by=cmd.by,
        reason=cmd.reason,
        new_deadline=new or max((d.due for d in deadlines), default=c.now),
    )
    s.extensions.append(extension)
    return Effects(publish=s.overdue != s.published_overdue, rearm=True, extension=extension)


def extended_deadlines(s: ReviewState, by: timedelta) -> list[tuple[str | None, datetime]]:
    """Where an extension by ``by`` would move the deadlines ``apply_extend`` moves, for a
    person to see before asking: each with the reviewer it is for (None: the member's own,
    or the answers' while the member answers the peer recommendations)."""
    if s.answers_due is not None and s.stage is Stage.PEER_REVIEW:
        return [(None, s.answers_due + by)]
    if s.stage is Stage.PEER_REVIEW:
        return [(x.member, x.deadline.due + by) for x in active_slots(s) if x.deadline]
    return [(None, s.deadline.due + by)] if s.deadline else []


def apply_remind(s: ReviewState, c: Context, cmd: Remind) -> Effects:
    """A reminder letter for each open deadline, sent now; the reminders due on their own
    before each deadline still go out."""
    letters = [
        LetterAsk(LetterKind.REMINDER, recipient_member=reviewer, deadline=due, asked_at=c.now)
        for due, reviewer in reminded_deadlines(s)
    ]
    return Effects(letters=letters)


def apply_withdraw(s: ReviewState, c: Context, cmd: Withdraw) -> Effects:
    """Hand the withdrawal to the main loop, which interrupts whatever is under way."""
    s.withdrawal = cmd
    return Effects()


def apply_trust_key(s: ReviewState, c: Context, cmd: TrustKey) -> Effects:
    s.trusted_keys[cmd.key_id] = cmd.public_key
    return Effects()


def apply_distrust_key(s: ReviewState, c: Context, cmd: DistrustKey) -> Effects:
    s.trusted_keys.pop(cmd.key_id, None)
    return Effects()


# ---------------------------------------------------------------- the table of steps


class Fetch(StrEnum):
    """What the workflow fetches (an activity) between a step's check and its apply."""

    NOTHING = "nothing"
    DOCUMENT = "document"  # the store's receipt of the submitted document
    REVIEWER = "reviewer"  # a reviewer drawn in the leaving one's place


class Then(StrEnum):
    """What a step's caller waits for once it is applied."""

    SETTLED = "settled"  # the review moved as far as the step takes it
    DECISION = "decision"  # the main loop carried out the decision (letter included)
    END = "end"  # the review ended (a withdrawal)


@dataclass(frozen=True)
class Step:
    """One kind of step: the command it carries, who may take it and when (``check``), what the
    workflow fetches first, what it changes (``apply``), what its caller waits for, whether it
    is also taken as a signal (key changes answer their sender: updates only), and whether a
    person takes it with a small form on the portal's review page, whose fields are the
    command's (``on_review_page``; documents and answers have forms of their own)."""

    command: type[Command]
    check: Callable[[ReviewState, Context, Any], None]
    apply: Callable[..., Effects]
    fetch: Fetch = Fetch.NOTHING
    then: Then = Then.SETTLED
    as_signal: bool = True
    interrupts: bool = False  # taken at once, not behind a step in progress (a withdrawal)
    on_review_page: bool = False


STEPS: dict[str, Step] = {
    "submit_self_assessment": Step(
        SubmitSelfAssessment,
        check_submit_self_assessment,
        apply_self_assessment,
        fetch=Fetch.DOCUMENT,
    ),
    "submit_peer_review": Step(
        SubmitPeerReview, check_submit_peer_review, apply_peer_review, fetch=Fetch.DOCUMENT
    ),
    "respond_to_recommendations": Step(RespondToRecommendations, check_respond, apply_respond),
    "replace_reviewer": Step(
        ReplaceReviewer,
        check_replace,
        apply_reviewer_change,
        fetch=Fetch.REVIEWER,
        on_review_page=True,
    ),
    "recuse": Step(
        Recuse, check_recuse, apply_reviewer_change, fetch=Fetch.REVIEWER, on_review_page=True
    ),
    "reassign_reviewer": Step(
        ReassignReviewer,
        check_reassign,
        apply_reviewer_change,
        fetch=Fetch.REVIEWER,
        on_review_page=True,
    ),
    "sign_off": Step(
        SignOff, check_sign_off, apply_sign_off, then=Then.DECISION, on_review_page=True
    ),
    "extend": Step(Extend, check_extend, apply_extend, on_review_page=True),
    "remind": Step(Remind, check_remind, apply_remind, on_review_page=True),
    "withdraw": Step(
        Withdraw,
        check_withdraw,
        apply_withdraw,
        then=Then.END,
        interrupts=True,
        on_review_page=True,
    ),
    "trust_key": Step(TrustKey, check_trust_key, apply_trust_key, as_signal=False),
    "distrust_key": Step(DistrustKey, check_distrust_key, apply_distrust_key, as_signal=False),
}
