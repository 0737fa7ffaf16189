"""Reading a review's documents, and the reviewed member's answers to peer recommendations.

The documents a review accepted are the ones its history names (ids and digests); the store
may also hold documents a review refused, so every read goes through the review's state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from temporalio.client import Client

from napreview.schemas.cedaw import CedawResult
from napreview.schemas.members import Actor
from napreview.schemas.refusals import Param
from napreview.schemas.review import (
    RespondToRecommendations,
    ReviewerSlot,
    ReviewState,
    SignOffRecord,
    StepTaken,
)
from napreview.schemas.submissions import (
    DocumentKind,
    PeerReview,
    RecommendationResponse,
    SelfAssessment,
)
from napreview.services import access
from napreview.services.errors import InvalidInput, NotFoundError
from napreview.services.letters import list_for
from napreview.services.refusals import recorded_refusals, require_secretariat
from napreview.services.steps import read_json, review_state, review_step
from napreview.store.records import Store


class DocumentView(BaseModel):
    """One accepted document with where it belongs; ``body`` is the submitted JSON."""

    cycle: str
    member: str
    kind: DocumentKind
    round: int | None = None
    reviewer: str | None = None
    id: str
    sha256: str
    submitted_at: datetime
    body: dict[str, Any]


class PeerRecommendationView(BaseModel):
    key: str
    reviewer: str
    number: int
    text: str
    response: RecommendationResponse | None = None


class PeerReviewView(BaseModel):
    reviewer: str
    status: str
    overdue: bool
    deadline: datetime | None
    replaces: str | None
    document: DocumentView | None = None

    @property
    def review(self) -> PeerReview | None:
        return PeerReview.model_validate(self.document.body) if self.document else None


class RefusalView(BaseModel):
    """A refusal: ``reason`` in English; ``code`` and ``params`` (schemas/refusals.py) where
    it was recorded with them."""

    at: datetime
    actor: str
    step: str
    reason: str
    code: str | None = None
    params: dict[str, Param] = Field(default_factory=dict)


class Dossier(BaseModel):
    """Everything about one review that this person may read."""

    state: ReviewState
    self_assessments: list[DocumentView]
    peer_reviews: list[PeerReviewView]
    recommendations: list[PeerRecommendationView]
    cedaw: CedawResult | None
    sign_offs: list[SignOffRecord]
    refusals: list[RefusalView]
    letters: list[dict[str, Any]]

    @property
    def latest_self_assessment(self) -> SelfAssessment | None:
        if not self.self_assessments:
            return None
        return SelfAssessment.model_validate(self.self_assessments[-1].body)

    @property
    def unanswered(self) -> list[PeerRecommendationView]:
        return [r for r in self.recommendations if r.response is None]


def _document(
    store: Store,
    cycle: str,
    member: str,
    kind: DocumentKind,
    document_id: str,
    *,
    round_: int | None = None,
    reviewer: str | None = None,
) -> DocumentView:
    document = store.documents.get(document_id)
    return DocumentView(
        cycle=cycle,
        member=member,
        kind=kind,
        round=round_,
        reviewer=reviewer,
        id=document.id,
        sha256=document.sha256,
        submitted_at=document.created_at,
        body=document.body,
    )


async def show_document(
    client: Client,
    store: Store,
    actor: Actor,
    cycle: str,
    member: str,
    kind: DocumentKind,
    reviewer: str | None = None,
    round_: int | None = None,
) -> DocumentView:
    """One accepted document, if this person may read it (else ReadRefused, recorded)."""
    code = store.members.get(member).code
    if kind is DocumentKind.PEER_REVIEW and reviewer is None and actor.member not in (None, code):
        reviewer = actor.member
    reviewer = store.members.get(reviewer).code if reviewer else None
    access.require_document(store, actor, cycle, code, kind, reviewer)
    state = await review_state(client, cycle, code)
    if kind is DocumentKind.SELF_ASSESSMENT:
        if not state.self_assessments:
            raise NotFoundError(f"{code} has not submitted a self-assessment in cycle {cycle}.")
        number = round_ or len(state.self_assessments)
        if not 1 <= number <= len(state.self_assessments):
            raise NotFoundError(
                f"There is no self-assessment of round {number}; rounds 1 to "
                f"{len(state.self_assessments)} were submitted."
            )
        ref = state.self_assessments[number - 1]
        return _document(store, cycle, code, kind, ref.id, round_=number)
    submitted = [s for s in state.reviewers if s.document is not None]
    if reviewer is None:
        names = ", ".join(s.member for s in submitted) or "none yet"
        raise InvalidInput(f"Say whose peer review with --reviewer (submitted: {names}).")
    slot = next((s for s in submitted if s.member == reviewer), None)
    if slot is None or slot.document is None:
        raise NotFoundError(f"{reviewer} has not submitted a peer review of {code} in {cycle}.")
    return _document(store, cycle, code, kind, slot.document.id, reviewer=reviewer)


def peer_reviews(store: Store, state: ReviewState) -> list[tuple[str, PeerReview]]:
    """The peer reviews the review accepted, with the member that wrote each."""
    return [
        (slot.member, PeerReview.model_validate(store.documents.get(slot.document.id).body))
        for slot in state.reviewers
        if slot.document is not None
    ]


def peer_recommendations(store: Store, state: ReviewState) -> list[PeerRecommendationView]:
    """Every recommendation of the submitted peer reviews, keyed '<reviewer>#<n>' as the
    review's respond step expects, with the member's answer so far."""
    return [
        PeerRecommendationView(
            key=f"{reviewer}#{n}",
            reviewer=reviewer,
            number=n,
            text=text,
            response=state.responses.get(f"{reviewer}#{n}"),
        )
        for reviewer, review in peer_reviews(store, state)
        for n, text in enumerate(review.recommendations, start=1)
    ]


def cedaw_result(store: Store, result_id: str) -> CedawResult:
    """A stored CEDAW check (the history names it by id)."""
    return store.cedaw.get(result_id)


def _peer_view(
    store: Store, actor: Actor, cycle: str, member: str, slot: ReviewerSlot
) -> PeerReviewView:
    document = None
    if slot.document is not None and access.can_read_document(
        store, actor, cycle, member, DocumentKind.PEER_REVIEW, slot.member
    ):
        document = _document(
            store, cycle, member, DocumentKind.PEER_REVIEW, slot.document.id, reviewer=slot.member
        )
    return PeerReviewView(
        reviewer=slot.member,
        status=slot.status.value,
        overdue=slot.overdue,
        deadline=slot.deadline.due if slot.deadline else None,
        replaces=slot.replaces,
        document=document,
    )


async def dossier(client: Client, store: Store, actor: Actor, cycle: str, member: str) -> Dossier:
    """The whole review as this person may see it (ReadRefused, recorded, when they may not).
    The store is read in a worker thread: the portal's event loop serves other people meanwhile."""
    code = await asyncio.to_thread(_readable_review, store, actor, cycle, member)
    state = await review_state(client, cycle, code)
    return await asyncio.to_thread(_dossier, store, actor, cycle, code, state)


