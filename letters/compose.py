"""What a letter says and to whom, composed from the store (DESIGN §7): the addressee (the
focal point of the member the letter is for, found when it is written, so a change of focal
point mid-cycle reaches the right person; or the secretariat), the names and addresses in copy,
the documents it quotes, and the cycle summary's figures.

A workflow names a letter by reference (member codes, document ids); this module reads the
bodies, so that history carries ids and digests only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from napreview.i18n.names import name_forms
from napreview.i18n.translator import translator
from napreview.letters.addresses import members_in_copy, mission_of, secretariat_name
from napreview.letters.context import (
    CedawFigures,
    CommentQuote,
    CycleSummaryData,
    LetterContext,
    Person,
    ReviewedBy,
    ReviewerChange,
)
from napreview.letters.render import RenderedLetter
from napreview.schemas.delivery import DeliveryState
from napreview.schemas.letters import Addressee, LetterKind, LetterRequest
from napreview.schemas.members import FocalPoint, Language, Location, Member
from napreview.schemas.network import cycle_year
from napreview.schemas.review import Stage
from napreview.schemas.submissions import PeerReview, RecommendationResponse, SelfAssessment
from napreview.settings import DEFAULT_PORTAL_URL, Settings
from napreview.store.letters import NewLetter
from napreview.store.records import Store

SECRETARIAT = "secretariat"
REFERENCE_PREFIX = "WPS-FPN"
# The number of each kind in a letter's reference, fixed once: a new kind takes a new number,
# so that references already printed keep meaning the same letter.
_KIND_NUMBER = {
    LetterKind.INVITATION: 1,
    LetterKind.REMINDER: 2,
    LetterKind.OVERDUE: 3,
    LetterKind.REVIEW_REQUEST: 4,
    LetterKind.REVIEWER_CHANGE: 5,
    LetterKind.RETURNED: 6,
    LetterKind.FINAL_FEEDBACK: 7,
    LetterKind.WITHDRAWAL: 8,
    LetterKind.CYCLE_SUMMARY: 9,
    LetterKind.COMMENT: 10,
    LetterKind.REPORT_REMINDER: 11,
    LetterKind.REPORT_OVERDUE: 12,
}


@dataclass(frozen=True)
class Sender:
    """What an installation says of itself in every letter: the portal's address the letters
    link to, and who signs them (a name, and a title per language; without a name the
    secretariat signs)."""

    portal_url: str = DEFAULT_PORTAL_URL
    signatory: str | None = None
    titles: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> Sender:
        return cls(
            portal_url=settings.portal_url,
            signatory=(settings.letter_signatory or "").strip() or None,
            titles=settings.letter_signatory_title,
        )

    def title(self, language: Language) -> str | None:
        """The signatory's title in the letter's language; None: the secretariat's own."""
        return self.titles.get(language.value) if self.signatory else None


@dataclass(frozen=True)
class Composed:
    """A letter's context, and what its envelope needs besides: the addresses in copy (not
    shown in the letter) and the member whose focal point it is addressed to (None: the
    secretariat)."""

    context: LetterContext
    cc: list[str]
    recipient_member: str | None


def addressee_key(request: LetterRequest) -> str:
    """Whose focal point receives the letter (a member code; the Chair for the cycle summary),
    or "secretariat": what history keeps of the addressee."""
    if request.kind is LetterKind.CYCLE_SUMMARY:
        return request.member
    if request.addressee is Addressee.SECRETARIAT:
        return SECRETARIAT
    return request.recipient_member or request.member


def reference(request: LetterRequest) -> str:
    """The letter's reference number, the same every time the letter is written and one per
    stored letter (it follows the letter's idempotency key): the cycle, the member reviewed,
    the kind's number, the round after the first, what tells apart letters sent again, and the
    recipient when it is not the member reviewed ("WPS-FPN/2027/SEN/04/MLI": the review
    request to Mali)."""
    number = f"{_KIND_NUMBER[request.kind]:02d}"
    if request.kind is LetterKind.CYCLE_SUMMARY:
        return f"{REFERENCE_PREFIX}/{request.cycle}/{number}"
    if request.round > 1:
        number += f"-{request.round}"
    number += _occasion_mark(request.occasion)
    found = f"{REFERENCE_PREFIX}/{request.cycle}/{request.member}/{number}"
    recipient = request.recipient_key
    if recipient != request.member:
        found += "/SEC" if recipient == SECRETARIAT else f"/{recipient}"
    return found


