"""Delivering a stored letter by email: what the delivery workflow asks, what it reports."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

# Names shared by the delivery workflow, its activity and the letter activity that starts it.
DELIVERY_WORKFLOW = "DeliverLetter"
DELIVER_LETTER = "deliver_letter"
# A permanent refusal (a 5xx answer, no address): recorded as failed, never retried.
DELIVERY_REFUSED = "DeliveryRefused"


def delivery_workflow_id(letter_id: str) -> str:
    return f"deliver-{letter_id}"


def message_id(letter_id: str) -> str:
    """The letter's Message-ID: the same on every attempt, so a retry is recognised as the same
    message by every mail system."""
    return f"<{letter_id}@napreview>"


class DeliveryState(StrEnum):
    """Where a letter's delivery stands. Filed is not sent: without a mail server the letter is
    written to the outbox folder, and nobody has received it until someone mails it."""

    QUEUED = "queued"
    SENT = "sent"
    FILED = "filed"
    FAILED = "failed"

    @property
    def done(self) -> bool:
        """Delivery ended: a retry finds the letter as it left it."""
        return self is not DeliveryState.QUEUED


DELIVERY_WORDS = {
    DeliveryState.QUEUED: "queued",
    DeliveryState.SENT: "sent",
    DeliveryState.FILED: "filed in the outbox (not sent: no mail server is configured)",
    DeliveryState.FAILED: "failed",
}


class DeliveryRequest(BaseModel):
    letter_id: str


class DeliveryOutcome(BaseModel):
    letter_id: str
    state: DeliveryState
    detail: str