def _readable_review(store: Store, actor: Actor, cycle: str, member: str) -> str:
    code = store.members.get(member).code
    access.require_review(store, actor, cycle, code)
    return code


def _dossier(store: Store, actor: Actor, cycle: str, code: str, state: ReviewState) -> Dossier:
    own_or_all = access.reads_everything(actor) or actor.member == code
    self_assessments = []
    if access.can_read_document(store, actor, cycle, code, DocumentKind.SELF_ASSESSMENT):
        self_assessments = [
            _document(store, cycle, code, DocumentKind.SELF_ASSESSMENT, ref.id, round_=n)
            for n, ref in enumerate(state.self_assessments, start=1)
        ]
    cedaw = store.cedaw.get(state.cedaw.result_id) if state.cedaw and own_or_all else None
    refusals: list[RefusalView] = []
    if access.reads_everything(actor):
        refusals = [RefusalView(**r.model_dump()) for r in state.rejected]
        refusals += [
            RefusalView(
                at=r.at,
                actor=r.actor,
                step=r.step,
                reason=r.reason,
                code=r.why.code if r.why else None,
                params=r.why.params if r.why else {},
            )
            for r in recorded_refusals(store, cycle, code)
        ]
        refusals.sort(key=lambda r: r.at)
    letters = [
        {
            "id": r.id,
            "kind": r.kind,
            "round": r.round,
            "recipient": r.recipient,
            "language": r.language,
            "subject": r.subject,
            "created_at": r.created_at,
        }
        for r in list_for(store, actor, cycle=cycle, member=code)
    ]
    return Dossier(
        state=state,
        self_assessments=self_assessments,
        peer_reviews=[_peer_view(store, actor, cycle, code, s) for s in state.reviewers],
        recommendations=peer_recommendations(store, state) if own_or_all else [],
        cedaw=cedaw,
        sign_offs=list(state.sign_offs) if own_or_all else [],
        refusals=refusals,
        letters=letters,
    )


def parse_responses(
    supported: list[str], noted: list[str], document: dict[str, Any] | None = None
) -> dict[str, RecommendationResponse]:
    """Answers from ``--supported``/``--noted`` lists or from a JSON file shaped either
    ``{"FRA#1": "supported", ...}`` or ``{"supported": [...], "noted": [...]}``."""
    answers: dict[str, RecommendationResponse] = {}

    def put(key: str, response: RecommendationResponse) -> None:
        key = key.strip()
        if not key:
            return
        if key in answers and answers[key] is not response:
            raise InvalidInput(f"{key} is given as both supported and noted.")
        answers[key] = response

    if document is not None:
        if set(document) <= {"supported", "noted"}:
            for name in ("supported", "noted"):
                values = document.get(name, [])
                if not isinstance(values, list):
                    raise InvalidInput(f"{name}: give a list of recommendation keys.")
                for key in values:
                    put(str(key), RecommendationResponse(name))
        else:
            for key, value in document.items():
                try:
                    put(key, RecommendationResponse(value))
                except ValueError:
                    raise InvalidInput(f"{key}: answer 'supported' or 'noted'.") from None
    for key in supported:
        put(key, RecommendationResponse.SUPPORTED)
    for key in noted:
        put(key, RecommendationResponse.NOTED)
    if not answers:
        raise InvalidInput("No answers given: --supported KEYS and/or --noted KEYS, or a FILE.")
    return answers


