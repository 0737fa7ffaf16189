"""Only napreview starts napreview's workflows (issue #20).

Anybody who can reach Temporal can start a workflow of any type, with any input, on napreview's
task queue, and the workers would run it: a "review" whose trusted keys are the starter's own, or
a new run under the id of a review long completed. So a review or cycle first checks how it was
started, before it sends a letter or writes a record:

- a run that an earlier run of the same workflow continued as new is napreview's (the server
  sets ``continued_run_id``; no client can);
- a review whose parent is its own cycle is napreview's (a client cannot start a child, and a
  cycle starts children only once its own start checked out);
- anything else must carry a front end's signature over its whole input, made when it was
  started (checked against the workflow's server-set start time, so a captured start cannot be
  used again later), with a key the workers vouch for: the local activity ``front_end_keys``
  reads them from the store, and history records the answer, so replay decides alike.

A start that fails ends the run at once as failed (type ``NotStartedByNapreview``), with the
reason in history, and nothing sent or written.
"""

from __future__ import annotations

from pydantic import BaseModel
from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from napreview.schemas.proof import Proof, verify
    from napreview.schemas.refusals import Reason
    from napreview.workflows import contract

# One patch id per change: runs started before it keep running as they started.
SIGNED_START = "signed-start"


async def check_start(
    step: str, signed: BaseModel, proof: Proof | None, parent: str | None
) -> None:
    """Raise ``NotStartedByNapreview`` unless this run was started by napreview (above).

    ``signed`` is the whole start input (its ``proof`` field is left out of what is signed);
    ``parent``: the workflow id of the parent that may start this one, if any.
    """
    info = workflow.info()
    if info.continued_run_id:
        return
    if parent is not None and info.parent is not None and info.parent.workflow_id == parent:
        return
    keys = await workflow.execute_local_activity(
        contract.FRONT_END_KEYS,
        result_type=dict[str, str],
        start_to_close_timeout=contract.ACTIVITY_TIMEOUT,
        retry_policy=contract.ACTIVITY_RETRY,
    )
    reason = verify(proof, step, info.workflow_id, signed, keys, info.workflow_start_time)
    if reason is None:
        return
    why = Reason(code="not_started_by_napreview", params={"detail": reason.english()})
    raise ApplicationError(
        why.english(),
        why.model_dump(mode="json"),
        type=contract.NOT_STARTED_BY_NAPREVIEW,
        non_retryable=True,
    )
