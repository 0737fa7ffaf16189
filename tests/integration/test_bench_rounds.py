"""`make bench` ends a napreview round only when the cycle's letters are delivered (issue #23):
a round ended while letters were still queued (then in ``deliver-<id>`` workflows) left their
PDF layout and sending to be charged to the next round, and flattered the shipped
configuration."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from napreview.activities.letters import LetterActivities
from napreview.bench.drain import deliveries_drained
from napreview.schemas.letters import LetterKind, LetterRequest
from napreview.store.records import Store


def invitation(cycle: str, member: str) -> LetterRequest:
    return LetterRequest(
        cycle=cycle, member=member, kind=LetterKind.INVITATION, chair="NAM", deadline="2030-01-31"
    )


async def test_a_round_with_deliveries_in_flight_is_not_ended_early(
    store: Store, tmp_path: Path
) -> None:
    cycle = f"bench-{uuid.uuid4().hex[:6]}"
    letters = LetterActivities(store, tmp_path / "letters")  # no outbox: they stay queued
    first = letters.store_and_file(invitation(cycle, "DEU"))
    second = letters.store_and_file(invitation(cycle, "FRA"))
    elsewhere = letters.store_and_file(invitation(f"{cycle}-other", "MEX"))
    assert {first.delivery_state, second.delivery_state, elsewhere.delivery_state} == {"queued"}

    ended = asyncio.create_task(deliveries_drained(store, cycle, interval=0.01))
    for delivered in (first, None):
        with pytest.raises(TimeoutError):  # letters still queued: the round goes on
            await asyncio.wait_for(asyncio.shield(ended), 0.3)
        if delivered is not None:
            store.letters.record_delivery(delivered.id, "sent", "250 Ok")
    store.letters.record_delivery(second.id, "failed", "550 mailbox unavailable")
    await asyncio.wait_for(ended, 5)  # every letter of the cycle delivered (or failed): ended
    assert store.letters.queued(f"{cycle}-other") == 1  # another cycle's letters do not count