def read_responses_file(path: Path) -> dict[str, Any]:
    value = read_json(path)
    if not isinstance(value, dict):
        raise InvalidInput(f"{path}: expected an object of answers.")
    return value


async def respond(
    client: Client,
    store: Store,
    cycle: str,
    member: str,
    actor: Actor,
    responses: dict[str, RecommendationResponse],
) -> StepTaken:
    """The reviewed member marks peer recommendations supported or noted (the UPR way)."""
    code = (await asyncio.to_thread(store.members.get, member)).code
    return await review_step(
        client,
        store,
        cycle,
        code,
        "respond_to_recommendations",
        RespondToRecommendations(actor=actor, responses=responses),
    )


# --------------------------------------------------------------------------- drafts


def draft(
    store: Store, email: str, cycle: str, member: str, kind: str
) -> tuple[dict[str, Any], datetime] | None:
    """The person's draft of a document of this review (its values, when saved), if any."""
    return store.drafts.get(email, cycle, member, kind)


def save_draft(
    store: Store, email: str, cycle: str, member: str, kind: str, values: dict[str, Any]
) -> datetime:
    return store.drafts.save(email, cycle, member, kind, values)


def drop_draft(store: Store, email: str, cycle: str, member: str, kind: str) -> None:
    store.drafts.drop(email, cycle, member, kind)


# Long enough for any step still on its way to its review (a worker down for a weekend).
SWEEP_GRACE = timedelta(days=7)


# Which documents a review holds, or None when it cannot say (no worker, the server away).
HeldBy = Callable[[str, str], Awaitable[frozenset[str] | None]]


def held_by_reviews(client: Client, wait: timedelta = timedelta(seconds=10)) -> HeldBy:
    """Asks each review which documents it holds (see :func:`held_by`)."""

    async def documents(cycle: str, member: str) -> frozenset[str]:
        return (await review_state(client, cycle, member)).documents_held()

    return held_by(documents, wait)


def held_by(ask: Callable[[str, str], Awaitable[frozenset[str]]], wait: timedelta) -> HeldBy:
    """``ask`` a workflow which files it holds: one that does not exist holds none; one that
    does not answer within ``wait`` is left alone (its files kept until a later sweep)."""

    async def held(cycle: str, member: str) -> frozenset[str] | None:
        try:
            return await asyncio.wait_for(ask(cycle, member), wait.total_seconds())
        except NotFoundError:
            return frozenset()
        except Exception:  # any failure to answer keeps the files; nothing is guessed
            return None

    return held


@dataclass(frozen=True)
class Answers:
    """What the workflows holding stored files said of them: ``taken`` (they hold them),
    ``doomed`` (they do not), and how many files were kept because their workflow could not be
    asked."""

    taken: list[str]
    doomed: list[str]
    unasked: int


async def ask_holders(stored: Iterable[tuple[str, str, str]], held: HeldBy) -> Answers:
    """Ask each workflow (by cycle and member) once about the files ``stored`` says it may
    hold: (file id, cycle, member) rows."""
    by_holder: dict[tuple[str, str], list[str]] = {}
    for file_id, cycle, member in stored:
        by_holder.setdefault((cycle, member), []).append(file_id)
    taken: list[str] = []
    doomed: list[str] = []
    unasked = 0
    for (cycle, member), ids in by_holder.items():
        holds = await held(cycle, member)
        if holds is None:
            unasked += len(ids)
            continue
        taken += [i for i in ids if i in holds]
        doomed += [i for i in ids if i not in holds]
    return Answers(taken, doomed, unasked)


@dataclass(frozen=True)
class Swept:
    """What a sweep did: removed, found taken by their review (now marked so), and kept
    because their review could not be asked."""

    removed: int
    taken: int
    unasked: int
    before: datetime


async def sweep(store: Store, by: Actor, held: HeldBy, grace: timedelta = SWEEP_GRACE) -> Swept:
    """Remove the documents no review took, stored more than ``grace`` ago (secretariat
    only): a step whose sender gave up or a retry stored them, and nothing reads them.

    The store's mark is not the last word: a front end that died between its review taking a
    document and the store marking it would leave a taken document unmarked. So each review
    with an unmarked document is asked what it holds first."""
    await asyncio.to_thread(require_secretariat, store, by, "sweep_documents")
    before = datetime.now(UTC) - grace
    unmarked = await asyncio.to_thread(store.documents.unmarked, before)
    answers = await ask_holders(unmarked, held)
    for document_id in answers.taken:
        await asyncio.to_thread(store.documents.take, document_id)
    removed = await asyncio.to_thread(store.documents.sweep, answers.doomed, before)
    return Swept(removed, len(answers.taken), answers.unasked, before)
