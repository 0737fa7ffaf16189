"""The next cycle starts from the last (issue #22): a member's next self-assessment and its
progress report start from its follow-up, and its reviewers see what became of the
recommendations of its earlier reviews."""

from __future__ import annotations

import contextlib

from pydantic import ValidationError

from napreview.schemas.examples import example_self_assessment
from napreview.schemas.follow_up import (
    FollowUpItem,
    ItemSource,
    ItemStatus,
    ItemUpdate,
    ProgressReport,
)
from napreview.schemas.members import Member
from napreview.schemas.recommendations import DEFAULT_SET, recommendation_set
from napreview.schemas.submissions import SET_CONTEXT, RecommendationStatus, SelfAssessment
from napreview.services.errors import NotFoundError
from napreview.services.follow_up import ItemView, views
from napreview.store.records import Store


def report_template(store: Store, member: str) -> ProgressReport:
    """A progress report to start from: each open item of the member's latest open follow-up,
    with its status as it stands."""
    found = next((r for r in store.follow_ups.of_member(member) if r.state.closed_at is None), None)
    if found is None:
        raise NotFoundError(f"{member} has no open follow-up to report on.")
    return ProgressReport(
        narrative="What was done since the last report, with sources.",
        updates=[
            ItemUpdate(key=i.key, status=i.status)
            for i in found.state.items
            if not i.status.settled
        ],
    )


def previous_items(store: Store, member: str, cycle: str) -> list[ItemView]:
    """What became of the recommendations of the member's earlier reviews: what its reviewers
    read beside the self-assessment of ``cycle`` (any reader of that review may)."""
    return [
        view
        for record in store.follow_ups.of_member(member)
        if record.state.cycle != cycle
        for view in views(record)
    ]


# How a follow-up's status reads as a self-assessment's status of the same recommendation. A
# recommendation no longer pursued keeps the status the member gave it before.
_AS_ASSESSED = {
    ItemStatus.DONE: RecommendationStatus.ACHIEVED,
    ItemStatus.UNDER_WAY: RecommendationStatus.IN_PROGRESS,
    ItemStatus.NOT_STARTED: RecommendationStatus.NOT_STARTED,
}


def prefilled_self_assessment(
    store: Store, member: Member, set_name: str = DEFAULT_SET
) -> tuple[SelfAssessment, str] | None:
    """The next self-assessment started from the member's latest follow-up, and that
    follow-up's cycle: the plan and CEDAW facts as last assessed, each Network recommendation's
    status as the follow-up left it, with what was done as evidence. None without one."""
    latest = next(iter(store.follow_ups.of_member(member.code)), None)
    if latest is None:
        return None
    s = latest.state
    start = example_self_assessment(member, set_name)
    if s.self_assessment_id:
        with contextlib.suppress(NotFoundError, ValidationError):
            body = store.documents.get(s.self_assessment_id).body
            start = SelfAssessment.model_validate(body)
    before = {r.id: r for r in start.recommendations}
    followed = {i.source_ref: i for i in s.items if i.source is ItemSource.NETWORK_RECOMMENDATION}
    answers = []
    for rid in recommendation_set(set_name).ids:
        earlier = before.get(rid)
        status = earlier.status if earlier else RecommendationStatus.NOT_STARTED
        evidence = earlier.evidence if earlier else ""
        item = followed.get(rid)
        if item is not None:
            status = _AS_ASSESSED.get(item.status, status)
            evidence = _evidence(s.cycle, item)
        answers.append({"id": rid, "status": status.value, "evidence": evidence})
    document = start.model_dump(mode="json") | {"recommendations": answers}
    prefilled = SelfAssessment.model_validate(document, context={SET_CONTEXT: set_name})
    return prefilled, s.cycle


def _evidence(cycle: str, item: FollowUpItem) -> str:
    """What the follow-up says of a recommendation, as a self-assessment's evidence."""
    said = [f"Follow-up of the {cycle} review: {item.status.value.replace('_', ' ')}"]
    if item.history and item.history[-1].reason:
        said.append(f"why: {item.history[-1].reason}")
    if item.lead_institution:
        said.append(f"lead institution: {item.lead_institution}")
    if item.target_date:
        said.append(f"target date: {item.target_date.isoformat()}")
    if item.evidence:
        said.append("evidence: " + " ".join(e.label for e in item.evidence))
    return ("; ".join(said) + ".")[:5000]
