"""Sending a letter: resolve who and what from the store, render, store once, file a copy, and
start its delivery.

The workflow names the letter by reference (member codes, document ids); this activity reads
the bodies, so that history carries ids and digests only. The focal point is resolved when the
letter is written, so a change of focal point mid-cycle reaches the right person. Delivery runs
in a workflow of its own (``deliver-<letter id>``), so that a mail outage never holds up a review
and the review workflows' histories stay as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from napreview.activities.review import cycle_recommendation_set
from napreview.letters.addresses import (
    SECRETARIAT_NAMES,
    members_in_copy,
    mission_of,
    secretariat_name,
)
from napreview.letters.context import (
    CedawFigures,
    CycleSummaryData,
    LetterContext,
    Person,
    ReviewedBy,
    ReviewerChange,
)
from napreview.letters.files import (
    ensure_file,
    letter_stem,
    safe,
    sha256_text,
)
from napreview.letters.render import render_letter
from napreview.schemas.delivery import (
    DELIVERY_WORKFLOW,
    DeliveryRequest,
    DeliveryState,
    delivery_workflow_id,
)
from napreview.schemas.letters import (
    Addressee,
    LetterKind,
    LetterRef,
    LetterRequest,
)
from napreview.schemas.members import (
    FocalPoint,
    Language,
    Location,
    Member,
)
from napreview.schemas.review import Stage
from napreview.schemas.submissions import PeerReview, RecommendationResponse, SelfAssessment
from napreview.store.models import LetterRow
from napreview.store.repository import Store
from napreview.workflows import contract

# The secretariat as English letters name it in copy (overdue notices).
SECRETARIAT_NAME = SECRETARIAT_NAMES[Language.EN]


def _today() -> date:
    return datetime.now(UTC).date()


class LetterActivities:
    """``client`` and ``task_queue`` let the activity start each letter's delivery; without a
    client (the activity tested alone) letters are stored and filed, and stay queued."""

    def __init__(
        self,
        store: Store,
        letters_dir: Path,
        client: Client | None = None,
        task_queue: str | None = None,
        clock: Callable[[], date] = _today,
    ) -> None:
        self.store = store
        self.letters_dir = letters_dir
        self.client = client
        self.task_queue = task_queue
        self.clock = clock

    @activity.defn(name=contract.SEND_LETTER)
    async def send_letter(self, request: LetterRequest) -> LetterRef:
        """Render and store the letter once per idempotency key (a retry finds the stored one),
        make its files right, and start its delivery once."""
        row = await asyncio.to_thread(self.store_and_file, request)
        if self.client is not None and row.delivery_state == DeliveryState.QUEUED.value:
            await self._start_delivery(row.id)
        # History names the addressee by member code (or "secretariat"), not by address.
        return LetterRef(
            id=row.id,
            kind=LetterKind(row.kind),
            recipient=self.addressee_key(request, row),
            sha256=row.sha256,
        )

    def addressee_key(self, request: LetterRequest, row: LetterRow) -> str:
        """Whose focal point received the letter (a member code), or "secretariat"."""
        if request.kind is LetterKind.CYCLE_SUMMARY:
            return request.member  # the Chair
        if request.addressee is Addressee.SECRETARIAT:
            return "secretariat"
        return request.recipient_member or request.member

    def store_and_file(self, request: LetterRequest) -> LetterRow:
        key = request.idempotency_key
        row = self.store.find_letter(key)
        if row is None:
            context, cc = self.resolve(request)
            rendered = render_letter(context)
            row, _created = self.store.store_letter(
                key,
                kind=request.kind.value,
                cycle_id=request.cycle,
                member_code=request.member,
                round=request.round,
                recipient=context.recipient.email,
                recipient_name=context.recipient.name,
                copy_to=context.copy_to,
                cc=cc,
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
        # Checked on every attempt: a file left wrong by a full or read-only disk is rewritten.
        file_letter(self.letters_dir, row)
        return row

    async def _start_delivery(self, letter_id: str) -> None:
        assert self.client is not None
        # A retried attempt finds the delivery under way or done: id reuse is rejected.
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await self.client.start_workflow(
                DELIVERY_WORKFLOW,
                DeliveryRequest(letter_id=letter_id),
                id=delivery_workflow_id(letter_id),
                task_queue=self.task_queue or activity.info().task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )

    # --- resolving the context ---

    def context_for(self, request: LetterRequest) -> LetterContext:
        return self.resolve(request)[0]

    def resolve(self, request: LetterRequest) -> tuple[LetterContext, list[str]]:
        """The letter's context, and the addresses in copy (not shown in the letter)."""
        store = self.store
        codes = {request.member, request.chair, *request.reviewers}
        codes |= {c for c in (request.recipient_member, request.previous_reviewer) if c}
        codes |= {request.new_reviewer} if request.new_reviewer else set()
        members = {m.code: m for m in store.get_members(sorted(codes))}
        member = members[request.member]
        chair = members[request.chair]
        recipient_member = members[request.recipient_member] if request.recipient_member else None
        addressee = request.addressee
        cc: list[str] = []
        copy_to: list[str] = []
        if request.kind is LetterKind.CYCLE_SUMMARY:
            language = chair.language
            recipient, _ = self._focal_point(chair, language)
            copy_to = [members_in_copy(language, request.cycle)]
            cc = self._cycle_members_emails(request.cycle, exclude=recipient.email)
            addressee = Addressee.FOCAL_POINT
        elif addressee is Addressee.SECRETARIAT:
            language = member.language
            recipient = Person(name=secretariat_name(language), email=store.secretariat_email())
        else:
            addressed = recipient_member or member
            language = addressed.language
            recipient, mission_email = self._focal_point(addressed, language)
            copy_to = [mission_of(addressed, language)]
            cc = [mission_email] if mission_email else []
            if request.kind is LetterKind.OVERDUE:
                copy_to.append(secretariat_name(language))
                cc.append(store.secretariat_email())
        body = self._documents(request)
        context = LetterContext(
            kind=request.kind,
            language=language,
            cycle=request.cycle,
            date=self.clock(),
            member=member,
            recipient=recipient,
            recipient_member=recipient_member,
            addressee=addressee,
            copy_to=copy_to,
            chair=chair,
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
            recommendation_set=cycle_recommendation_set(store, request.cycle),
            summary=(
                self._cycle_summary(request.cycle)
                if request.kind is LetterKind.CYCLE_SUMMARY
                else None
            ),
            **body,
        )
        return context, cc

    def _focal_point(self, member: Member, language: Language) -> tuple[Person, str | None]:
        """The member's focal point in the capital (the addressee), and the address of its
        Permanent Mission in New York where a focal point is recorded there (copied)."""
        focal_points = self.store.focal_points(member.code)
        capital = [f for f in focal_points if f.location is Location.CAPITAL]
        mission = [f for f in focal_points if f.location is Location.NEW_YORK_MISSION]
        primary = (capital or mission or [None])[0]
        mission_email = mission[0].email if mission and mission[0] is not primary else None
        if primary is None:
            return Person(name=mission_of(member, language), email=""), None
        return _person(primary), mission_email

    def _cycle_members_emails(self, cycle: str, exclude: str) -> list[str]:
        by_member = self.store.focal_points_of(self.store.cycle_members(cycle))
        emails = [fps[0].email for fps in by_member.values() if fps]
        return sorted({e for e in emails if e and e != exclude})

    def _documents(self, request: LetterRequest) -> dict[str, object]:
        found: dict[str, object] = {}
        if request.self_assessment_id:
            _row, body = self.store.get_document(request.self_assessment_id)
            found["self_assessment"] = SelfAssessment.model_validate(body)
        documents = [self.store.get_document(i) for i in request.peer_review_ids]
        reviewers = self.store.get_members([row.reviewer_code or "" for row, _ in documents])
        found["peer_reviews"] = [
            ReviewedBy(reviewer=reviewer, review=PeerReview.model_validate(body))
            for reviewer, (_row, body) in zip(reviewers, documents, strict=True)
        ]
        if request.cedaw_result_id:
            found["cedaw"] = self.store.get_cedaw_result(request.cedaw_result_id)
        return found

    def _cycle_summary(self, cycle: str) -> CycleSummaryData:
        members = {m.code: m for m in self.store.get_members(self.store.cycle_members(cycle))}
        reviews = self.store.reviews(cycle)
        stages: Counter[Stage] = Counter(Stage(r.stage) for r in reviews)
        results = self.store.cedaw_results_for_cycle(cycle)
        return CycleSummaryData(
            total_members=len(members),
            stages=dict(stages),
            overdue=[members[r.member_code] for r in reviews if r.overdue],
            cedaw=CedawFigures.of(result for code, result in results.items() if code in members),
        )


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


def letter_folder(letters_dir: Path, row: LetterRow) -> Path:
    return letters_dir / safe(row.cycle_id) / safe(row.member_code)


def recipient_key(row: LetterRow) -> str:
    """The recipient part of the letter's idempotency key (review/kind/round/recipient[/…])."""
    parts = row.idempotency_key.split("/")
    return parts[3] if len(parts) > 3 else row.member_code


def file_letter(letters_dir: Path, row: LetterRow) -> list[Path]:
    """The letter's text and HTML files, one folder per cycle and member, made to match the
    store; returns the files that had to be (re)written."""
    folder = letter_folder(letters_dir, row)
    stem = letter_stem(row.kind, row.round, recipient_key(row), row.id)
    written = []
    for suffix, body, digest in (
        (".txt", row.body_text, row.sha256),
        (".html", row.body_html, sha256_text(row.body_html)),
    ):
        path = folder / f"{stem}{suffix}"
        if ensure_file(path, body, digest):
            written.append(path)
    return written
