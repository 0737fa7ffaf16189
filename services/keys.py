"""Key rotation: open reviews, cycles and follow-ups learn to trust a new front-end key, or stop
trusting an old one, through signed updates; the key ring changes only once they have."""

from __future__ import annotations

from dataclasses import dataclass, field

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from napreview.people.signing import signer
from napreview.schemas.members import Actor
from napreview.schemas.review import DistrustKey, TrustKey
from napreview.store.records import Store
from napreview.temporal.updates import WorkflowBusy, execute_update
from napreview.workflows import contract


@dataclass
class KeyChange:
    key_id: str
    told: int = 0
    missed: list[str] = field(default_factory=list)


async def _open_workflows(client: Client) -> list[str]:
    kinds = (contract.REVIEW_WORKFLOW, contract.CYCLE_WORKFLOW, contract.FOLLOW_UP_WORKFLOW)
    query = (
        "ExecutionStatus = 'Running' AND ("
        + " OR ".join(f"WorkflowType = '{kind}'" for kind in kinds)
        + ")"
    )
    return [execution.id async for execution in client.list_workflows(query)]


async def _tell(client: Client, change: KeyChange, step: str, command: TrustKey | DistrustKey):
    ring = signer()
    for workflow_id in await _open_workflows(client):
        signed = ring.sign(step, workflow_id, command)
        try:
            handle = client.get_workflow_handle(workflow_id)
            await execute_update(handle, f"do_{step}", signed)
            change.told += 1
        except (WorkflowUpdateFailedError, RPCError, WorkflowBusy) as err:
            cause = getattr(err, "cause", None)
            message = str(getattr(cause, "message", None) or getattr(err, "message", err))
            if "already trusted" in message or "not trusted" in message:
                continue
            change.missed.append(f"{workflow_id} ({message})")


async def rotate(client: Client, store: Store, actor: Actor) -> KeyChange:
    """Add a key, have every open workflow trust it (signed with the active key), then make it
    the active key, and record it in every cycle's settings for reviews not started yet."""
    ring = signer()
    key_id = ring.add_key()
    change = KeyChange(key_id)
    public = ring.public_keys()[key_id]
    await _tell(
        client, change, "trust_key", TrustKey(actor=actor, key_id=key_id, public_key=public)
    )
    store.cycles.trust_key(key_id, public)
    store.front_end_keys.vouch_for({key_id: public})
    ring.activate(key_id)
    return change


async def retire(client: Client, store: Store, actor: Actor, key_id: str) -> KeyChange:
    """Every open workflow stops trusting the key (signed with the active key); then it is
    deleted from the ring."""
    ring = signer()
    change = KeyChange(key_id)
    await _tell(client, change, "distrust_key", DistrustKey(actor=actor, key_id=key_id))
    store.cycles.distrust_key(key_id)
    store.front_end_keys.retire(key_id)
    ring.retire(key_id)
    return change
