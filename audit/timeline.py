"""A review's timeline, read from Temporal's event history (DESIGN §8, §10.2 `audit`).

One pass over the history (audit/reader.py) gives the events; the store's refusals are merged in
by time (a refusal an update validator made never reaches history; the command line records it
in the store); the people the events name are looked up in the store once; then each event gets
its sentence (audit/words.py). A refused signal leaves only its arrival in history: what the
workflow made of it comes from a replay (audit/replay.py), and where there is none, the event
says its outcome is not known, and why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

from napreview.audit.model import (
    ACCEPTED,
    PENDING,
    REFUSED,
    UNKNOWN,
    SignalOutcome,
    StoredRefusal,
    Timeline,
    TimelineEvent,
    timeline_digest,
    unresolved,
)
from napreview.audit.reader import NO_REPLAY, REPLAY_FAILED, HistoryReader
from napreview.audit.signatures import SignatureReport, check_signatures
from napreview.audit.words import (
    DEPUTY,
    describe_actor,
    describe_duration,
    describe_step,
    summarize,
)
from napreview.store.deputies import Deputy

__all__ = [
    "ACCEPTED",
    "PENDING",
    "REFUSED",
    "UNKNOWN",
    "SignalOutcome",
    "StoredRefusal",
    "Timeline",
    "TimelineEvent",
    "build_timeline",
    "describe_actor",
    "describe_duration",
    "describe_step",
    "timeline_digest",
    "unresolved",
]

# A follow-up's steps that change items: their refusals name the item (``key``) they were for.
ITEM_STEPS = ("update_item", "submit_progress_report")
# Store refusals further than this from a refused update in history are different attempts.
SAME_REFUSAL_WINDOW = timedelta(minutes=10)

# Person id → email, as a mapping or as a lookup of many ids at once (`store.people.emails`).
People = Mapping[str, str] | Callable[[Sequence[str]], Mapping[str, str]]
# Email → the periods its person served as a member's deputy focal point
# (`store.deputies.periods`): a deputy is named as one for what they did while serving.
Deputies = Callable[[Sequence[str]], Mapping[str, Sequence[Deputy]]]


def build_timeline(
    history: WorkflowHistory,
    refusals: Sequence[StoredRefusal] = (),
    signals: Sequence[SignalOutcome] | None = None,
    people: People | None = None,
    *,
    replay_failed: bool = False,
    signatures: SignatureReport | None = None,
    deputies: Deputies | None = None,
    items: Mapping[str, str] | None = None,
) -> Timeline:
    """The timeline of one workflow run.

    ``signals`` (from a replay) tell refused signals apart; without them (no replay made, or
    ``replay_failed``), signal outcomes are "not known" with that reason. History names people
    by opaque person ids; ``people`` says who they are, looked up once for the whole timeline.
    ``items``: a follow-up's items' wording by key, for the refused changes the store kept.
    """
    if signatures is None:
        signatures = check_signatures(history.workflow_id, history.events)
    reader = HistoryReader(
        signals,
        REPLAY_FAILED if replay_failed else NO_REPLAY,
        # A run started before commands were signed has no signature to speak of.
        signatures.by_event() if signatures.signing else {},
        _last_task_event(history),
    )
    for event in history.events:
        reader.read(event)
    known = _lookup(people, refusals, reader.events)
    _resolve(reader.events, known)
    if deputies is not None:
        _mark_deputies(reader.events, deputies)
    events = _merge(reader.events, list(refusals), known, items or {})
    for shown in events:
        shown.summary = summarize(shown)
    return Timeline(
        workflow_id=history.workflow_id,
        run_id=history.run_id if history.events else "",
        workflow_type=reader.workflow_type,
        status=reader.status,
        events=events,
        sha256=timeline_digest(events),
    )


def _last_task_event(history: WorkflowHistory) -> int:
    """The last workflow task the workflow completed: signals after it are not yet taken."""
    completed = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
    return max((e.event_id for e in history.events if e.event_type == completed), default=0)


def _lookup(
    people: People | None, refusals: Sequence[StoredRefusal], events: Sequence[TimelineEvent]
) -> Mapping[str, str]:
    """Every person id the events and the store's refusals name, looked up at once."""
    if people is None:
        return {}
    if isinstance(people, Mapping):
        return people
    ids = {str(e.actor["person_id"]) for e in events if e.actor and e.actor.get("person_id")}
    ids |= {r.actor for r in refusals if r.actor.startswith("p-")}
    return people(sorted(ids)) if ids else {}


