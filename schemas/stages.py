"""Where a review stands: its stage and its reviewers' slots, apart from the other models of
schemas/review.py (which re-exports them), so that the read model's lists (`cycle status`,
`tasks`, the command line's help) name a stage without compiling every model of the review
(issue #23)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel


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


class ReviewerStatus(StrEnum):
    ACTIVE = "active"
    SUBMITTED = "submitted"
    REPLACED = "replaced"
    RECUSED = "recused"
    REASSIGNED = "reassigned"


class Waiting(StrEnum):
    """What a review waits for next, from whom."""

    SELF_ASSESSMENT = "self_assessment"  # the member's focal point
    PEER_REVIEWS = "peer_reviews"  # its reviewers
    ANSWERS = "answers"  # the member, marking the peer recommendations supported or noted
    SIGN_OFF = "sign_off"  # the secretariat


class SlotProjection(BaseModel):
    """One reviewer of a review, as the read model keeps it."""

    member: str
    status: ReviewerStatus
    due: datetime | None = None
    overdue: bool = False
