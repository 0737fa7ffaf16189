"""The activity of the ``deliver-<letter id>`` workflows that releases before issue #23 started,
one per letter: kept so that those still running finish. Letters are sent by the outbox now
(letters/outbox.py), which this activity asks like any other sender: an outage is raised as an
ordinary error, so Temporal retries it as before; a letter delivered or failed, by this attempt
or another sender's, ends the workflow with its state and reason."""

from __future__ import annotations

import asyncio

from temporalio import activity
from temporalio.exceptions import ApplicationError

from napreview.letters.outbox import Outbox
from napreview.schemas.delivery import (
    DELIVER_LETTER,
    DeliveryOutcome,
    DeliveryRequest,
    DeliveryState,
)


class DeliveryActivities:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    @activity.defn(name=DELIVER_LETTER)
    async def deliver_letter(self, request: DeliveryRequest) -> DeliveryOutcome:
        await self.outbox.attempt(request.letter_id)
        row = await asyncio.to_thread(self.outbox.store.letters.get, request.letter_id)
        state = DeliveryState(row.delivery_state or DeliveryState.QUEUED.value)
        detail = row.delivery_detail or ""
        if state is DeliveryState.QUEUED:  # an outage, or another sender holds it: later
            raise ApplicationError(f"Letter {row.id} not delivered yet: {detail or 'being sent'}")
        return DeliveryOutcome(letter_id=row.id, state=state, detail=detail)
