"""Inputs, commands, state and results of the cycle and member review workflows."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, computed_field

from schemas.cedaw import CedawSummary
from schemas.letters import LetterRef
from schemas.members import Actor, Member
from schemas.submissions import DocumentRef, RecommendationResponse


class Stage(StrEnum):
    SELF_ASSESSMENT = "self_assessment"
    PEER_REVIEW = "peer_review"
    CEDAW_CHECK = "cedaw_check"
    SIGN_OFF = "sign_off"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"

    @property
    def terminal(self) -> bool:
        return self in (Stage.COMPLETED, Stage.WITHDRAWN)


STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)


class Durations(BaseModel):
    """How long each step may take, and how early a reminder goes out (DESIGN §4)."""

    self_assessment: timedelta = timedelta(days=60)
    peer_review: timedelta = timedelta(days=30)
    sign_off: timedelta = timedelta(days=14)
    reminder: timedelta = timedelta(days=7)

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


class ReviewInput(BaseModel):
    cycle: str
    member: Member
    reviewers: list[str]
    seed: int
    chair: str
    durations: Durations = Durations()
    max_rounds: int = 3
    cycle_workflow_id: str | None = None


class Decision(StrEnum):
    APPROVE = "approve"
    RETURN_FOR_REVISION = "return_for_revision"


# --- commands: each travels as a signal and as an update; every one names the acting person ---


class Command(BaseModel):
    model_config = ConfigDict(frozen=True)

    actor: Actor


class SubmitSelfAssessment(Command):
    document: DocumentRef


class SubmitPeerReview(Command):
    document: DocumentRef


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
    comments: str = Field(default="", max_length=20000)


class Extend(Command):
    by: timedelta
    reason: str = Field(min_length=1, max_length=2000)


class Withdraw(Command):
    reason: str = Field(min_length=1, max_length=2000)


# --- state and results ---


class ReviewerStatus(StrEnum):
    ACTIVE = "active"
    SUBMITTED = "submitted"
    REPLACED = "replaced"
    RECUSED = "recused"
    REASSIGNED = "reassigned"


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


class Refusal(BaseModel):
    at: datetime
    actor: str
    step: str
    reason: str


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


class ReviewState(BaseModel):
    cycle: str
    member: str
    stage: Stage
    round: int
    overdue: bool
    deadline: Deadline | None
    reviewers: list[ReviewerSlot]
    self_assessments: list[DocumentRef]
    cedaw: CedawSummary | None
    letters: list[LetterRef]
    rejected: list[Refusal]
    redraws: list[Redraw]
    extensions: list[ExtensionRecord]
    sign_offs: list[SignOffRecord]
    replacement_used: bool
    responses: dict[str, RecommendationResponse] = Field(default_factory=dict)
    withdrawn_reason: str | None = None


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


class CycleCancel(Command):
    reason: str = Field(min_length=1, max_length=2000)


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
    cycle: str
    member: str
    stage: Stage
    round: int
    overdue: bool
    cedaw_rating: str | None = None


class WithdrawReviews(BaseModel):
    cycle: str
    members: list[str]
    actor: Actor
    reason: str


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
