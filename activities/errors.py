"""Turning a business refusal into the non-retryable error a workflow can tell from an outage."""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from workflows import contract


def refused(message: str, kind: str = contract.REFUSED) -> ApplicationError:
    """A refusal retrying cannot change; anything else an activity raises is retried."""
    return ApplicationError(message, type=kind, non_retryable=True)
