"""Activities of a member's review: accepting documents, re-drawing reviewers, projections."""

from __future__ import annotations

from pydantic import ValidationError
from temporalio import activity

from napreview.activities.errors import refused, store_rejections_are_final
from napreview.schemas.recommendations import DEFAULT_SET
from napreview.schemas.review import (
    AcceptDocument,
    CycleSettings,
    DocumentReceipt,
    RedrawOutcome,
    RedrawRequest,
    ReviewProjection,
    recommendation_set_of,
)
from napreview.schemas.submissions import (
    SET_CONTEXT,
    DocumentKind,
    PeerReview,
    SelfAssessment,
)
from napreview.store.errors import NotFoundError
from napreview.store.repository import Store, today
from napreview.workflows import contract
from napreview.workflows.troika import TroikaError, redraw_reviewer


def cycle_recommendation_set(store: Store, cycle: str) -> str:
    """The recommendation set a cycle names; a review started without its cycle recorded (by
    itself, or before sets existed) answers the 2018 set."""
    try:
        return recommendation_set_of(store.cycle_settings(cycle))
    except NotFoundError:
        return DEFAULT_SET


class ReviewActivities:
    def __init__(self, store: Store) -> None:
        self.store = store

    @activity.defn(name=contract.ACCEPT_DOCUMENT)
    @store_rejections_are_final
    def accept_document(self, request: AcceptDocument) -> DocumentReceipt:
        """Confirm the stored document is the one the step names, and file what it records."""
        try:
            row, body = self.store.get_document(request.document.id)
        except NotFoundError as err:
            raise refused(str(err), contract.DOCUMENT_MISMATCH) from None
        expected = (request.kind, request.cycle, request.member, request.reviewer)
        actual = (row.kind, row.cycle_id, row.member_code, row.reviewer_code)
        if expected != actual or row.sha256 != request.document.sha256:
            raise refused(
                "The document given does not match this step (kind, cycle, member, reviewer or "
                "digest differ); submit the file again.",
                contract.DOCUMENT_MISMATCH,
            )
        if request.kind == DocumentKind.SELF_ASSESSMENT.value:
            answers = cycle_recommendation_set(self.store, request.cycle)
            try:
                assessment = SelfAssessment.model_validate(body, context={SET_CONTEXT: answers})
            except ValidationError as err:
                raise refused(
                    f"The self-assessment does not answer the recommendations of set {answers}, "
                    f"which cycle {request.cycle} uses: "
                    + "; ".join(e["msg"].removeprefix("Value error, ") for e in err.errors()),
                    contract.DOCUMENT_MISMATCH,
                ) from None
            self.store.record_nap(request.member, assessment.nap, row.id)
            return DocumentReceipt(document=request.document)
        review = PeerReview.model_validate(body)
        return DocumentReceipt(
            document=request.document, recommendations=len(review.recommendations)
        )

    @activity.defn(name=contract.REDRAW_REVIEWER)
    @store_rejections_are_final
    def redraw_reviewer(self, request: RedrawRequest) -> RedrawOutcome:
        """Draw a successor under the troika rules and record it; a retry returns the same one."""
        done = self.store.redraw_result(request.cycle, request.member, request.seed)
        if done is not None:
            return RedrawOutcome(chosen=done[0], relaxed=done[1])
        settings = CycleSettings.model_validate(self.store.cycle_settings(request.cycle))
        members = self.store.get_members(self.store.cycle_members(request.cycle))
        assignments = self.store.assignments(request.cycle)
        assignments[request.member] = [
            code for code in assignments.get(request.member, []) if code != request.leaving
        ]
        excluded = set(self.store.ever_assigned(request.cycle, request.member))
        # A member that has left the Network since the cycle started is not drawn again.
        day = today()
        excluded |= {m.code for m in members if m.left_on is not None and m.left_on <= day}
        try:
            outcome = redraw_reviewer(
                members,
                assignments,
                request.member,
                excluded,
                request.seed,
                reviewers_per_member=request.reviewers_per_member,
                own_group=request.member in settings.own_group_requests,
            )
        except TroikaError as err:
            raise refused(str(err), contract.NO_REVIEWER_LEFT) from None
        self.store.change_reviewer(
            request.cycle,
            request.member,
            request.leaving,
            outcome.chosen,
            request.why,
            outcome.relaxed,
            request.seed,
        )
        return RedrawOutcome(chosen=outcome.chosen, relaxed=outcome.relaxed)

    @activity.defn(name=contract.PROJECT_REVIEW)
    @store_rejections_are_final
    def project_review(self, projection: ReviewProjection) -> None:
        self.store.project_review(
            projection.cycle,
            projection.member,
            stage=projection.stage.value,
            round=projection.round,
            overdue=projection.overdue,
            cedaw_rating=projection.cedaw_rating,
        )
