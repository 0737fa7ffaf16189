"""Activities of a member's review: accepting documents, re-drawing reviewers, projections."""

from __future__ import annotations

from pydantic import ValidationError
from temporalio import activity

from napreview.activities.errors import refused, store_rejections_are_final
from napreview.schemas.review import (
    AcceptDocument,
    CycleSettings,
    DocumentReceipt,
    RedrawOutcome,
    RedrawRequest,
    ReviewProjection,
)
from napreview.schemas.submissions import (
    SET_CONTEXT,
    DocumentKind,
    PeerReview,
    SelfAssessment,
)
from napreview.schemas.text import today
from napreview.store.errors import NotFoundError
from napreview.store.records import Store
from napreview.workflows import contract
from napreview.workflows.troika import TroikaError, redraw_reviewer


class ReviewActivities:
    def __init__(self, store: Store) -> None:
        self.store = store

    @activity.defn(name=contract.ACCEPT_DOCUMENT)
    @store_rejections_are_final
    def accept_document(self, request: AcceptDocument) -> DocumentReceipt:
        """Confirm the stored document is the one the step names, and file what it records."""
        try:
            document = self.store.documents.get(request.document.id)
        except NotFoundError as err:
            raise refused(str(err), contract.DOCUMENT_MISMATCH) from None
        expected = (request.kind, request.cycle, request.member, request.reviewer)
        actual = (document.kind, document.cycle, document.member, document.reviewer)
        if expected != actual or document.sha256 != request.document.sha256:
            raise refused(
                "The document given does not match this step (kind, cycle, member, reviewer or "
                "digest differ); submit the file again.",
                contract.DOCUMENT_MISMATCH,
            )
        if request.kind == DocumentKind.SELF_ASSESSMENT.value:
            answers = self.store.cycles.recommendation_set(request.cycle)
            try:
                assessment = SelfAssessment.model_validate(
                    document.body, context={SET_CONTEXT: answers}
                )
            except ValidationError as err:
                raise refused(
                    f"The self-assessment does not answer the recommendations of set {answers}, "
                    f"which cycle {request.cycle} uses: "
                    + "; ".join(e["msg"].removeprefix("Value error, ") for e in err.errors()),
                    contract.DOCUMENT_MISMATCH,
                ) from None
            self.store.documents.record_nap(request.member, assessment.nap, document.id)
            receipt = DocumentReceipt(document=request.document)
        else:
            review = PeerReview.model_validate(document.body)
            receipt = DocumentReceipt(
                document=request.document, recommendations=len(review.recommendations)
            )
        self.store.documents.take(document.id)  # the sweep leaves it alone
        return receipt

    @activity.defn(name=contract.REDRAW_REVIEWER)
    @store_rejections_are_final
    def redraw_reviewer(self, request: RedrawRequest) -> RedrawOutcome:
        """Draw a successor under the troika rules and record it; a retry returns the same one."""
        done = self.store.cycles.redraw_result(request.cycle, request.member, request.seed)
        if done is not None:
            return done
        cycles = self.store.cycles
        settings = CycleSettings.model_validate(cycles.settings(request.cycle))
        members = self.store.members.get_many(cycles.members(request.cycle))
        assignments = cycles.assignments(request.cycle)
        assignments[request.member] = [
            code for code in assignments.get(request.member, []) if code != request.leaving
        ]
        excluded = set(cycles.ever_assigned(request.cycle, request.member))
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
        cycles.change_reviewer(
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
        """Keep the read model in step with the review (store/reviews.py)."""
        self.store.reviews.project(projection)
