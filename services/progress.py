"""When each review entered each stage, read from its Temporal history (the NapStage search
attribute is upserted at every stage change), for the portal's picture of a cycle's progress."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from pydantic import BaseModel
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.converter import PayloadConverter
from temporalio.service import RPCError

from napreview.workflows import contract

STAGE = contract.NAP_STAGE.name
_payloads = PayloadConverter.default


class StageSpan(BaseModel):
    stage: str
    start: datetime
    end: datetime | None = None  # None: still there (or terminal)


class MemberProgress(BaseModel):
    member: str
    spans: list[StageSpan]


async def _spans(client: Client, cycle: str, member: str) -> list[StageSpan]:
    handle = client.get_workflow_handle(contract.review_workflow_id(cycle, member))
    try:
        history = await handle.fetch_history()
    except RPCError:
        return []
    changes: list[tuple[str, datetime]] = []
    for event in history.events:
        if event.event_type != EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
            continue
        fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes
        payload = fields.indexed_fields.get(STAGE)
        if payload is None:
            continue
        stage = str(_payloads.from_payload(payload))
        when = event.event_time.ToDatetime(tzinfo=UTC)
        if not changes or changes[-1][0] != stage:
            changes.append((stage, when))
    return [
        StageSpan(stage=stage, start=start, end=changes[i + 1][1] if i + 1 < len(changes) else None)
        for i, (stage, start) in enumerate(changes)
    ]


async def cycle_progress(
    client: Client, cycle: str, members: list[str], concurrency: int = 16
) -> list[MemberProgress]:
    """Each member's stages over time, in the order given."""
    gate = asyncio.Semaphore(concurrency)

    async def one(member: str) -> MemberProgress:
        async with gate:
            return MemberProgress(member=member, spans=await _spans(client, cycle, member))

    return list(await asyncio.gather(*(one(m) for m in members)))
