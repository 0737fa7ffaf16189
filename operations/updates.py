"""Sending an update to a workflow with asyncio's cancellation kept intact.

The SDK turns a cancelled update call into ``WorkflowUpdateRPCTimeoutOrCancelledError``, an
ordinary exception. A caller's timeout, a browser that closed its request or Ctrl-C would then
read as "the server did not answer", and a loop that tries again after errors would never stop:
the fault suite's people did just that and held the test session open until CI's time ran out.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from temporalio.client import WorkflowHandle, WorkflowUpdateRPCTimeoutOrCancelledError

T = TypeVar("T")


async def execute_update(
    handle: WorkflowHandle[Any, Any], name: str, arg: object, result_type: type[T] | None = None
) -> T:
    """``handle.execute_update``, raising ``CancelledError`` when the calling task was cancelled."""
    try:
        return await handle.execute_update(name, arg, result_type=result_type)
    except WorkflowUpdateRPCTimeoutOrCancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise asyncio.CancelledError() from None
        raise
