"""Activities of a follow-up: drawing its items from the completed review, and its read model."""

from __future__ import annotations

from temporalio import activity

from napreview.activities.errors import store_rejections_are_final
from napreview.schemas.follow_up import DrawnItems, FollowUpSources, FollowUpState
from napreview.schemas.recommendations import recommendation_set
from napreview.schemas.submissions import PeerReview, SelfAssessment
from napreview.store.records import Store
from napreview.workflows import contract
from napreview.workflows.follow_up_rules import draw_seeds


class FollowUpActivities:
    def __init__(self, store: Store) -> None:
        self.store = store

    @activity.defn(name=contract.DRAW_FOLLOW_UP)
    @store_rejections_are_final
    def draw_follow_up(self, sources: FollowUpSources) -> DrawnItems:
        """The review's items, their wording kept in the store, and the cycle's terms."""
        store = self.store
        assessment = (
            SelfAssessment.model_validate(store.documents.get(sources.self_assessment_id).body)
            if sources.self_assessment_id
            else None
        )
        reviews = {
            reviewer: PeerReview.model_validate(store.documents.get(document).body)
            for reviewer, document in sources.peer_reviews.items()
        }
        cedaw = store.cedaw.get(sources.cedaw_result_id) if sources.cedaw_result_id else None
        recommendations = recommendation_set(store.cycles.recommendation_set(sources.cycle))
        themes = {r.id: r.theme.value for r in recommendations.recommendations}
        drawn = draw_seeds(sources, assessment, reviews, cedaw, themes, recommendations.texts("en"))
        store.follow_ups.keep_items(sources.cycle, sources.member, drawn)
        return DrawnItems(
            seeds=[seed for seed, _ in drawn], terms=store.follow_ups.terms(sources.cycle)
        )

    @activity.defn(name=contract.PROJECT_FOLLOW_UP)
    @store_rejections_are_final
    def project_follow_up(self, state: FollowUpState) -> None:
        self.store.follow_ups.project(state)
