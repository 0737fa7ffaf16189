"""Reading a signal's payload inside a workflow, for the review and the cycle alike.

Anybody who can reach Temporal can send a signal of any name with any payload, so both workflows
take every signal through a dynamic handler: what cannot be read is refused and recorded with
its reason, never raised (a failed workflow task would retry for ever and stick the workflow).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from temporalio import workflow
from temporalio.common import RawValue

with workflow.unsafe.imports_passed_through():
    from napreview.schemas.refusals import Reason

M = TypeVar("M", bound=BaseModel)


def decoded(args: Sequence[RawValue], model: type[M]) -> tuple[M | None, Reason | None]:
    """The command a signal carries, or why it cannot be read (field by field)."""
    if len(args) != 1:
        return None, Reason(code="wrong_arity", params={"count": len(args)})
    try:
        value = workflow.payload_converter().from_payload(args[0].payload, model)
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'the command'}: {e['msg']}"
            for e in err.errors()[:5]
        )
        return None, Reason(code="unreadable", params={"detail": problems})
    except Exception as err:  # any undecodable payload is refused, not raised
        return None, Reason(code="unreadable", params={"detail": type(err).__name__})
    if not isinstance(value, model):
        # Bytes or nothing (binary/plain, binary/null payloads) decode to themselves whatever
        # type is asked for. Refused, not asserted: a failed assertion would fail the workflow
        # task on every retry and stick the review for good.
        detail = f"a {type(value).__name__}, not a command"
        return None, Reason(code="unreadable", params={"detail": detail})
    return value, None


def sender_of(args: Sequence[RawValue]) -> str:
    """Best effort, for the record: the person id a malformed command claims to come from."""
    if not args:
        return "unknown sender"
    with contextlib.suppress(Exception):
        raw = workflow.payload_converter().from_payload(args[0].payload, dict)
        person = raw.get("actor", {}).get("person_id") or raw.get("actor", {}).get("email")
        if isinstance(person, str) and person:
            return person[:40]
    return "unknown sender"