def _occasion_mark(occasion: str) -> str:
    """What tells apart two letters of one kind, round and recipient in the reference: the
    deadline a reminder is about (20270402), or the reviewer who left (a reviewer change)."""
    if not occasion:
        return ""
    leaving, arrow, _ = occasion.partition("->")
    return f"-{leaving}" if arrow else f"-{occasion.replace('-', '')}"


def compose(
    store: Store, request: LetterRequest, today: date, sender: Sender | None = None
) -> Composed:
    """The letter's context, dated ``today``, with its envelope."""
    sender = sender or Sender()
    year = cycle_year(request.cycle)
    chair_codes = store.chairs.of_year(year) if year is not None else ()
    codes = {request.member, request.chair, *request.reviewers, *chair_codes}
    codes |= {c for c in (request.recipient_member, request.previous_reviewer) if c}
    codes |= {request.new_reviewer} if request.new_reviewer else set()
    members = {m.code: m for m in store.members.get_many(sorted(codes))}
    member = members[request.member]
    chair = members[request.chair]
    recipient_member = members[request.recipient_member] if request.recipient_member else None
    addressee = request.addressee
    cc: list[str] = []
    copy_to: list[str] = []
    if request.kind is LetterKind.CYCLE_SUMMARY:
        language = chair.language
        recipient, _ = _focal_point(store, chair, language)
        copy_to = [members_in_copy(language, request.cycle)]
        cc = _cycle_members_emails(store, request.cycle, exclude=recipient.email)
        addressee = Addressee.FOCAL_POINT
    elif addressee is Addressee.SECRETARIAT:
        language = member.language
        recipient = Person(name=secretariat_name(language), email=store.people.secretariat_email())
    else:
        addressed = recipient_member or member
        language = addressed.language
        recipient, mission = _focal_point(store, addressed, language)
        # A copy is named only when the email carries it: the mission's address is recorded.
        if mission is not None:
            copy_to = [mission_of(addressed, language) or mission.name]
            cc = [mission.email]
        # The member's deputy focal points are copied: they act for it with the same rights.
        as_deputy = translator(language.value).gettext("deputy focal point")
        for deputy in store.deputies.active(addressed.code):
            copy_to.append(f"{deputy.name}, {as_deputy}")
            cc.append(deputy.email)
        if request.kind in (LetterKind.OVERDUE, LetterKind.REPORT_OVERDUE):
            copy_to.append(secretariat_name(language))
            cc.append(store.people.secretariat_email())
    context = LetterContext(
        kind=request.kind,
        language=language,
        cycle=request.cycle,
        date=today,
        member=member,
        recipient=recipient,
        recipient_member=recipient_member,
        addressee=addressee,
        copy_to=copy_to,
        chair=chair,
        chairs=[members[c] for c in chair_codes],
        round=request.round,
        stage=Stage(request.stage) if request.stage else Stage.SELF_ASSESSMENT,
        deadline=date.fromisoformat(request.deadline) if request.deadline else None,
        reason=request.reason,
        comments=request.comments,
        reviewers=[members[c] for c in request.reviewers],
        previous_reviewer=(
            members[request.previous_reviewer] if request.previous_reviewer else None
        ),
        new_reviewer=members[request.new_reviewer] if request.new_reviewer else None,
        reviewer_change=(
            ReviewerChange(request.reason)
            if request.kind is LetterKind.REVIEWER_CHANGE and request.reason
            else None
        ),
        responses={k: RecommendationResponse(v) for k, v in request.responses.items()},
        recommendation_set=store.cycles.recommendation_set(request.cycle),
        summary=(
            cycle_summary(store, request.cycle)
            if request.kind is LetterKind.CYCLE_SUMMARY
            else None
        ),
        comment=_comment(store, request.comment_id) if request.comment_id else None,
        portal_url=sender.portal_url,
        reference=reference(request),
        signatory=sender.signatory,
        signatory_title=sender.title(language),
        **_documents(store, request),
    )
    key = addressee_key(request)
    return Composed(context, cc, None if key == SECRETARIAT else key)


