"""When a napreview round has really ended: every review completed, the cycle finished, and
every letter of the cycle delivered. Delivery can run after a review reads completed (a letter
whose first attempt was handed to the background or failed waits in the outbox; before issue
#23, a ``deliver-<letter id>`` workflow per letter laid out the PDFs after the round); a round
that ended before its deliveries drained left their CPU to the next round, the bare side's as
often as not."""

from __future__ import annotations

import asyncio
import time

from napreview.store.records import Store


async def deliveries_drained(
    store: Store, cycle: str, interval: float = 0.2, timeout: float = 1800.0
) -> None:
    """Return once no letter of the cycle waits for delivery; TimeoutError after ``timeout``
    (a delivery that cannot end is a fault to see, not a round to wait on for ever)."""
    deadline = time.monotonic() + timeout
    while await asyncio.to_thread(store.letters.queued, cycle):
        if time.monotonic() > deadline:
            raise TimeoutError(f"letters of cycle {cycle} still queued after {timeout:.0f} s")
        await asyncio.sleep(interval)
