"""The rules of a follow-up: which items a completed review leaves, who may change them and when.

Pure functions of the follow-up's state (schemas/follow_up.FollowUpState), its terms and the
command, like the review's (workflows/review_steps.py): unit-tested without a server
(tests/unit/test_follow_up_rules.py); the workflow (workflows/follow_up.py) keeps the timers,
the lock and the activities. Refusals are ``Refused`` with a code of schemas/refusals.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from temporalio.common import SearchAttributePair, TypedSearchAttributes

from napreview.schemas.cedaw import CedawResult, Finding, Severity
from napreview.schemas.follow_up import (
    AcknowledgeReport,
    DrawnItems,
    FollowUpInput,
    FollowUpItem,
    FollowUpSources,
    FollowUpState,
    FollowUpTaken,
    ItemSeed,
    ItemSource,
    ItemStatus,
    ItemUpdate,
    ReportRecord,
    StatusChange,
    SubmitProgressReport,
    Tags,
    UpdateItem,
)
from napreview.schemas.letters import LetterKind, LetterRequest
from napreview.schemas.members import Role
from napreview.schemas.proof import verify
from napreview.schemas.refusals import Reason
from napreview.schemas.review import (
    Command,
    Deadline,
    DistrustKey,
    Refusal,
    ReviewState,
    TrustKey,
)
from napreview.schemas.submissions import (
    PeerReview,
    RecommendationResponse,
    RecommendationStatus,
    SelfAssessment,
)
from napreview.workflows import contract
from napreview.workflows.review_steps import (
    MAX_NONCES_KEPT,
    Notice,
    Refused,
    actor_params,
    deadline_notices,
    keep_refusal,
    refuse_key_retired_wrongly,
    refuse_key_trusted_again,
)

# The Network's recommendations a member still works on: those it has not achieved and that
# apply to it.
OPEN_WORK = (RecommendationStatus.NOT_STARTED, RecommendationStatus.IN_PROGRESS)
FOLLOW_UP_STAGE = "follow_up"  # NapStage of a follow-up that runs
CLOSED_STAGE = "follow_up_closed"


@dataclass(frozen=True)
class Context:
    """What every rule reads besides the state: the terms, the workflow id and the clock."""

    inp: FollowUpInput
    workflow_id: str
    now: datetime

    @property
    def member(self) -> str:
        return self.inp.member

    def english(self, reason: Reason) -> str:
        return reason.english()


# ---------------------------------------------------------------- what a review leaves


def sources_of(review: ReviewState) -> FollowUpSources:
    """What a completed review leaves to follow: the peer recommendations the member
    supported, its last self-assessment and the CEDAW check (ids only)."""
    return FollowUpSources(
        cycle=review.cycle,
        member=review.member,
        supported=sorted(
            k for k, v in review.responses.items() if v is RecommendationResponse.SUPPORTED
        ),
        self_assessment_id=review.self_assessments[-1].id if review.self_assessments else None,
        peer_reviews={x.member: x.document.id for x in review.reviewers if x.document},
        cedaw_result_id=review.cedaw.result_id if review.cedaw else None,
    )


def search_attributes(inp: FollowUpInput) -> TypedSearchAttributes:
    """A follow-up is found by cycle and member, like the review it follows."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(contract.NAP_CYCLE, inp.cycle),
            SearchAttributePair(contract.NAP_MEMBER, inp.member),
            SearchAttributePair(contract.NAP_STAGE, FOLLOW_UP_STAGE),
            SearchAttributePair(contract.NAP_OVERDUE, False),
        ]
    )


def finding_ref(finding: Finding) -> str:
    """How an item names the CEDAW finding it comes from: its code, and its theme where one
    code is found once per theme (a theme the plan's pillars call for, left out)."""
    return f"{finding.code}/{finding.theme}" if finding.theme else finding.code


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def draw_seeds(
    sources: FollowUpSources,
    self_assessment: SelfAssessment | None,
    peer_reviews: Mapping[str, PeerReview],
    cedaw: CedawResult | None,
    themes: Mapping[str, str],
    texts: Mapping[str, str],
) -> list[tuple[ItemSeed, str]]:
    """Each item a completed review leaves, with its text: every peer recommendation the
    member supported, every gap the CEDAW check found (a gap is what the member must answer;
    advice stays advice), and every Network recommendation its last self-assessment marks not
    started or in progress. ``themes`` and ``texts``: the cycle's recommendation set's theme
    and wording by id."""
    drawn: list[tuple[ItemSeed, str]] = []

    def add(source: ItemSource, prefix: str, ref: str, text: str, tags: Tags) -> None:
        seed = ItemSeed(
            key=f"{prefix}:{ref}", source=source, source_ref=ref, text_sha256=_sha256(text),
            tags=tags,
        )  # fmt: skip
        drawn.append((seed, text))

    for key in sources.supported:
        reviewer, _, number = key.partition("#")
        review = peer_reviews.get(reviewer)
        if (
            review is None
            or not number.isdigit()
            or not 0 < int(number) <= len(review.recommendations)
        ):
            continue
        text = review.recommendations[int(number) - 1]
        add(ItemSource.PEER_RECOMMENDATION, "peer", key, text, Tags())
    for finding in cedaw.findings if cedaw else []:
        if finding.severity is Severity.GAP:
            tags = Tags(
                pillar=finding.pillar,
                gr30_paragraph=finding.gr30_paragraph,
                cedaw_article=finding.article,
            )
            add(ItemSource.CEDAW_FINDING, "cedaw", finding_ref(finding), finding.message, tags)
    for progress in self_assessment.recommendations if self_assessment else []:
        if progress.status in OPEN_WORK:
            text = texts.get(progress.id, progress.id)
            tags = Tags(pillar=themes.get(progress.id))
            add(ItemSource.NETWORK_RECOMMENDATION, "network", progress.id, text, tags)
    unique = {seed.key: (seed, text) for seed, text in drawn}
    return list(unique.values())


