"""Delivers one stored letter by email: ``deliver-<letter id>``, started by the send_letter
activity after it stored the letter (so the review and cycle workflows and their histories do
not change).

One activity sends the letter (SMTP, or the outbox folder when no server is configured) and
records the delivery state. Outages (server down, timeouts, 4xx answers) are retried by Temporal
without end, backing off to once every five minutes; a permanent refusal (a 5xx answer, no
address) is recorded as failed by the activity and ends the workflow with that reason.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from napreview.schemas.delivery import (
        DELIVER_LETTER,
        DELIVERY_REFUSED,
        DELIVERY_WORKFLOW,
        DeliveryOutcome,
        DeliveryRequest,
        DeliveryState,
    )

DELIVERY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    non_retryable_error_types=[DELIVERY_REFUSED],
)
# Rendering the PDF and one SMTP conversation; a lost worker's attempt is retried after this.
DELIVERY_TIMEOUT = timedelta(minutes=2)


@workflow.defn(name=DELIVERY_WORKFLOW)
class DeliverLetterWorkflow:
    @workflow.run
    async def run(self, request: DeliveryRequest) -> DeliveryOutcome:
        try:
            return await workflow.execute_activity(
                DELIVER_LETTER,
                request,
                result_type=DeliveryOutcome,
                start_to_close_timeout=DELIVERY_TIMEOUT,
                retry_policy=DELIVERY_RETRY,
            )
        except ActivityError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type == DELIVERY_REFUSED:
                return DeliveryOutcome(
                    letter_id=request.letter_id, state=DeliveryState.FAILED, detail=cause.message
                )
            raise