def _resolve(events: list[TimelineEvent], people: Mapping[str, str]) -> None:
    """Fill in the email of every person id the events name."""
    for event in events:
        actor = event.actor
        if actor and actor.get("person_id") and not actor.get("email"):
            actor["email"] = people.get(str(actor["person_id"]))


def _mark_deputies(events: list[TimelineEvent], deputies: Deputies) -> None:
    """Name as a deputy focal point whoever acted for a member while serving as its deputy."""
    emails = sorted({str(e.actor["email"]) for e in events if e.actor and e.actor.get("email")})
    periods = deputies(emails) if emails else {}
    for event in events:
        actor = event.actor
        if not actor or not actor.get("member") or not actor.get("email"):
            continue
        served = periods.get(str(actor["email"]), ())
        if any(d.served(str(actor["member"]), event.time.date()) for d in served):
            actor["acting_as"] = DEPUTY


# --------------------------------------------------------------------------- store refusals


def _merge(
    events: list[TimelineEvent],
    refusals: list[StoredRefusal],
    people: Mapping[str, str],
    items: Mapping[str, str],
) -> list[TimelineEvent]:
    """Insert the store's refusals by time, leaving out those history already shows."""
    pending = sorted((r for r in refusals if not _shown_in_history(r, events)), key=lambda r: r.at)
    merged: list[TimelineEvent] = []
    stage: str | None = None
    for event in events:
        while pending and _aware(pending[0].at) < event.time:
            merged.append(_refusal_event(pending.pop(0), stage, people, items))
        merged.append(event)
        stage = event.stage
    merged.extend(_refusal_event(r, stage, people, items) for r in pending)
    return merged


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _shown_in_history(refusal: StoredRefusal, events: list[TimelineEvent]) -> bool:
    """A refusal inside an update handler is in history and in the store: show it once."""
    for event in events:
        if (
            event.kind == REFUSED
            and event.detail.get("via") == "update"
            and not event.detail.get("also_in_store")
            and event.detail.get("step") == refusal.step
            and event.actor
            and refusal.actor in (event.actor.get("email"), event.actor.get("person_id"))
            and event.detail.get("refusal") == refusal.reason
            and abs(_aware(refusal.at) - event.time) <= SAME_REFUSAL_WINDOW
        ):
            event.detail["also_in_store"] = True
            return True
    return False


def _refusal_event(
    refusal: StoredRefusal, stage: str | None, people: Mapping[str, str], items: Mapping[str, str]
) -> TimelineEvent:
    person = refusal.actor if refusal.actor.startswith("p-") else None
    email = people.get(refusal.actor) if person else refusal.actor
    actor = {"person_id": person, "email": email, "role": refusal.role, "member": None}
    detail: dict[str, Any] = {
        "step": refusal.step,
        "via": "command",
        "outcome": REFUSED,
        "refusal": refusal.reason,
        "recorded_in": "store",
    }
    if refusal.code:
        detail["reason"] = {"code": refusal.code, "params": refusal.params or {}}
    key = (refusal.params or {}).get("key")
    if refusal.step in ITEM_STEPS and isinstance(key, str):
        # A refused change to a follow-up's item: which item, as people know it.
        detail["item"] = key
        if items.get(key):
            detail["item_text"] = items[key]
    return TimelineEvent(
        event_id=None,
        time=_aware(refusal.at),
        kind=REFUSED,
        stage=stage,
        actor=actor,
        detail=detail,
        summary="",
    )
