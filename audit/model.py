"""The timeline's shapes (DESIGN §10.2 `audit`), shared by the reader, the words and the export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from napreview.schemas.digest import sha256_of
from napreview.schemas.refusals import Param

# What became of a step: what the history, a replay or the store says about it. IGNORED: a
# signal the workflow has no handler for (or could not decode for its handler): it changed
# nothing, and the replay shows it.
ACCEPTED, REFUSED, PENDING, UNKNOWN = "accepted", "refused", "pending", "unknown"
IGNORED = "ignored"


class TimelineEvent(BaseModel):
    """One line of the timeline; `event_id` is null for what the store recorded."""

    event_id: int | None
    time: datetime
    kind: str
    stage: str | None
    actor: dict[str, str | None] | None
    detail: dict[str, Any]
    summary: str


class Timeline(BaseModel):
    """The §10.2 `audit` shape, with the workflow's type and status added."""

    workflow_id: str
    run_id: str
    workflow_type: str
    status: str
    events: list[TimelineEvent]
    sha256: str


class StoredRefusal(BaseModel):
    """A refusal the command line recorded in the store (a validator's refusal never reaches
    history), as the store's refusal records give it (store/refusals.py); ``code`` and ``params``
    (schemas/refusals.py) where the store kept them."""

    at: datetime
    actor: str
    role: str | None = None
    step: str
    reason: str
    code: str | None = None
    params: dict[str, Param] | None = None


@dataclass(frozen=True)
class SignalOutcome:
    """What the workflow made of one signal, as a replay of its history shows."""

    signal: str
    finished: bool
    refusals: tuple[str, ...] = ()
    # Who each refusal names, as the workflow recorded it ("p-… (focal point of DEU)",
    # a bare person id, or "unknown sender").
    senders: tuple[str, ...] = ()


def timeline_digest(events: Sequence[TimelineEvent]) -> str:
    """SHA-256 of the canonical JSON of the events, as `sha256` in the §10.2 shape."""
    return sha256_of([e.model_dump(mode="json") for e in events])


def unresolved(timeline: Timeline) -> list[TimelineEvent]:
    """The events whose outcome could not be derived (the history did not replay in full)."""
    return [e for e in timeline.events if e.detail.get("outcome") == UNKNOWN]
