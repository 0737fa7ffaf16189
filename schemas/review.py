"""Inputs, commands, state and results of the cycle and member review workflows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field

from napreview.schemas.cedaw import CedawSummary
from napreview.schemas.letters import LetterRef
from napreview.schemas.members import Actor, Member
from napreview.schemas.proof import KEY_ID_PATTERN, Proof
from napreview.schemas.recommendations import DEFAULT_SET
from napreview.schemas.refusals import Param, Reason
from napreview.schemas.stages import STAGE_ORDER as STAGE_ORDER
from napreview.schemas.stages import ReviewerStatus as ReviewerStatus
from napreview.schemas.stages import SlotProjection as SlotProjection
from napreview.schemas.stages import Stage as Stage
from napreview.schemas.stages import Waiting as Waiting
from napreview.schemas.submissions import DocumentRef, RecommendationResponse
from napreview.schemas.text import Comments, Duration, Explanation

# Ed25519 public keys by key id, as the workflows are given them at start.
TrustedKeys = dict[str, str]


class Durations(BaseModel):
    """How long each step may take, and how early a reminder goes out (DESIGN §4).

    ``responses``: once every peer review is in, how long the reviewed member has to mark the
    peer recommendations supported or noted before the review goes on (unanswered ones then
    stand as noted).
    """

    self_assessment: Duration = timedelta(days=60)
    peer_review: Duration = timedelta(days=30)
    sign_off: Duration = timedelta(days=14)
    reminder: Duration = timedelta(days=7)
    responses: Duration = timedelta(days=14)

    def for_stage(self, stage: Stage) -> timedelta:
        return getattr(self, stage.value)


class CycleSettings(BaseModel):
    cycle: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
    members: list[str] | None = Field(default=None, description="None means every member")
    reviewers_per_member: int = Field(default=3, ge=1, le=10)
    seed: int
    chair: str
    durations: Durations = Durations()
    max_rounds: int = Field(default=3, ge=1, le=10)
    started_by: Actor
    own_group_requests: list[str] = Field(default_factory=list)
    trusted_keys: TrustedKeys = Field(
        default_factory=dict, description="front-end public keys every step must be signed with"
    )
    starts_on: date | None = Field(
        default=None,
        description="the cycle's first day: with members None, the members of the Network that "
        "day take part (None: every member recorded, as before members were dated)",
    )
    recommendation_set: str = Field(
        default=DEFAULT_SET,
        pattern=r"^[a-z0-9][a-z0-9-]{0,59}$",
        description="the recommendation set the self-assessments answer (schemas/"
        "recommendation_sets/); a cycle started before sets existed used the 2018 set",
    )


def recommendation_set_of(settings: Mapping[str, Any]) -> str:
    """The set a cycle's stored settings name (the 2018 set for cycles started before sets)."""
    return str(settings.get("recommendation_set") or DEFAULT_SET)


class ReviewInput(BaseModel):
    cycle: str
    member: Member
    reviewers: list[str]
    seed: int
    chair: str
    durations: Durations = Durations()
    max_rounds: int = 3
    cycle_workflow_id: str | None = None
    trusted_keys: TrustedKeys = Field(default_factory=dict)
    carried: ReviewState | None = Field(
        default=None, description="what a continued run carries over from the previous one"
    )
    proof: Proof | None = Field(
        default=None,
        description="a front end's signature over this input, for a review started without its "
        "cycle (workflows/start.py)",
    )


class Decision(StrEnum):
    APPROVE = "approve"
    RETURN_FOR_REVISION = "return_for_revision"


# --- commands: each travels as a signal and as an update; every one names the acting person ---


class Command(BaseModel):
    """A step a person asks for; ``proof`` is the front end's signature over it."""

    model_config = ConfigDict(frozen=True)

    actor: Actor
    proof: Proof | None = None


class SubmitSelfAssessment(Command):
    document: DocumentRef