def draw(s: FollowUpState, c: Context, drawn: DrawnItems) -> None:
    """The items the review left, the cycle's terms, and the first progress report asked for."""
    s.terms = drawn.terms
    s.self_assessment_id = c.inp.sources.self_assessment_id
    s.cedaw_result_id = c.inp.sources.cedaw_result_id
    s.items = [
        FollowUpItem(
            key=x.key,
            source=x.source,
            source_ref=x.source_ref,
            text_sha256=x.text_sha256,
            tags=x.tags,
        )
        for x in drawn.seeds
    ]
    s.drawn = True
    open_period(s, c)


# ---------------------------------------------------------------- progress reports


def started_at(c: Context) -> datetime:
    return c.inp.started_at or c.now


def open_period(s: FollowUpState, c: Context) -> None:
    """The report of ``s.period`` is due a whole interval after the previous one was due
    (a fixed schedule, like the APRM's: a late report does not push the next one back)."""
    due = started_at(c) + s.period * s.terms.interval
    remind_at = due - s.terms.reminder
    s.deadline = Deadline(due=due, remind_at=remind_at if remind_at > c.now else None)


def next_notice(s: FollowUpState) -> Notice | None:
    """The reminder or overdue notice of the report asked for, still to send."""
    if s.deadline is None or finished(s):
        return None
    found = deadline_notices(s.deadline, None)
    return min(found, key=lambda n: n.when) if found else None


def finished(s: FollowUpState) -> bool:
    """Every item done or not pursued, and every report acknowledged: nothing left to follow."""
    return (
        s.drawn
        and all(i.status.settled for i in s.items)
        and all(r.acknowledged_at is not None for r in s.reports)
    )


def close(s: FollowUpState, c: Context) -> None:
    s.closed_at = c.now
    s.deadline = None


def notice_letter(s: FollowUpState, c: Context, notice: Notice) -> LetterRequest:
    """The reminder or overdue notice of a progress report, to the member's focal point."""
    kind = (
        LetterKind.REPORT_REMINDER
        if notice.kind is LetterKind.REMINDER
        else LetterKind.REPORT_OVERDUE
    )
    return LetterRequest(
        cycle=c.inp.cycle,
        member=c.member,
        kind=kind,
        round=s.period,
        chair=c.inp.chair,
        occasion=notice.deadline.due.date().isoformat(),
        deadline=notice.deadline.due.date().isoformat(),
    )


def taken(s: FollowUpState, c: Context) -> FollowUpTaken:
    return FollowUpTaken(
        cycle=c.inp.cycle,
        member=c.member,
        period=s.period,
        due=s.deadline.due if s.deadline else None,
        open_items=sum(1 for i in s.items if not i.status.settled),
        closed=s.closed_at is not None,
    )


def carried(s: FollowUpState) -> FollowUpState:
    return s.model_copy(update={"rejected": s.rejected[-50:]})


# ---------------------------------------------------------------- checks


def check_proof(s: FollowUpState, c: Context, step: str, cmd: Command) -> None:
    if not s.trusted_keys:
        return
    reason = verify(cmd.proof, step, c.workflow_id, cmd, s.trusted_keys, c.now)
    if reason:
        raise Refused(reason.code, **reason.params)
    assert cmd.proof is not None
    if cmd.proof.nonce in s.nonces:
        raise Refused("sent_twice")


def check_open(s: FollowUpState, c: Context, cmd: Command, role: Role) -> None:
    if s.closed_at is not None:
        raise Refused(
            "follow_up_closed",
            member=c.member,
            cycle=c.inp.cycle,
            on=s.closed_at.date().isoformat(),
        )
    if not s.drawn:
        raise Refused("follow_up_drawing", member=c.member)
    if cmd.actor.role is not role:
        raise Refused("wrong_role", **actor_params(cmd.actor), roles=[role.value])
    if role is Role.FOCAL_POINT and cmd.actor.member != c.member:
        raise Refused("not_own_focal_point", **actor_params(cmd.actor), member=c.member)


def check_item_update(s: FollowUpState, update: ItemUpdate) -> None:
    """The item exists; a status it cannot leave is not left; not pursued says why."""
    item = s.item(update.key)
    if item is None:
        raise Refused("no_such_item", key=update.key)
    if update.status is ItemStatus.NOT_PURSUED and not update.reason:
        raise Refused("reason_needed", key=update.key)
    if len(item.evidence) + len(update.evidence) > 50:
        raise Refused("too_much_evidence", key=update.key)


