"""temporal/updates.py on the real dev server: an update the server rejects as not processed by
the worker ("UnprocessedUpdate") is sent again and answered.

To make the server say so, the test plays a worker by hand for one workflow task: it polls the
task that carries the update and completes it without a word about the update, as a worker
does when it took the task but never saw the update. A real worker then serves the workflow.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from temporalio import workflow
from temporalio.api.command.v1 import Command, CompleteWorkflowExecutionCommandAttributes
from temporalio.api.enums.v1 import CommandType, TaskQueueKind
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import (
    PollWorkflowTaskQueueRequest,
    RespondWorkflowTaskCompletedRequest,
    RespondWorkflowTaskFailedRequest,
)
from temporalio.service import RPCError
from temporalio.worker import Worker

from napreview.temporal import updates
from napreview.temporal.updates import execute_update


@workflow.defn(sandboxed=False)
class Receiver:
    """A workflow that takes one update and otherwise waits."""

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.update
    async def receive(self, text: str) -> str:
        return f"received {text}"

    @workflow.signal
    def nudge(self) -> None:
        """A signal that changes nothing."""


@pytest.mark.parametrize("the_task", ["completed without it", "failed", "ended the workflow"])
async def test_an_update_the_worker_did_not_process_is_sent_again(dev_env, the_task):
    """The task that carried the update was completed without a word about it, or failed (the
    server then answers "unexpected workflow task failure": seen in the fault suite when a
    copy of a step reached a review that was completing, after its sign-off)."""
    client = dev_env.client
    queue = f"unprocessed-{uuid.uuid4().hex[:8]}"
    handle = await client.start_workflow(
        Receiver.run,
        id=f"receiver-{uuid.uuid4().hex[:8]}",
        task_queue=queue,
        execution_timeout=timedelta(minutes=2),
    )
    sending = asyncio.create_task(execute_update(handle, "receive", "the review", str))

    # Polled until the workflow task carries the update (the update reaches the server after
    # the workflow's first task was scheduled, so it may come with a later one).
    service = client.workflow_service
    carried = False
    for _ in range(10):
        task = await service.poll_workflow_task_queue(
            PollWorkflowTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=queue, kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL),
                identity="by hand",
            )
        )
        carried = any(m.body.type_url.endswith("update.v1.Request") for m in task.messages)
        if carried and the_task == "failed":
            await service.respond_workflow_task_failed(
                RespondWorkflowTaskFailedRequest(
                    namespace=client.namespace, task_token=task.task_token, identity="by hand"
                )
            )
            break
        ending = []
        if carried and the_task == "ended the workflow":
            # A signal came meanwhile: the server refuses to end the workflow (an unhandled
            # command) and fails the task, as with a copy of a step sent to a review that is
            # completing.
            await handle.signal("nudge")
            ending = [
                Command(
                    command_type=CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
                    complete_workflow_execution_command_attributes=(
                        CompleteWorkflowExecutionCommandAttributes()
                    ),
                )
            ]
        force = not carried  # another task at once, to carry the update
        completion = RespondWorkflowTaskCompletedRequest(
            namespace=client.namespace,
            task_token=task.task_token,
            identity="by hand",
            force_create_new_workflow_task=force,
            commands=ending,
        )
        try:
            await service.respond_workflow_task_completed(completion)
        except RPCError as refused:
            assert ending and refused.message == "UnhandledCommand", refused
        if carried:
            break
    assert carried, "no workflow task carried the update"
    assert not sending.done() or sending.exception() is None, sending.exception()

    # The server rejected the update as not processed; it is sent again and a real worker
    # answers it.
    async with Worker(client, task_queue=queue, workflows=[Receiver]):
        assert await asyncio.wait_for(sending, 60) == "received the review"
    await handle.terminate()


@workflow.defn(sandboxed=False)
class Broken:
    """A workflow whose every task fails, as a review's does while its worker cannot run it."""

    @workflow.run
    async def run(self) -> None:
        raise RuntimeError("this task fails every time")

    @workflow.update
    async def receive(self, text: str) -> str:
        return text


async def test_a_workflow_that_cannot_take_the_step_is_answered_in_plain_words(
    dev_env, monkeypatch
):
    """After a minute (here two seconds) of "Workflow Task in failed state", the person is told
    the step was not taken and why, not the server's words."""
    monkeypatch.setattr(updates, "RETRY_FOR", 2.0)
    client = dev_env.client
    queue = f"broken-{uuid.uuid4().hex[:8]}"
    async with Worker(client, task_queue=queue, workflows=[Broken]):
        handle = await client.start_workflow(
            Broken.run,
            id=f"broken-{uuid.uuid4().hex[:8]}",
            task_queue=queue,
            execution_timeout=timedelta(minutes=2),
        )
        with pytest.raises(updates.WorkflowBusy) as busy:
            await asyncio.wait_for(execute_update(handle, "receive", "the step", str), 60)
    assert "Nothing was changed" in str(busy.value)
    assert handle.id in str(busy.value)
    await handle.terminate()