class SubmitPeerReview(Command):
    document: DocumentRef
    # How many recommendations the document holds, as the front end counted them before it
    # signed the command (a review since patch "documents-signed" takes it from here). Left out
    # of the signed bytes when absent, so commands signed before it existed still verify.
    recommendations: int | None = Field(
        default=None, ge=0, le=1000, exclude_if=lambda value: value is None
    )


class RespondToRecommendations(Command):
    responses: dict[str, RecommendationResponse] = Field(
        description="peer recommendation key ('<reviewer>#<n>', n from 1) to supported or noted"
    )


class ReplaceReviewer(Command):
    reviewer: str


class Recuse(Command):
    pass


class ReassignReviewer(Command):
    reviewer: str


class SignOff(Command):
    decision: Decision
    comments: Comments = ""


class Extend(Command):
    by: Duration
    reason: Explanation


class Remind(Command):
    """The secretariat sends the reminder of the current deadline now, to whoever it waits for
    (the member's focal point, or each reviewer still to submit), besides the reminders sent on
    their own before each deadline."""


class CycleCancel(Command):
    reason: Explanation


class Withdraw(Command):
    """Withdraw one review: the secretariat's own step, or its cancellation of the whole cycle
    (``cycle_cancel``, the signed cancel the cycle received, forwarded to each open review)."""

    reason: Explanation
    cycle_cancel: CycleCancel | None = None


class TrustKey(Command):
    """Trust one more front-end key (key rotation); signed with a key already trusted."""

    key_id: str = Field(pattern=KEY_ID_PATTERN)
    public_key: str = Field(pattern=r"^[0-9a-f]{64}$")


class DistrustKey(Command):
    """Stop trusting a front-end key (retired or compromised)."""

    key_id: str = Field(pattern=KEY_ID_PATTERN)


# --- state and results ---


class Deadline(BaseModel):
    """A deadline with its reminder; both notices go out at most once per deadline."""

    due: datetime
    remind_at: datetime | None = None
    reminded: bool = False
    overdue: bool = False


class ReviewerSlot(BaseModel):
    member: str
    status: ReviewerStatus = ReviewerStatus.ACTIVE
    deadline: Deadline | None = None
    document: DocumentRef | None = None
    recommendations: int = 0
    replaces: str | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def overdue(self) -> bool:
        return self.status is ReviewerStatus.ACTIVE and bool(
            self.deadline and self.deadline.overdue
        )

    @property
    def counts(self) -> bool:
        """Still one of the member's reviewers (drawn and not replaced, recused or reassigned)."""
        return self.status in (ReviewerStatus.ACTIVE, ReviewerStatus.SUBMITTED)


def recommendation_keys(reviewers: Sequence[ReviewerSlot]) -> list[str]:
    """The peer recommendations the member answers, keyed '<reviewer>#<n>', from the reviewers
    who submitted (the review's respond step takes these keys)."""
    return [
        f"{slot.member}#{n}"
        for slot in reviewers
        if slot.status is ReviewerStatus.SUBMITTED
        for n in range(1, slot.recommendations + 1)
    ]


class Refusal(BaseModel):
    """A refused step as the review keeps it: who, which step and why, never the payload.

    ``reason`` is the English sentence; ``code`` and ``params`` (schemas/refusals.py) let each
    reader see it in their own language (absent in reviews recorded before they existed)."""

    at: datetime
    actor: str
    step: str
    reason: str
    code: str | None = None
    params: dict[str, Param] = Field(default_factory=dict)

    @classmethod
    def of(cls, at: datetime, actor: str, step: str, reason: Reason, english: str) -> Refusal:
        return cls(
            at=at, actor=actor, step=step, reason=english, code=reason.code, params=reason.params
        )


class Redraw(BaseModel):
    """A re-draw of one reviewer, as recorded for the auditor."""

    at: datetime
    why: str
    previous: str
    chosen: str
    seed: int
    relaxed: list[str] = Field(default_factory=list)
    by: str