def new_letter(request: LetterRequest, composed: Composed, rendered: RenderedLetter) -> NewLetter:
    """The rendered letter as the store keeps it, queued for delivery."""
    return NewLetter(
        kind=request.kind.value,
        cycle_id=request.cycle,
        member_code=request.member,
        round=request.round,
        recipient=composed.context.recipient.email,
        recipient_name=composed.context.recipient.name,
        recipient_member=composed.recipient_member,
        copy_to=composed.context.copy_to,
        cc=composed.cc,
        language=rendered.language.value,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        sha256=rendered.sha256,
        template=rendered.template,
        template_version=rendered.template_version,
        inputs_sha256=rendered.inputs_sha256,
        delivery_state=DeliveryState.QUEUED.value,
    )


def _focal_point(store: Store, member: Member, language: Language) -> tuple[Person, Person | None]:
    """The member's focal point in the capital (the addressee), and its focal point at the
    Permanent Mission in New York when one is recorded beside it (copied)."""
    focal_points = store.focal_points.active(member.code)
    capital = [f for f in focal_points if f.location is Location.CAPITAL]
    mission = [f for f in focal_points if f.location is Location.NEW_YORK_MISSION]
    primary = (capital or mission)[0] if capital or mission else None
    copied = _person(mission[0]) if mission and mission[0] is not primary else None
    if primary is None:
        name = mission_of(member, language) or name_forms(member, language).short
        return Person(name=name, email=""), None
    return _person(primary), copied


def _person(fp: FocalPoint) -> Person:
    return Person(
        name=fp.name,
        title=fp.title,
        ministry=fp.ministry,
        email=fp.email,
        honorific=fp.honorific,
        rank=fp.rank,
        family_name=fp.family_name,
    )


def _cycle_members_emails(store: Store, cycle: str, exclude: str) -> list[str]:
    by_member = store.focal_points.active_of(store.cycles.members(cycle))
    emails = [fps[0].email for fps in by_member.values() if fps]
    return sorted({e for e in emails if e and e != exclude})


def _comment(store: Store, comment_id: int) -> CommentQuote:
    comment = store.comments.get(comment_id)
    author = comment.author
    email = store.people.emails([author.ref]).get(author.ref, author.ref)
    served = store.deputies.periods([email]).get(email, ())
    return CommentQuote(
        author=email,
        author_member=store.members.get(author.member) if author.member else None,
        deputy=bool(author.member)
        and any(d.served(author.member or "", comment.at.date()) for d in served),
        text=comment.text,
    )


def _documents(store: Store, request: LetterRequest) -> dict[str, object]:
    found: dict[str, object] = {}
    if request.self_assessment_id:
        document = store.documents.get(request.self_assessment_id)
        found["self_assessment"] = SelfAssessment.model_validate(document.body)
    documents = [store.documents.get(i) for i in request.peer_review_ids]
    reviewers = store.members.get_many([d.reviewer or "" for d in documents])
    found["peer_reviews"] = [
        ReviewedBy(reviewer=reviewer, review=PeerReview.model_validate(d.body))
        for reviewer, d in zip(reviewers, documents, strict=True)
    ]
    if request.cedaw_result_id:
        found["cedaw"] = store.cedaw.get(request.cedaw_result_id)
    return found


def cycle_summary(store: Store, cycle: str) -> CycleSummaryData:
    """The figures of the cycle summary: reviews per stage, those overdue, and the CEDAW
    checks in figures only (no member's rating named: issue #18)."""
    members = {m.code: m for m in store.members.get_many(store.cycles.members(cycle))}
    reviews = store.reviews.of_cycle(cycle)
    stages: Counter[Stage] = Counter(r.stage for r in reviews)
    results = store.cedaw.latest_of_cycle(cycle)
    return CycleSummaryData(
        total_members=len(members),
        stages=dict(stages),
        overdue=[members[r.member] for r in reviews if r.overdue],
        cedaw=CedawFigures.of(result for code, result in results.items() if code in members),
    )
