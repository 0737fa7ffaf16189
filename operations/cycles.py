"""Starting, watching and cancelling a review cycle."""

from __future__ import annotations

from pydantic import BaseModel
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from operations.errors import NotFoundError, StepRefused
from operations.signing import signer
from operations.steps import record_refusal, require_secretariat
from rules.troika import TroikaError, draw_troika
from schemas.members import Actor
from schemas.review import CycleCancel, CycleInput, CycleProgress, CycleSettings, Stage
from store.repository import Store
from workflows import contract
from workflows.cycle import CycleWorkflow


async def start_cycle(
    client: Client, store: Store, settings: CycleSettings, task_queue: str, batch_size: int = 100
) -> str:
    """Check the request fully before anything starts, then start `cycle-<cycle>` once."""
    require_secretariat(store, settings.started_by, "start_cycle", settings.cycle)
    members = (
        store.get_members(settings.members)
        if settings.members is not None
        else store.list_members()
    )
    store.get_member(settings.chair)
    try:
        draw_troika(
            members,
            settings.seed,
            settings.reviewers_per_member,
            own_group=settings.own_group_requests,
        )
    except TroikaError as err:
        raise StepRefused(str(err)) from None
    workflow_id = contract.cycle_workflow_id(settings.cycle)
    if not settings.trusted_keys:
        settings = settings.model_copy(update={"trusted_keys": signer().public_keys()})
    try:
        await client.start_workflow(
            CycleWorkflow.run,
            CycleInput(settings=settings, batch_size=batch_size),
            id=workflow_id,
            task_queue=task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes(
                [SearchAttributePair(contract.NAP_CYCLE, settings.cycle)]
            ),
        )
    except WorkflowAlreadyStartedError:
        reason = f"Cycle {settings.cycle} has already been started; it is not started twice."
        record_refusal(store, settings.cycle, None, settings.started_by, "start_cycle", reason)
        raise StepRefused(reason) from None
    return workflow_id


async def cancel_cycle(
    client: Client, store: Store, cycle: str, actor: Actor, reason: str
) -> CycleProgress:
    require_secretariat(store, actor, "cancel_cycle", cycle)
    workflow_id = contract.cycle_workflow_id(cycle)
    handle = client.get_workflow_handle(workflow_id)
    command = signer().sign("cancel_cycle", workflow_id, CycleCancel(actor=actor, reason=reason))
    try:
        return await handle.execute_update("cancel", command, result_type=CycleProgress)
    except WorkflowUpdateFailedError as err:
        if isinstance(err.cause, ApplicationError):
            record_refusal(store, cycle, None, actor, "cancel_cycle", err.cause.message)
            raise StepRefused(err.cause.message) from None
        raise
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            raise NotFoundError(f"There is no cycle {cycle!r}.") from None
        raise


class ReviewLine(BaseModel):
    member: str
    stage: Stage
    round: int
    overdue: bool
    reviewers: list[str]


class CycleStatus(BaseModel):
    cycle: str
    counts: dict[str, int]
    reviews: list[ReviewLine]


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


async def cycle_status(
    client: Client, store: Store, cycle: str, stage: Stage | None = None, overdue: bool = False
) -> CycleStatus:
    """Answered from Temporal visibility (the search attributes), with rounds and reviewers
    from the store."""
    # A review that continued as new is listed once per run: count the latest run only.
    base = (
        f"WorkflowType = '{contract.REVIEW_WORKFLOW}' AND NapCycle = {_quote(cycle)} "
        "AND ExecutionStatus != 'ContinuedAsNew'"
    )
    counts: dict[str, int] = {s.value: 0 for s in Stage}
    async for execution in client.list_workflows(base):
        found = execution.typed_search_attributes.get(contract.NAP_STAGE)
        if found:
            counts[found] = counts.get(found, 0) + 1
    if not any(counts.values()) and not store.cycle_exists(cycle):
        raise NotFoundError(f"There is no cycle {cycle!r}.")
    query = base
    if stage is not None:
        query += f" AND NapStage = {_quote(stage.value)}"
    if overdue:
        query += " AND NapOverdue = true"
    rounds = {r.member_code: r.round for r in store.reviews(cycle)}
    reviewers = store.assignments(cycle)
    lines = []
    async for execution in client.list_workflows(query):
        attrs = execution.typed_search_attributes
        member = attrs.get(contract.NAP_MEMBER) or ""
        lines.append(
            ReviewLine(
                member=member,
                stage=Stage(attrs.get(contract.NAP_STAGE) or Stage.SELF_ASSESSMENT.value),
                round=rounds.get(member, 1),
                overdue=bool(attrs.get(contract.NAP_OVERDUE)),
                reviewers=reviewers.get(member, []),
            )
        )
    lines.sort(key=lambda line: line.member)
    return CycleStatus(cycle=cycle, counts=counts, reviews=lines)