class ExtensionRecord(BaseModel):
    at: datetime
    by: str
    stage: Stage
    extended_by: timedelta
    reason: str
    new_deadline: datetime


class SignOffRecord(BaseModel):
    at: datetime
    by: str
    round: int
    decision: Decision
    comments: str


class StepTaken(BaseModel):
    """What a step's update answers: where the review stands once the step has taken effect.

    Since patch ``answer-when-settled`` a review answers once it has taken the step into
    account (``settled``): a self-assessment's answer already says peer review, with the
    reviewers' deadline, and what the review waits for next, so no query follows. Older reviews
    answer right after the handler ran (``settled`` False) and the front end asks the ``state``
    query as before.

    Kept small on purpose: every answer is written into the review's history.
    """

    cycle: str
    member: str
    stage: Stage
    round: int
    deadline: Deadline | None = None
    waits_for: Waiting | None = None
    due: datetime | None = None
    # what the step itself did, for its caller to say: an extension, a re-drawn reviewer, the
    # peer recommendations still unanswered after an answer
    extension: ExtensionRecord | None = None
    redraw: Redraw | None = None
    unanswered: list[str] | None = None
    settled: bool = False


class ReviewState(BaseModel):
    """The whole state of one review: what the workflow keeps, carries whole into a continued
    run, and returns from the ``state`` query (no hand copies between them).

    ``cycle`` and ``member`` are empty in a state carried by a run from before this model held
    them (the workflow fills them in from its input).
    """

    cycle: str = ""
    member: str = ""
    stage: Stage = Stage.SELF_ASSESSMENT
    round: int = 1
    deadline: Deadline | None = None
    reviewers: list[ReviewerSlot] = Field(default_factory=list)
    self_assessments: list[DocumentRef] = Field(default_factory=list)
    cedaw: CedawSummary | None = None
    letters: list[LetterRef] = Field(default_factory=list)
    rejected: list[Refusal] = Field(default_factory=list)
    redraws: list[Redraw] = Field(default_factory=list)
    extensions: list[ExtensionRecord] = Field(default_factory=list)
    sign_offs: list[SignOffRecord] = Field(default_factory=list)
    replacement_used: bool = False
    responses: dict[str, RecommendationResponse] = Field(default_factory=dict)
    answers_due: datetime | None = None
    noted_by_default: list[str] = Field(default_factory=list)
    # The front-end keys every step must be signed with, and the nonces of steps already taken.
    trusted_keys: TrustedKeys = Field(default_factory=dict)
    nonces: list[str] = Field(default_factory=list)
    # A secretariat's decision or withdrawal handed to the review's main loop, until carried out.
    decision: SignOff | None = None
    decisions_carried_out: int = 0
    withdrawal: Withdraw | None = None
    withdrawn_reason: str | None = None
    published_overdue: bool | None = None
    # How many times the review has published itself: projections asked for in one workflow
    # task share its clock, and the store keeps the later by this count.
    publications: int = 0
    finished_at: datetime | None = None
    runs: int = 1

    @computed_field  # type: ignore[prop-decorator]
    @property
    def overdue(self) -> bool:
        """A deadline of the current stage has passed (per reviewer in peer review)."""
        if self.stage is Stage.PEER_REVIEW:
            return any(slot.overdue for slot in self.reviewers)
        deadlined = self.stage in (Stage.SELF_ASSESSMENT, Stage.SIGN_OFF)
        return bool(deadlined and self.deadline and self.deadline.overdue)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def trusted_key_ids(self) -> list[str]:
        return sorted(self.trusted_keys)

    def documents_held(self) -> frozenset[str]:
        """The ids of every document this review holds (self-assessments of every round, peer
        reviews): what it took is never swept from the store, whatever the store recorded."""
        return frozenset(
            {ref.id for ref in self.self_assessments}
            | {slot.document.id for slot in self.reviewers if slot.document is not None}
        )


