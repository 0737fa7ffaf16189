"""When each review entered each stage, from the read model's stage history (the review
publishes every stage it enters), for the portal's picture of a cycle's progress. No history
is read and Temporal is not asked."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from napreview.store.records import Store
from napreview.store.reviews import StageEntry


class StageSpan(BaseModel):
    stage: str
    start: datetime
    end: datetime | None = None  # None: still there (or terminal)


class MemberProgress(BaseModel):
    member: str
    spans: list[StageSpan]


def spans(entries: list[StageEntry]) -> list[StageSpan]:
    """Each stage from when the review entered it to when it entered the next."""
    return [
        StageSpan(
            stage=entry.stage.value,
            start=entry.at,
            end=entries[i + 1].at if i + 1 < len(entries) else None,
        )
        for i, entry in enumerate(entries)
    ]


def cycle_progress(store: Store, cycle: str, members: list[str]) -> list[MemberProgress]:
    """Each member's stages over time, in the order given, in one read."""
    entered = store.reviews.stages(cycle, members)
    return [MemberProgress(member=m, spans=spans(entered.get(m, []))) for m in members]
