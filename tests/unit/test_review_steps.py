"""The rules of a review's steps, without a server: who may take each step, when, and what it
changes (workflows/review_steps.py). The workflow itself is tested on real servers in
tests/workflows; here each rule is checked as a secretariat officer or a focal point would meet
it, including the sentence they read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from napreview.people.signing import Signer
from napreview.schemas.cedaw import CedawSummary, LinkageRating
from napreview.schemas.letters import Addressee, LetterKind
from napreview.schemas.members import (
    Actor,
    CedawStatus,
    Language,
    Member,
    MemberKind,
    RegionalGroup,
    Role,
)
from napreview.schemas.refusals import ENGLISH
from napreview.schemas.review import (
    Decision,
    DistrustKey,
    DocumentReceipt,
    Durations,
    Extend,
    ReassignReviewer,
    Recuse,
    RedrawOutcome,
    ReplaceReviewer,
    RespondToRecommendations,
    ReviewerSlot,
    ReviewerStatus,
    ReviewInput,
    ReviewState,
    SignOff,
    Stage,
    SubmitPeerReview,
    SubmitSelfAssessment,
    TrustKey,
    Waiting,
    Withdraw,
)
from napreview.schemas.submissions import DocumentRef, RecommendationResponse
from napreview.workflows import review_steps as rules
from napreview.workflows.review_steps import STEPS, Context, Patches, Refused

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
GERMANY = Member(
    code="DEU",
    name="Germany",
    kind=MemberKind.STATE,
    regional_group=RegionalGroup.WEOG,
    cedaw_status=CedawStatus.STATE_PARTY,
    language=Language.EN,
)
WORKFLOW_ID = "review-2027-DEU"


def person(role: Role, member: str | None = None, pid: str = "p-1") -> Actor:
    return Actor(person_id=pid, role=role, member=member)


SECRETARIAT = person(Role.SECRETARIAT, pid="p-sec")
FP_DEU = person(Role.FOCAL_POINT, "DEU", "p-deu")
FP_FRA = person(Role.FOCAL_POINT, "FRA", "p-fra")
AUDITOR = person(Role.AUDITOR, pid="p-aud")
DOC = DocumentRef(id="d1", sha256="0" * 64)


def terms(**changes: object) -> ReviewInput:
    return ReviewInput(
        cycle="2027",
        member=GERMANY,
        reviewers=["FRA", "MEX", "NAM"],
        seed=7,
        chair="DEU",
        durations=Durations(),
        **changes,
    )


def context(now: datetime = NOW, patches: Patches | None = None, **changes: object) -> Context:
    return Context(terms(**changes), WORKFLOW_ID, now, patches or Patches())


def fresh(**changes: object) -> ReviewState:
    state = ReviewState(
        cycle="2027",
        member="DEU",
        reviewers=[ReviewerSlot(member=m) for m in ("FRA", "MEX", "NAM")],
    )
    rules.enter(state, context(), Stage.SELF_ASSESSMENT)
    return state.model_copy(update=changes)


def in_peer_review() -> ReviewState:
    state = fresh()
    state.self_assessments.append(DOC)
    rules.enter(state, context(), Stage.PEER_REVIEW)
    return state


def refusal(check, state: ReviewState, command, c: Context | None = None) -> Refused:
    with pytest.raises(Refused) as caught:
        check(state, c or context(), command)
    return caught.value


def english(refused: Refused) -> str:
    return context().english(refused.reason)


# ---------------------------------------------------------------- the table


def test_every_step_names_its_command_and_rule_and_every_refusal_has_english():
    for name, step in STEPS.items():
        assert step.check.__name__.startswith("check_"), name
        assert step.apply.__name__.startswith("apply_"), name
    # key changes answer their sender: never taken as signals
    assert {n for n, s in STEPS.items() if not s.as_signal} == {"trust_key", "distrust_key"}
    assert all(text.strip() for text in ENGLISH.values())


# ---------------------------------------------------------------- self-assessment


def test_the_members_focal_point_submits_the_self_assessment():
    state = fresh()
    command = SubmitSelfAssessment(actor=FP_DEU, document=DOC)
    rules.check_submit_self_assessment(state, context(), command)
    rules.apply_self_assessment(state, context(), command, DocumentReceipt(document=DOC))
    assert state.self_assessments == [DOC] and rules.self_assessment_in(state)


def test_another_members_focal_point_cannot_submit_it_and_is_told_who_can():
    refused = refusal(
        rules.check_submit_self_assessment,
        fresh(),
        SubmitSelfAssessment(actor=FP_FRA, document=DOC),
    )
    assert refused.reason.code == "not_own_focal_point"
    assert english(refused) == (
        "You act as the focal point of FRA; only the focal point of Germany may take this step."
    )


def test_an_auditor_changes_nothing():
    refused = refusal(
        rules.check_submit_self_assessment,
        fresh(),
        SubmitSelfAssessment(actor=AUDITOR, document=DOC),
    )
    assert refused.reason.code == "wrong_role"
    assert english(refused) == "You act as the auditor; only the focal point may take this step."


def test_a_second_self_assessment_in_one_round_is_refused():
    state = fresh()
    state.self_assessments.append(DOC)
    refused = refusal(
        rules.check_submit_self_assessment, state, SubmitSelfAssessment(actor=FP_DEU, document=DOC)
    )
    assert english(refused) == "The self-assessment for round 1 is already submitted."


def test_a_closed_review_says_how_and_when_it_ended():
    state = in_peer_review()
    rules.enter(state, context(), Stage.COMPLETED)
    refused = refusal(
        rules.check_submit_peer_review, state, SubmitPeerReview(actor=FP_FRA, document=DOC)
    )
    assert english(refused) == (
        "The review of Germany in cycle 2027 was approved on 1 March 2027; nothing more can change."
    )


# ---------------------------------------------------------------- peer review


def test_a_drawn_reviewer_submits_once_and_its_recommendations_count():
    state = in_peer_review()
    command = SubmitPeerReview(actor=FP_FRA, document=DOC)
    rules.check_submit_peer_review(state, context(), command)
    effects = rules.apply_peer_review(
        state, context(), command, DocumentReceipt(document=DOC, recommendations=2)
    )
    assert rules.slot(state, "FRA", ReviewerStatus.SUBMITTED) is not None
    assert rules.unanswered(state) == ["FRA#1", "FRA#2"]
    assert effects.publish  # the read model learns of it (two reviewers still to come)
    again = refusal(rules.check_submit_peer_review, state, command)
    assert english(again) == "FRA has already submitted its review of Germany."


def test_a_member_not_drawn_cannot_review_and_nobody_reviews_itself():
    state = in_peer_review()
    outsider = person(Role.FOCAL_POINT, "JPN")
    refused = refusal(
        rules.check_submit_peer_review, state, SubmitPeerReview(actor=outsider, document=DOC)
    )
    assert refused.reason.code == "not_a_reviewer"
    own = refusal(
        rules.check_submit_peer_review, state, SubmitPeerReview(actor=FP_DEU, document=DOC)
    )
    assert english(own) == "Nobody reviews their own member."


def test_a_peer_review_before_the_stage_is_refused_out_of_turn():
    refused = refusal(
        rules.check_submit_peer_review, fresh(), SubmitPeerReview(actor=FP_FRA, document=DOC)
    )
    assert english(refused) == "The review of Germany is at self assessment, not peer review."


def test_peer_review_deadlines_start_when_the_stage_is_entered():
    state = in_peer_review()
    due = NOW + timedelta(days=30)
    assert all(slot.deadline and slot.deadline.due == due for slot in state.reviewers)
    assert rules.waiting_for(state) == (Waiting.PEER_REVIEWS, due)


# ---------------------------------------------------------------- answers


def answered_state() -> ReviewState:
    state = in_peer_review()
    for slot in state.reviewers:
        slot.status, slot.document, slot.recommendations = ReviewerStatus.SUBMITTED, DOC, 1
    rules.open_answers(state, context())
    return state


def test_the_member_answers_its_peer_recommendations_and_unanswered_ones_stand_as_noted():
    state = answered_state()
    assert rules.waiting_for(state) == (Waiting.ANSWERS, NOW + timedelta(days=14))
    command = RespondToRecommendations(
        actor=FP_DEU, responses={"FRA#1": RecommendationResponse.SUPPORTED}
    )
    rules.check_respond(state, context(), command)
    effects = rules.apply_respond(state, context(), command)
    assert effects.unanswered == ["MEX#1", "NAM#1"]
    rules.close_answers(state)
    assert state.noted_by_default == ["MEX#1", "NAM#1"] and state.answers_due is None


def test_an_unknown_recommendation_is_named():
    refused = refusal(
        rules.check_respond,
        answered_state(),
        RespondToRecommendations(actor=FP_DEU, responses={"JPN#4": RecommendationResponse.NOTED}),
    )
    assert english(refused) == "No such peer recommendation: JPN#4."


# ---------------------------------------------------------------- the review troika


def test_the_one_substitution_draws_a_successor_with_its_own_deadline_and_letters():
    state = in_peer_review()
    later = context(NOW + timedelta(days=3))
    command = ReplaceReviewer(actor=FP_DEU, reviewer="MEX")
    rules.check_replace(state, later, command)
    effects = rules.apply_reviewer_change(
        state, later, command, RedrawOutcome(chosen="JPN", relaxed=[])
    )
    successor = rules.slot(state, "JPN", ReviewerStatus.ACTIVE)
    assert successor is not None and successor.replaces == "MEX"
    assert successor.deadline and successor.deadline.due == NOW + timedelta(days=33)
    assert state.replacement_used and state.redraws[-1].seed == rules.redraw_seed(7, "DEU", 1)
    assert [a.kind for a in effects.letters] == [
        LetterKind.REVIEWER_CHANGE,
        LetterKind.REVIEW_REQUEST,
    ]
    assert effects.publish and effects.rearm and effects.redraw == state.redraws[-1]
    twice = refusal(rules.check_replace, state, ReplaceReviewer(actor=FP_DEU, reviewer="FRA"))
    assert english(twice) == "Germany has already used its one substitution of a reviewer."


def test_a_reviewer_that_submitted_cannot_leave_and_the_secretariat_reassigns_a_silent_one():
    state = in_peer_review()
    slot = rules.slot(state, "FRA", ReviewerStatus.ACTIVE)
    assert slot is not None
    slot.status = ReviewerStatus.SUBMITTED
    refused = refusal(rules.check_recuse, state, Recuse(actor=FP_FRA))
    assert english(refused) == "FRA has already submitted its review; it stands."
    rules.check_reassign(state, context(), ReassignReviewer(actor=SECRETARIAT, reviewer="NAM"))
    only_secretariat = refusal(
        rules.check_reassign, state, ReassignReviewer(actor=FP_DEU, reviewer="NAM")
    )
    assert only_secretariat.reason.code == "wrong_role"


# ---------------------------------------------------------------- sign-off, extension, withdrawal


def at_sign_off(round_: int = 1) -> ReviewState:
    state = answered_state()
    rules.close_answers(state)
    rules.enter(state, context(), Stage.CEDAW_CHECK)
    rules.record_cedaw(
        state,
        CedawSummary(
            result_id="c1", sha256="0" * 64, rating=LinkageRating.STRONG, gaps=0, findings=0
        ),
    )
    rules.enter(state, context(), Stage.SIGN_OFF)
    state.round = round_
    return state


def test_the_secretariat_returns_a_review_at_most_until_the_last_round():
    state = at_sign_off()
    back = SignOff(actor=SECRETARIAT, decision=Decision.RETURN_FOR_REVISION, comments="Budget")
    rules.check_sign_off(state, context(), back)
    rules.apply_sign_off(state, context(), back)
    assert refusal(rules.check_sign_off, state, back).reason.code == "decision_taken"
    decision = rules.take_decision(state, context())
    assert decision is back and state.decision is None and state.sign_offs[-1].comments == "Budget"
    assert rules.return_for_revision(state) == 1 and state.round == 2 and state.cedaw is None
    last = at_sign_off(round_=3)
    refused = refusal(rules.check_sign_off, last, back)
    assert english(refused) == (
        "This is round 3 of at most 3: the review can now only be approved or withdrawn."
    )


def test_an_extension_moves_the_deadline_and_clears_the_overdue_flag():
    state = fresh()
    assert state.deadline is not None
    state.deadline.overdue = state.deadline.reminded = True
    state.published_overdue = True
    late = context(NOW + timedelta(days=61))
    command = Extend(actor=SECRETARIAT, by=timedelta(days=14), reason="Elections")
    rules.check_extend(state, late, command)
    effects = rules.apply_extend(state, late, command)
    assert state.deadline.due == NOW + timedelta(days=74) and not state.overdue
    assert state.deadline.remind_at == NOW + timedelta(days=67) and not state.deadline.reminded
    assert effects.publish and effects.rearm
    assert effects.extension is not None and effects.extension.new_deadline == state.deadline.due
    zero = Extend(actor=SECRETARIAT, by=timedelta(0), reason="x")
    assert english(refusal(rules.check_extend, state, zero)) == (
        "An extension must be longer than zero."
    )


def test_while_the_member_answers_an_extension_moves_the_answers_deadline():
    state = answered_state()
    command = Extend(actor=SECRETARIAT, by=timedelta(days=7), reason="Holidays")
    rules.apply_extend(state, context(), command)
    assert state.answers_due == NOW + timedelta(days=21)
    # a review started before the answers window existed extends the reviewers' deadlines
    old = answered_state()
    rules.apply_extend(old, context(patches=Patches(v2=False)), command)
    assert old.answers_due == NOW + timedelta(days=14)


def test_a_withdrawal_is_taken_once():
    state = in_peer_review()
    command = Withdraw(actor=SECRETARIAT, reason="Plan under revision")
    rules.check_withdraw(state, context(), command)
    rules.apply_withdraw(state, context(), command)
    refused = refusal(rules.check_withdraw, state, command)
    assert english(refused) == "The review of Germany is already being withdrawn."


# ---------------------------------------------------------------- notices


def test_reminder_then_overdue_notice_each_once_per_deadline():
    state = fresh()
    first = rules.next_notice(state)
    assert first is not None and first.kind is LetterKind.REMINDER
    assert first.when == NOW + timedelta(days=53)
    rules.notice_sent(first)
    second = rules.next_notice(state)
    assert second is not None and second.kind is LetterKind.OVERDUE
    rules.notice_sent(second)
    assert rules.next_notice(state) is None and state.overdue


def test_at_sign_off_notices_go_to_the_secretariat():
    state = at_sign_off()
    notice = rules.next_notice(state)
    assert notice is not None
    assert rules.notice_letter(state, notice).addressee is Addressee.SECRETARIAT


# ---------------------------------------------------------------- signatures


def signed_state(ring: Signer) -> ReviewState:
    return fresh(trusted_keys=ring.public_keys())


def test_a_signed_step_is_taken_once_and_an_unsigned_or_stale_one_never():
    ring = Signer.ephemeral()
    state = signed_state(ring)
    command = ring.sign(
        "submit_self_assessment",
        WORKFLOW_ID,
        SubmitSelfAssessment(actor=FP_DEU, document=DOC),
        at=NOW,
    )
    rules.check_submit_self_assessment(state, context(), command)
    rules.remember_nonce(state, context(), command)
    assert refusal(rules.check_submit_self_assessment, state, command).reason.code == "sent_twice"
    unsigned = SubmitSelfAssessment(actor=FP_DEU, document=DOC)
    assert refusal(rules.check_submit_self_assessment, state, unsigned).reason.code == "unsigned"
    stale = context(NOW + timedelta(hours=1))
    fresh_state = signed_state(ring)
    fresh_state.trusted_keys = state.trusted_keys
    assert (
        refusal(rules.check_submit_self_assessment, fresh_state, command, stale).reason.code
        == "stale_signature"
    )


def test_a_step_signed_for_another_review_does_not_hold():
    ring = Signer.ephemeral()
    state = signed_state(ring)
    elsewhere = ring.sign(
        "submit_self_assessment",
        "review-2027-FRA",
        SubmitSelfAssessment(actor=FP_DEU, document=DOC),
        at=NOW,
    )
    refused = refusal(rules.check_submit_self_assessment, state, elsewhere)
    assert refused.reason.code == "bad_signature"


def test_key_rotation_keeps_one_key_and_a_key_never_retires_itself():
    ring = Signer.ephemeral()
    state = signed_state(ring)
    (key_id,) = state.trusted_keys
    retire = ring.sign(
        "distrust_key", WORKFLOW_ID, DistrustKey(actor=SECRETARIAT, key_id=key_id), at=NOW
    )
    assert refusal(rules.check_distrust_key, state, retire).reason.code == "key_retires_itself"
    trust = ring.sign(
        "trust_key",
        WORKFLOW_ID,
        TrustKey(actor=SECRETARIAT, key_id="k2", public_key="ab" * 32),
        at=NOW,
    )
    rules.check_trust_key(state, context(), trust)
    rules.apply_trust_key(state, context(), trust)
    assert state.trusted_key_ids == sorted([key_id, "k2"])


# ---------------------------------------------------------------- what others read


def test_the_projection_carries_deadlines_and_slots_since_the_read_model():
    state = in_peer_review()
    shown = rules.projection(state, context())
    assert shown.stage is Stage.PEER_REVIEW and shown.at == NOW
    assert [s.member for s in shown.reviewers or []] == ["FRA", "MEX", "NAM"]
    older = rules.projection(state, context(patches=Patches(read_model=False)))
    assert older.reviewers is None and older.at is None


def test_a_carried_state_keeps_everything_but_old_refusals():
    state = in_peer_review()
    for n in range(rules.REFUSALS_CARRIED + 5):
        rules.record_refusal(
            state,
            context(),
            "extend",
            "p-x",
            refusal(
                rules.check_extend, state, Extend(actor=SECRETARIAT, by=timedelta(0), reason=str(n))
            ).reason,
        )
    carried = rules.carried(state)
    assert len(carried.rejected) == rules.REFUSALS_CARRIED and carried.runs == 2
    assert carried.reviewers == state.reviewers and carried.deadline == state.deadline
    assert ReviewState.model_validate(carried.model_dump(mode="json")) == carried
