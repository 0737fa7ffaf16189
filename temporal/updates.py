"""Sending an update to a workflow: sent again while the workflow cannot take it yet, and with
asyncio's cancellation kept intact.

Three answers of the server mean the update was not processed and may be sent again as it is
(the same signed command: the workflow never saw it): the workflow's last task failed and its
retry has not run yet (a worker died or was starved past the task's timeout); the worker completed
a task without processing the update ("UnprocessedUpdate", seen when many updates reach one review
at once); or the task that carried the update failed on the server's side ("unexpected workflow
task failure", WorkflowNotReady: the workflow tried to end while a signal arrived, as when a copy
of a step reaches a review that is completing after its sign-off). All pass in seconds.

The SDK turns a cancelled update call into ``WorkflowUpdateRPCTimeoutOrCancelledError``, an
ordinary exception. A caller's timeout, a browser that closed its request or Ctrl-C would then
read as "the server did not answer", and a loop that tries again after errors would never stop:
the fault suite's people did just that and held the test session open until CI's time ran out.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from temporalio.client import (
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

T = TypeVar("T")

TASK_RETRYING = "Workflow Task in failed state"
TASK_FAILED = "unexpected workflow task failure"
UNPROCESSED = "UnprocessedUpdate"
RETRY_FOR = 60.0  # seconds


class WorkflowBusy(Exception):
    """The workflow could not take the update for a minute: nothing was changed."""

    def __init__(self, workflow_id: str) -> None:
        super().__init__(
            f"{workflow_id} could not take the step for a minute: the worker running it is "
            "stopped or overloaded, and Temporal is retrying its last task. Nothing was changed; "
            "try again shortly. `napreview cycle status` shows a review whose task has failed, "
            "and README says how to repair one."
        )
        self.workflow_id = workflow_id


async def execute_update(
    handle: WorkflowHandle[Any, Any], name: str, arg: object, result_type: type[T] | None = None
) -> T:
    """``handle.execute_update``, sent again for up to a minute while the workflow cannot take
    it yet (then ``WorkflowBusy``); ``CancelledError`` when the calling task was cancelled."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + RETRY_FOR
    pause = 0.5
    while True:
        try:
            return await handle.execute_update(name, arg, result_type=result_type)
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise asyncio.CancelledError() from None
            raise
        except (RPCError, WorkflowUpdateFailedError) as err:
            if not _not_processed(err):
                raise
            if loop.time() + pause > deadline:
                raise WorkflowBusy(handle.id) from err
        await asyncio.sleep(pause)
        pause = min(pause * 2, 8.0)


def _not_processed(err: RPCError | WorkflowUpdateFailedError) -> bool:
    """Whether the server's answer says the workflow never saw the update (see above)."""
    if isinstance(err, RPCError):
        return TASK_RETRYING in err.message or TASK_FAILED in err.message
    return isinstance(err.cause, ApplicationError) and err.cause.type == UNPROCESSED
