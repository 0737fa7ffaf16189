"""The CEDAW linkage check as the review's `cedaw_check` stage runs it."""

from __future__ import annotations

from temporalio import activity

from napreview.activities.errors import store_rejections_are_final
from napreview.schemas.cedaw import CedawSummary
from napreview.schemas.indicators import evidence
from napreview.schemas.review import CedawCheckRequest
from napreview.schemas.submissions import SelfAssessment
from napreview.store.records import Store
from napreview.workflows import contract
from napreview.workflows.cedaw import check_linkage


class CedawActivities:
    def __init__(self, store: Store) -> None:
        self.store = store

    @activity.defn(name=contract.RUN_CEDAW_CHECK)
    @store_rejections_are_final
    def run_cedaw_check(self, request: CedawCheckRequest) -> CedawSummary:
        """Check the latest self-assessment, with the member's indicator values as they stand
        (GR30 para 84); the result is stored once per document, and the plan it describes is
        recorded as the member's NAP as the review assessed it."""
        document = self.store.documents.get(request.self_assessment.id)
        member = self.store.members.get(request.member)
        assessment = SelfAssessment.model_validate(document.body)
        self.store.documents.record_nap(request.member, assessment.nap, document.id)
        values = evidence(self.store.indicators.values(request.member))
        result = check_linkage(member, assessment, indicators=values)
        return self.store.cedaw.save(
            request.cycle, request.member, request.self_assessment.id, result
        )
