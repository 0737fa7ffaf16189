"""Sending a letter: resolve who and what from the store, render, store once, file a copy.

The workflow names the letter by reference (member codes, document ids); this activity reads
the bodies, so that history carries ids and digests only. The focal point is resolved when the
letter is written, so a change of focal point mid-cycle reaches the right person.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from temporalio import activity

from letters.context import (
    CycleSummaryData,
    GapCount,
    LetterContext,
    MemberRating,
    Person,
    ReviewedBy,
    ReviewerChange,
)
from letters.render import render_letter
from schemas.cedaw import LinkageRating, Severity
from schemas.letters import Addressee, LetterKind, LetterRef, LetterRequest
from schemas.members import Member, MemberKind
from schemas.review import Stage
from schemas.submissions import PeerReview, RecommendationResponse, SelfAssessment
from store.repository import Store
from workflows import contract

SECRETARIAT_NAME = "UN Women, secretariat of the WPS Focal Points Network"


_MISSIONS = {
    "en": (
        "Permanent Mission of {name} to the United Nations",
        "Delegation of the {name} to the United Nations",
    ),
    "fr": (
        "Mission permanente de {name} auprès de l'Organisation des Nations Unies",
        "Délégation de {name} auprès de l'Organisation des Nations Unies",
    ),
    "es": (
        "Misión Permanente de {name} ante las Naciones Unidas",
        "Delegación de {name} ante las Naciones Unidas",
    ),
}


def mission_of(member: Member, language: str = "en") -> str:
    """The member's mission in New York, in the letter's language (copied on every letter)."""
    state, organisation = _MISSIONS.get(language, _MISSIONS["en"])
    template = organisation if member.kind is MemberKind.REGIONAL_ORGANIZATION else state
    return template.format(name=member.name)


class LetterActivities:
    def __init__(self, store: Store, letters_dir: Path) -> None:
        self.store = store
        self.letters_dir = letters_dir

    @activity.defn(name=contract.SEND_LETTER)
    def send_letter(self, request: LetterRequest) -> LetterRef:
        """Render and store the letter once per idempotency key; a retry returns the stored one."""
        key = request.idempotency_key
        row = self.store.find_letter(key)
        if row is None:
            context = self.context_for(request)
            rendered = render_letter(context)
            row, created = self.store.store_letter(
                key,
                kind=request.kind.value,
                cycle_id=request.cycle,
                member_code=request.member,
                round=request.round,
                recipient=context.recipient.email,
                recipient_name=context.recipient.name,
                copy_to=context.copy_to,
                language=rendered.language.value,
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
                sha256=rendered.sha256,
                template=rendered.template,
                template_version=rendered.template_version,
                inputs_sha256=rendered.inputs_sha256,
            )
            if created:
                self._file(request, row.id, rendered.text, rendered.html)
        return LetterRef(
            id=row.id, kind=LetterKind(row.kind), recipient=row.recipient, sha256=row.sha256
        )

    def _file(self, request: LetterRequest, letter_id: str, text: str, html: str) -> None:
        """A copy on disk, one folder per cycle and member, for people who just want to read."""
        folder = self.letters_dir / _safe(request.cycle) / _safe(request.member)
        folder.mkdir(parents=True, exist_ok=True)
        stem = (
            f"{request.kind.value}-round{request.round}-{_safe(request.recipient_key)}-{letter_id}"
        )
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
        (folder / f"{stem}.html").write_text(html, encoding="utf-8")

    # --- resolving the context ---

    def context_for(self, request: LetterRequest) -> LetterContext:
        store = self.store
        member = store.get_member(request.member)
        recipient_member = (
            store.get_member(request.recipient_member) if request.recipient_member else None
        )
        addressed = recipient_member or member
        copy_to: list[str] = []
        if request.addressee is Addressee.SECRETARIAT or request.kind is LetterKind.CYCLE_SUMMARY:
            recipient = Person(name=SECRETARIAT_NAME, email=store.secretariat_email())
            language = member.language if request.kind is not LetterKind.CYCLE_SUMMARY else None
        else:
            recipient, copy_to = self._focal_point(addressed)
            language = addressed.language
            if request.kind is LetterKind.OVERDUE:
                copy_to.append(SECRETARIAT_NAME)
        body = self._documents(request)
        return LetterContext(
            kind=request.kind,
            language=language or "en",
            cycle=request.cycle,
            date=datetime.now(UTC).date(),
            member=member,
            recipient=recipient,
            recipient_member=recipient_member,
            addressee=request.addressee,
            copy_to=copy_to,
            chair=store.get_member(request.chair),
            round=request.round,
            stage=Stage(request.stage) if request.stage else Stage.SELF_ASSESSMENT,
            deadline=date.fromisoformat(request.deadline) if request.deadline else None,
            reason=request.reason,
            comments=request.comments,
            reviewers=store.get_members(request.reviewers),
            previous_reviewer=(
                store.get_member(request.previous_reviewer) if request.previous_reviewer else None
            ),
            new_reviewer=store.get_member(request.new_reviewer) if request.new_reviewer else None,
            reviewer_change=(
                ReviewerChange(request.reason)
                if request.kind is LetterKind.REVIEWER_CHANGE and request.reason
                else None
            ),
            responses={k: RecommendationResponse(v) for k, v in request.responses.items()},
            summary=(
                self._cycle_summary(request.cycle)
                if request.kind is LetterKind.CYCLE_SUMMARY
                else None
            ),
            **body,
        )

    def _focal_point(self, member: Member) -> tuple[Person, list[str]]:
        focal_points = self.store.focal_points(member.code)
        copy_to = [mission_of(member, member.language.value)]
        if not focal_points:
            return Person(name=f"The WPS focal point of {member.name}", email=""), copy_to
        primary = focal_points[0]
        return (
            Person(
                name=primary.name,
                title=primary.title,
                ministry=primary.ministry,
                email=primary.email,
            ),
            copy_to,
        )

    def _documents(self, request: LetterRequest) -> dict[str, object]:
        found: dict[str, object] = {}
        if request.self_assessment_id:
            _row, body = self.store.get_document(request.self_assessment_id)
            found["self_assessment"] = SelfAssessment.model_validate(body)
        reviews = []
        for document_id in request.peer_review_ids:
            row, body = self.store.get_document(document_id)
            reviewer = self.store.get_member(row.reviewer_code or "")
            reviews.append(ReviewedBy(reviewer=reviewer, review=PeerReview.model_validate(body)))
        found["peer_reviews"] = reviews
        if request.cedaw_result_id:
            found["cedaw"] = self.store.get_cedaw_result(request.cedaw_result_id)
        return found

    def _cycle_summary(self, cycle: str) -> CycleSummaryData:
        members = {m.code: m for m in self.store.get_members(self.store.cycle_members(cycle))}
        reviews = self.store.reviews(cycle)
        stages: Counter[Stage] = Counter(Stage(r.stage) for r in reviews)
        results = self.store.cedaw_results_for_cycle(cycle)
        gaps: Counter[str] = Counter()
        examples: dict[str, str] = {}
        for result in results.values():
            for finding in result.findings:
                if finding.severity is Severity.GAP:
                    gaps[finding.code] += 1
                    examples.setdefault(finding.code, finding.message)
        return CycleSummaryData(
            total_members=len(members),
            stages=dict(stages),
            overdue=[members[r.member_code] for r in reviews if r.overdue],
            cedaw_ratings=[
                MemberRating(member=members[code], rating=LinkageRating(result.rating))
                for code, result in sorted(results.items())
                if code in members
            ],
            common_gaps=[
                GapCount(code=code, count=count, example=examples[code])
                for code, count in gaps.most_common(5)
            ],
        )


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)
