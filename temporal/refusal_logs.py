"""Business refusals in the worker's log: one plain line each, never a traceback.

The SDK logs every failed activity with its traceback, and a signal it cannot decode with the
decoder's. For a refusal a person caused (a document that does not match, no reviewer left to
draw, a value the records cannot keep, a malformed signal) that is noise in `napreview up`'s
terminal and in a worker's log: the refusal is recorded where auditors read it (the review's
state, the store, the timeline). This filter turns those records into one line that says what
was refused, for which workflow, and why; any other failure keeps its traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from temporalio.exceptions import ApplicationError

from napreview.workflows import contract

# The ApplicationError types activities raise for a refusal retrying cannot change.
BUSINESS = frozenset(
    {
        contract.REFUSED,
        contract.DOCUMENT_MISMATCH,
        contract.STORE_REJECTED,
        contract.NO_REVIEWER_LEFT,
    }
)
_DECODE_FAILED = "Failed deserializing signal input"


class OneLineRefusals(logging.Filter):
    """Rewrites business refusals (see the module docstring) as one line, in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ApplicationError) and error.type in BUSINESS:
            where: dict[str, Any] = getattr(record, "temporal_activity", None) or {}
            record.msg = "Refused in %s of %s: %s"
            record.args = (
                where.get("activity_type", "an activity"),
                where.get("workflow_id", "a workflow"),
                error.message,
            )
        elif str(record.msg).startswith(_DECODE_FAILED) and record.exc_info:
            why = " ".join(str(error).split())[:200]
            record.msg = f"{record.getMessage()} ({why})"
            record.args = ()
        else:
            return True
        record.exc_info = None
        record.exc_text = None
        return True


_FILTER = OneLineRefusals()
LOGGERS = ("temporalio.activity", "temporalio.worker._workflow_instance")


def install() -> None:
    """Attach the filter to the SDK's loggers (once; a worker built again changes nothing)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
