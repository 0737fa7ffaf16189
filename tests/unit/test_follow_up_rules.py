"""The rules of a follow-up, without a server (workflows/follow_up_rules.py): which items a
completed review leaves, who may change them and when, what a progress report and an
acknowledgement change, and when the reminder and the overdue notice fall due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from napreview.people.signing import Signer
from napreview.schemas.cedaw import CedawResult, Finding, LinkageRating, Severity
from napreview.schemas.examples import example_peer_review, example_self_assessment
from napreview.schemas.follow_up import (
    AcknowledgeReport,
    DrawnItems,
    Evidence,
    EvidenceKind,
    FollowUpInput,
    FollowUpSources,
    FollowUpState,
    FollowUpTerms,
    ItemSource,
    ItemStatus,
    ItemUpdate,
    SubmitProgressReport,
    UpdateItem,
)
from napreview.schemas.letters import LetterKind
from napreview.schemas.members import Actor, Member, Role
from napreview.schemas.recommendations import recommendation_set
from napreview.schemas.review import (
    DistrustKey,
    ReviewerSlot,
    ReviewerStatus,
    ReviewState,
    TrustKey,
)
from napreview.schemas.submissions import DocumentRef, RecommendationResponse
from napreview.workflows import follow_up_rules as rules
from napreview.workflows.follow_up_rules import STEPS, Context
from napreview.workflows.review_steps import Refused

SIGNED_OFF = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
DEU = Actor(person_id="p-deu", role=Role.FOCAL_POINT, member="DEU")
ESP = Actor(person_id="p-esp", role=Role.FOCAL_POINT, member="ESP")
SECRETARIAT = Actor(person_id="p-sec", role=Role.SECRETARIAT)
REPORT = DocumentRef(id="r1", sha256="0" * 64)


def context(now: datetime = SIGNED_OFF) -> Context:
    inp = FollowUpInput(
        cycle="2027",
        member="DEU",
        chair="DEU",
        sources=FollowUpSources(cycle="2027", member="DEU"),
        started_at=SIGNED_OFF,
    )
    return Context(inp, "follow-up-2027-DEU", now)


def germany() -> Member:
    return Member.model_validate(
        {"code": "DEU", "name": "Germany", "kind": "state", "regional_group": "WEOG",
         "cedaw_status": "state_party", "language": "en"}
    )  # fmt: skip


def cedaw_result() -> CedawResult:
    return CedawResult(
        member="DEU",
        rating=LinkageRating.PARTIAL,
        findings=[
            Finding(
                code="no_budget",
                severity=Severity.GAP,
                article="2",
                gr30_paragraph="28(a)",
                pillar="participation",
                message="The plan has no budget.",
            ),
            Finding(code="gr30_not_cited", severity=Severity.ADVICE, message="Cite GR30."),
            Finding(
                code="THEME_NOT_ADDRESSED",
                severity=Severity.GAP,
                theme="nationality",
                message="No measures on nationality.",
            ),
            Finding(
                code="THEME_NOT_ADDRESSED",
                severity=Severity.GAP,
                theme="marriage_family",
                message="No measures on marriage and family relations.",
            ),
        ],
    )


def drawn_items() -> list[tuple]:
    sources = FollowUpSources(
        cycle="2027",
        member="DEU",
        supported=["ESP#2", "ESP#9", "NAM#1"],
        peer_reviews={"ESP": "d1"},
    )
    recommendations = recommendation_set()
    return rules.draw_seeds(
        sources,
        example_self_assessment(germany()),
        {"ESP": example_peer_review()},
        cedaw_result(),
        {r.id: r.theme.value for r in recommendations.recommendations},
        recommendations.texts("en"),
    )


def followed(interval: timedelta = timedelta(days=365)) -> FollowUpState:
    s = FollowUpState(cycle="2027", member="DEU")
    terms = FollowUpTerms(interval=interval, reminder=timedelta(days=30))
    rules.draw(s, context(), DrawnItems(seeds=[seed for seed, _ in drawn_items()], terms=terms))
    return s


def refusal(s: FollowUpState, step: str, cmd, now: datetime = SIGNED_OFF) -> str:
    with pytest.raises(Refused) as caught:
        STEPS[step].check(s, context(now), cmd)
    return caught.value.reason.code


def take(s: FollowUpState, step: str, cmd, now: datetime = SIGNED_OFF) -> None:
    STEPS[step].check(s, context(now), cmd)
    STEPS[step].apply(s, context(now), cmd)


# ---------------------------------------------------------------- what a review leaves


def test_a_review_leaves_supported_peer_recommendations_cedaw_gaps_and_open_network_work():
    drawn = drawn_items()
    by_key = {seed.key: (seed, text) for seed, text in drawn}
    peer = [k for k in by_key if k.startswith("peer:")]
    # ESP's second recommendation; ESP#9 and NAM's do not exist, so nothing is made up.
    assert peer == ["peer:ESP#2"]
    assert by_key["peer:ESP#2"][1] == example_peer_review().recommendations[1]
    # Each gap is followed (a theme left out once per theme), the advice is not.
    assert [k for k in by_key if k.startswith("cedaw:")] == [
        "cedaw:no_budget",
        "cedaw:THEME_NOT_ADDRESSED/nationality",
        "cedaw:THEME_NOT_ADDRESSED/marriage_family",
    ]
    gap = by_key["cedaw:no_budget"][0]
    assert (gap.tags.gr30_paragraph, gap.tags.cedaw_article, gap.tags.pillar) == (
        "28(a)",
        "2",
        "participation",
    )
    # Network recommendations the member has not achieved and that apply to it.
    assessment = example_self_assessment(germany())
    open_ids = {r.id for r in assessment.recommendations if r.status in rules.OPEN_WORK}
    assert {k.removeprefix("network:") for k in by_key if k.startswith("network:")} == open_ids
    assert open_ids and len(open_ids) < len(assessment.recommendations)
    network = by_key[f"network:{sorted(open_ids)[0]}"][0]
    assert network.source is ItemSource.NETWORK_RECOMMENDATION
    assert network.tags.pillar in ("participation", "accountability", "alliances")


def test_the_sources_of_a_completed_review_are_its_supported_answers_and_documents():
    review = ReviewState(
        cycle="2027",
        member="DEU",
        reviewers=[
            ReviewerSlot(
                member="ESP",
                status=ReviewerStatus.SUBMITTED,
                document=DocumentRef(id="d1", sha256="1" * 64),
                recommendations=2,
            ),
            ReviewerSlot(member="NAM", status=ReviewerStatus.RECUSED),
        ],
        self_assessments=[DocumentRef(id="s1", sha256="2" * 64)],
        responses={
            "ESP#1": RecommendationResponse.NOTED,
            "ESP#2": RecommendationResponse.SUPPORTED,
        },
    )
    sources = rules.sources_of(review)
    assert sources.supported == ["ESP#2"]
    assert sources.peer_reviews == {"ESP": "d1"}
    assert sources.self_assessment_id == "s1"


def test_the_first_report_is_due_an_interval_after_sign_off_with_a_reminder_before():
    s = followed()
    assert all(i.status is ItemStatus.NOT_STARTED for i in s.items)
    assert s.deadline.due == SIGNED_OFF + timedelta(days=365)
    assert s.deadline.remind_at == s.deadline.due - timedelta(days=30)
    notice = rules.next_notice(s)
    assert (notice.kind, notice.when) == (LetterKind.REMINDER, s.deadline.remind_at)


def test_after_the_reminder_the_overdue_notice_and_its_letters_name_the_report():
    from napreview.workflows.review_steps import notice_sent

    s = followed()
    notice_sent(rules.next_notice(s))
    overdue = rules.next_notice(s)
    assert (overdue.kind, overdue.when) == (LetterKind.OVERDUE, s.deadline.due)
    letter = rules.notice_letter(s, context(), overdue)
    assert letter.kind is LetterKind.REPORT_OVERDUE
    assert (letter.round, letter.deadline) == (1, "2028-02-29")
    notice_sent(overdue)
    assert s.overdue and rules.next_notice(s) is None


# ---------------------------------------------------------------- who may change an item


def test_only_the_members_own_focal_point_changes_its_items():
    s = followed()
    key = s.items[0].key
    update = ItemUpdate(key=key, status=ItemStatus.UNDER_WAY)
    assert refusal(s, "update_item", UpdateItem(actor=ESP, update=update)) == "not_own_focal_point"
    assert refusal(s, "update_item", UpdateItem(actor=SECRETARIAT, update=update)) == "wrong_role"
    unknown = ItemUpdate(key="network:Z9", status=ItemStatus.DONE)
    assert refusal(s, "update_item", UpdateItem(actor=DEU, update=unknown)) == "no_such_item"


def test_an_item_not_pursued_says_why():
    s = followed()
    key = s.items[0].key
    dropped = ItemUpdate(key=key, status=ItemStatus.NOT_PURSUED)
    assert refusal(s, "update_item", UpdateItem(actor=DEU, update=dropped)) == "reason_needed"
    why = dropped.model_copy(update={"reason": "Covered by the new national plan."})
    take(s, "update_item", UpdateItem(actor=DEU, update=why))
    item = s.item(key)
    assert item.status is ItemStatus.NOT_PURSUED
    assert item.history[-1].reason == "Covered by the new national plan."
    assert item.history[-1].by == "p-deu"


def test_an_update_sets_lead_institution_target_date_and_adds_evidence_once():
    s = followed()
    key = s.items[0].key
    link = Evidence(kind=EvidenceKind.LINK, ref="https://example.org/budget-2028")
    update = ItemUpdate(
        key=key,
        status=ItemStatus.UNDER_WAY,
        lead_institution="Federal Foreign Office",
        target_date=date(2028, 12, 31),
        evidence=[link],
    )
    take(s, "update_item", UpdateItem(actor=DEU, update=update))
    take(s, "update_item", UpdateItem(actor=DEU, update=update))
    item = s.item(key)
    assert (item.lead_institution, item.target_date) == (
        "Federal Foreign Office",
        date(2028, 12, 31),
    )
    assert item.evidence == [link]
    assert [h.status for h in item.history] == [ItemStatus.UNDER_WAY]  # no change twice


def test_evidence_links_are_web_addresses():
    with pytest.raises(ValueError):
        Evidence(kind=EvidenceKind.LINK, ref="javascript:alert(1)")


# ---------------------------------------------------------------- reports


def test_a_report_updates_items_and_the_next_report_is_due_on_the_fixed_schedule():
    s = followed()
    late = s.deadline.due + timedelta(days=40)
    keys = [i.key for i in s.items]
    report = SubmitProgressReport(
        actor=DEU,
        report=REPORT,
        updates=[
            ItemUpdate(key=keys[0], status=ItemStatus.DONE),
            ItemUpdate(key=keys[1], status=ItemStatus.UNDER_WAY),
        ],
    )
    take(s, "submit_progress_report", report, now=late)
    assert s.item(keys[0]).status is ItemStatus.DONE
    assert s.item(keys[0]).history[-1].period == 1
    [record] = s.reports
    assert (record.period, record.submitted_at, record.report) == (1, late, REPORT)
    assert s.period == 2
    # A late report does not push the next one back.
    assert s.deadline.due == SIGNED_OFF + 2 * timedelta(days=365)


def test_a_report_that_names_an_item_twice_changes_nothing():
    s = followed()
    key = s.items[0].key
    twice = [ItemUpdate(key=key, status=ItemStatus.DONE)] * 2
    cmd = SubmitProgressReport(actor=DEU, report=REPORT, updates=twice)
    assert refusal(s, "submit_progress_report", cmd) == "item_twice"
    assert not s.reports and s.item(key).status is ItemStatus.NOT_STARTED


def test_the_secretariat_acknowledges_each_report_once():
    s = followed()
    take(s, "submit_progress_report", SubmitProgressReport(actor=DEU, report=REPORT))
    ack = AcknowledgeReport(actor=SECRETARIAT, period=1, comments="Thank you.")
    assert refusal(s, "acknowledge_report", ack.model_copy(update={"actor": DEU})) == "wrong_role"
    missing = ack.model_copy(update={"period": 2})
    assert refusal(s, "acknowledge_report", missing) == "no_such_report"
    take(s, "acknowledge_report", ack)
    assert s.reports[0].acknowledged_by == "p-sec"
    assert refusal(s, "acknowledge_report", ack) == "report_acknowledged"


def test_the_follow_up_ends_when_every_item_is_settled_and_every_report_acknowledged():
    s = followed()
    updates = [
        ItemUpdate(key=i.key, status=ItemStatus.DONE)
        if n
        else ItemUpdate(key=i.key, status=ItemStatus.NOT_PURSUED, reason="Achieved otherwise.")
        for n, i in enumerate(s.items)
    ]
    take(
        s, "submit_progress_report", SubmitProgressReport(actor=DEU, report=REPORT, updates=updates)
    )
    assert not rules.finished(s)  # the report awaits its acknowledgement
    take(s, "acknowledge_report", AcknowledgeReport(actor=SECRETARIAT, period=1))
    assert rules.finished(s) and rules.next_notice(s) is None
    rules.close(s, context())
    update = ItemUpdate(key=s.items[0].key, status=ItemStatus.UNDER_WAY)
    assert refusal(s, "update_item", UpdateItem(actor=DEU, update=update)) == "follow_up_closed"


def test_nothing_is_taken_before_the_items_are_drawn():
    s = FollowUpState(cycle="2027", member="DEU")
    update = ItemUpdate(key="network:P1", status=ItemStatus.DONE)
    assert refusal(s, "update_item", UpdateItem(actor=DEU, update=update)) == "follow_up_drawing"


# ---------------------------------------------------------------- signed steps and keys


def test_a_signed_follow_up_takes_only_fresh_steps_signed_with_a_key_it_trusts():
    ring = Signer.ephemeral()
    s = followed()
    s.trusted_keys = ring.public_keys()
    workflow_id = context().workflow_id
    update = UpdateItem(actor=DEU, update=ItemUpdate(key=s.items[0].key, status=ItemStatus.DONE))
    assert refusal(s, "update_item", update) == "unsigned"
    signed = ring.sign("update_item", workflow_id, update, at=SIGNED_OFF)
    elsewhere = ring.sign("update_item", "follow-up-2027-ESP", update, at=SIGNED_OFF)
    assert refusal(s, "update_item", elsewhere) == "bad_signature"
    take(s, "update_item", signed)
    rules.remember_nonce(s, signed)
    assert refusal(s, "update_item", signed) == "sent_twice"


def test_keys_rotate_on_a_follow_up_as_on_a_review():
    ring = Signer.ephemeral()
    s = followed()
    s.trusted_keys = ring.public_keys()
    (key_id,) = s.trusted_keys
    workflow_id = context().workflow_id
    trust = TrustKey(actor=SECRETARIAT, key_id="k2", public_key="ab" * 32)
    by_member = ring.sign(
        "trust_key", workflow_id, trust.model_copy(update={"actor": DEU}), at=SIGNED_OFF
    )
    assert refusal(s, "trust_key", by_member) == "wrong_role"
    take(s, "trust_key", ring.sign("trust_key", workflow_id, trust, at=SIGNED_OFF))
    assert sorted(s.trusted_keys) == sorted([key_id, "k2"])
    retire_own = DistrustKey(actor=SECRETARIAT, key_id=key_id)
    own = ring.sign("distrust_key", workflow_id, retire_own, at=SIGNED_OFF)
    assert refusal(s, "distrust_key", own) == "key_retires_itself"
    retire_new = DistrustKey(actor=SECRETARIAT, key_id="k2")
    gone = ring.sign("distrust_key", workflow_id, retire_new, at=SIGNED_OFF)
    take(s, "distrust_key", gone)
    assert list(s.trusted_keys) == [key_id]
