"""Letters: what a workflow asks an activity to send, and what it keeps of the result."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class LetterKind(StrEnum):
    INVITATION = "invitation"
    REMINDER = "reminder"
    OVERDUE = "overdue"
    REVIEW_REQUEST = "review_request"
    REVIEWER_CHANGE = "reviewer_change"
    RETURNED = "returned"
    FINAL_FEEDBACK = "final_feedback"
    WITHDRAWAL = "withdrawal"
    CYCLE_SUMMARY = "cycle_summary"
    COMMENT = "comment"
    REPORT_REMINDER = "report_reminder"  # a follow-up's progress report falls due
    REPORT_OVERDUE = "report_overdue"


# The letters that go with a PDF: the review's findings and the cycle's, which a Permanent Mission
# files and forwards as the record. The other letters are notices (an invitation, a reminder, a
# request) that the email's own text and HTML carry whole; laying each out as a PDF cost most of
# a worker's CPU (issue #23).
PDF_ATTACHED = frozenset({LetterKind.FINAL_FEEDBACK, LetterKind.CYCLE_SUMMARY})


class Addressee(StrEnum):
    """Whose focal point receives a letter; the activity resolves the person at send time."""

    FOCAL_POINT = "focal_point"
    SECRETARIAT = "secretariat"


class LetterRequest(BaseModel):
    """Everything a letter needs, by reference: the activity reads bodies from the store.

    ``recipient_member`` is the member whose focal point receives the letter (the reviewed member,
    or a reviewer). ``occasion`` tells apart letters of one kind, round and recipient that are
    legitimately sent more than once (a reminder before a deadline that was later extended).
    """

    cycle: str
    member: str
    kind: LetterKind
    round: int = 1
    recipient_member: str | None = None
    addressee: Addressee = Addressee.FOCAL_POINT
    chair: str
    occasion: str = ""
    deadline: str | None = Field(default=None, description="ISO date the letter refers to")
    reason: str | None = None
    comments: str | None = None
    reviewers: list[str] = Field(default_factory=list)
    previous_reviewer: str | None = None
    new_reviewer: str | None = None
    responses: dict[str, str] = Field(default_factory=dict)
    self_assessment_id: str | None = None
    peer_review_ids: list[str] = Field(default_factory=list)
    cedaw_result_id: str | None = None
    stage: str | None = None
    comment_id: int | None = Field(
        default=None, description="the comment of the review's conversation a letter tells of"
    )

    @property
    def recipient_key(self) -> str:
        if self.addressee is Addressee.SECRETARIAT:
            return "secretariat"
        return self.recipient_member or self.member

    @property
    def idempotency_key(self) -> str:
        parts = [
            f"review-{self.cycle}-{self.member}",
            self.kind.value,
            str(self.round),
            self.recipient_key,
        ]
        if self.occasion:
            parts.append(self.occasion)
        return "/".join(parts)


class LetterRef(BaseModel):
    """What history keeps of a stored letter: its id, its digest and whose focal point (member
    code) or "secretariat" it is for; names and addresses stay in the store."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: LetterKind
    recipient: str
    sha256: str


class CommentNotice(BaseModel):
    """What the workflow that tells of a new comment sends: one letter to each member's focal
    point in the conversation and to the secretariat, by reference (the text is in the store)."""

    letters: list[LetterRequest]


def comment_workflow_id(cycle: str, member: str, comment_id: int) -> str:
    return f"comment-{cycle}-{member}-{comment_id}"