class ReviewSummary(BaseModel):
    """The workflow result: ids and digests, never letter or document bodies."""

    cycle: str
    member: str
    outcome: Stage
    rounds: int
    self_assessments: list[DocumentRef]
    peer_reviews: dict[str, DocumentRef]
    cedaw: CedawSummary | None
    sign_offs: list[SignOffRecord]
    letters: list[LetterRef]
    withdrawn_reason: str | None = None


class ReviewFinished(BaseModel):
    """Sent by a review to its cycle when it reaches a terminal stage."""

    member: str
    outcome: Stage
    cedaw_rating: str | None = None


class CyclePlan(BaseModel):
    """What the cycle keeps of the draw: the seed and a digest; assignments live in the store."""

    cycle: str
    seed: int
    members: list[str]
    draw_sha256: str
    relaxations: int


class CycleProgress(BaseModel):
    cycle: str
    total: int
    started: int
    finished: dict[str, Stage]
    cancelled: bool
    cancel_reason: str | None = None


class CycleSummary(BaseModel):
    cycle: str
    total: int
    outcomes: dict[str, int]
    cancelled: bool
    summary_letter: LetterRef | None = None


# --- activity inputs and outputs ---


class AcceptDocument(BaseModel):
    """Asks the store to confirm a submitted document is what the step claims it is."""

    cycle: str
    member: str
    kind: str
    document: DocumentRef
    reviewer: str | None = None


class DocumentReceipt(BaseModel):
    document: DocumentRef
    recommendations: int = 0


class CedawCheckRequest(BaseModel):
    cycle: str
    member: str
    self_assessment: DocumentRef


class RedrawRequest(BaseModel):
    cycle: str
    member: str
    leaving: str
    why: str
    seed: int
    reviewers_per_member: int


class RedrawOutcome(BaseModel):
    chosen: str
    relaxed: list[str]


class ReviewProjection(BaseModel):
    """What the store's read model keeps of a review, so that lists, work pages and charts never
    ask Temporal (a query per open review) and never read a history.

    Written by the review itself (a local activity) whenever any of it changes; Temporal stays
    the truth. Fields after ``cedaw_rating`` came later: an older worker sends them empty, and
    the store keeps what it had.
    """

    cycle: str
    member: str
    stage: Stage
    round: int
    overdue: bool
    cedaw_rating: str | None = None
    # since the read model (issue #17): deadlines and slots for work lists and the cycle page
    deadline: datetime | None = None
    reviewers: list[SlotProjection] | None = None
    answers_due: datetime | None = None
    unanswered: int | None = None
    at: datetime | None = Field(
        default=None, description="the review's clock when it published this (stage history)"
    )
    publication: int | None = Field(
        default=None,
        description="which of the review's publications this is: orders those of one moment",
    )


class WithdrawReviews(BaseModel):
    cycle: str
    members: list[str]
    actor: Actor
    reason: str
    cancel: CycleCancel | None = Field(
        default=None, description="the signed cancellation, forwarded to each review"
    )


class ConfirmFinished(BaseModel):
    """Reviews that told the cycle they ended; the cycle believes only what Temporal confirms."""

    cycle: str
    members: list[str]


class ReviewBatch(BaseModel):
    cycle: str
    members: list[str]


class CycleInput(BaseModel):
    """The cycle's settings plus what a continued run carries over from the previous one."""

    settings: CycleSettings
    plan: CyclePlan | None = None
    started: int = 0
    finished: dict[str, Stage] = Field(default_factory=dict)
    cancel: CycleCancel | None = None
    batch_size: int = Field(default=100, ge=1, le=1000)
    trusted_keys: TrustedKeys | None = None
    nonces: list[str] = Field(default_factory=list)
    # Reviews that said they ended and are not confirmed yet: a continued run confirms them.
    claimed: list[str] = Field(default_factory=list)
    proof: Proof | None = Field(
        default=None,
        description="the front end's signature over this input when it started the cycle "
        "(workflows/start.py)",
    )