def check_update_item(s: FollowUpState, c: Context, cmd: UpdateItem) -> None:
    check_proof(s, c, "update_item", cmd)
    check_open(s, c, cmd, Role.FOCAL_POINT)
    check_item_update(s, cmd.update)


def check_report(s: FollowUpState, c: Context, cmd: SubmitProgressReport) -> None:
    check_proof(s, c, "submit_progress_report", cmd)
    check_open(s, c, cmd, Role.FOCAL_POINT)
    keys = [u.key for u in cmd.updates]
    if len(keys) != len(set(keys)):
        raise Refused("item_twice")
    for update in cmd.updates:
        check_item_update(s, update)


def check_acknowledge(s: FollowUpState, c: Context, cmd: AcknowledgeReport) -> None:
    check_proof(s, c, "acknowledge_report", cmd)
    check_open(s, c, cmd, Role.SECRETARIAT)
    report = next((r for r in s.reports if r.period == cmd.period), None)
    if report is None:
        raise Refused("no_such_report", member=c.member, period=cmd.period)
    if report.acknowledged_at is not None:
        raise Refused("report_acknowledged", period=cmd.period)


def check_trust_key(s: FollowUpState, c: Context, cmd: TrustKey) -> None:
    """A new front-end key, trusted before the front ends sign with it (services/keys.py)."""
    check_proof(s, c, "trust_key", cmd)
    check_open(s, c, cmd, Role.SECRETARIAT)
    refuse_key_trusted_again(s.trusted_keys, cmd)


def check_distrust_key(s: FollowUpState, c: Context, cmd: DistrustKey) -> None:
    check_proof(s, c, "distrust_key", cmd)
    check_open(s, c, cmd, Role.SECRETARIAT)
    refuse_key_retired_wrongly(s.trusted_keys, cmd)


# ---------------------------------------------------------------- applying a step


def apply_item_update(
    s: FollowUpState, c: Context, by: str, update: ItemUpdate, period: int | None = None
) -> None:
    item = s.item(update.key)
    assert item is not None
    if update.status is not None and (update.status is not item.status or update.reason):
        item.history.append(
            StatusChange(at=c.now, by=by, status=update.status, reason=update.reason, period=period)
        )
    if update.lead_institution is not None:
        item.lead_institution = update.lead_institution
    if update.target_date is not None:
        item.target_date = update.target_date
    if update.sdg_target is not None:
        item.tags = item.tags.model_copy(update={"sdg_target": update.sdg_target})
    item.evidence += [e for e in update.evidence if e not in item.evidence]


def apply_update_item(s: FollowUpState, c: Context, cmd: UpdateItem) -> None:
    apply_item_update(s, c, cmd.actor.ref, cmd.update)


def apply_report(s: FollowUpState, c: Context, cmd: SubmitProgressReport) -> None:
    """The report answers the period asked for; the next period opens at once."""
    assert s.deadline is not None
    for update in cmd.updates:
        apply_item_update(s, c, cmd.actor.ref, update, period=s.period)
    s.reports.append(
        ReportRecord(
            period=s.period,
            due=s.deadline.due,
            submitted_at=c.now,
            by=cmd.actor.ref,
            report=cmd.report,
        )
    )
    s.period += 1
    open_period(s, c)


def apply_acknowledge(s: FollowUpState, c: Context, cmd: AcknowledgeReport) -> None:
    report = next(r for r in s.reports if r.period == cmd.period)
    report.acknowledged_at = c.now
    report.acknowledged_by = cmd.actor.ref
    report.acknowledgement = cmd.comments


def apply_trust_key(s: FollowUpState, c: Context, cmd: TrustKey) -> None:
    s.trusted_keys[cmd.key_id] = cmd.public_key


def apply_distrust_key(s: FollowUpState, c: Context, cmd: DistrustKey) -> None:
    s.trusted_keys.pop(cmd.key_id, None)


def remember_nonce(s: FollowUpState, cmd: Command) -> None:
    if cmd.proof is not None:
        s.nonces.append(cmd.proof.nonce)
        del s.nonces[:-MAX_NONCES_KEPT]


def record_refusal(s: FollowUpState, c: Context, step: str, actor: str, reason: Reason) -> None:
    keep_refusal(s.rejected, Refusal.of(c.now, actor, step, reason, c.english(reason)))


@dataclass(frozen=True)
class Step:
    command: type[Command]
    check: Callable[[FollowUpState, Context, Any], None]
    apply: Callable[[FollowUpState, Context, Any], None]


STEPS: dict[str, Step] = {
    "update_item": Step(UpdateItem, check_update_item, apply_update_item),
    "submit_progress_report": Step(SubmitProgressReport, check_report, apply_report),
    "acknowledge_report": Step(AcknowledgeReport, check_acknowledge, apply_acknowledge),
    "trust_key": Step(TrustKey, check_trust_key, apply_trust_key),
    "distrust_key": Step(DistrustKey, check_distrust_key, apply_distrust_key),
}
