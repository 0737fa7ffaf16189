"""Record the histories `tests/test_replay.py` replays: real reviews driven on real servers.

    .venv/bin/python -m tests.record_histories [OUT_DIR]      (default tests/histories)

Re-record only on purpose. A history recorded with today's code replays with today's code by
construction; the committed files matter because they were recorded with the code that was
released, so that a later change which breaks running reviews fails `make test`. After an
intended, versioned change (`workflow.patched`), keep the old files and add new ones.

The completed, returned-and-revised and withdrawn reviews and the cancelled cycle run on the
dev server (updates need it); the overdue review runs on the time-skipping server, which lets
the deadline pass in a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from napreview.people import signing
from napreview.schemas.examples import example_self_assessment
from napreview.schemas.follow_up import FollowUpState, ItemStatus, ItemUpdate, ProgressReport
from napreview.schemas.review import (
    Decision,
    Durations,
    Extend,
    ReplaceReviewer,
    RespondToRecommendations,
    SignOff,
    Stage,
    SubmitSelfAssessment,
    Withdraw,
)
from napreview.schemas.submissions import DocumentKind, DocumentRef
from napreview.services import cycles, follow_up, steps
from napreview.services.errors import NotFoundError, StepRefused
from napreview.store.records import Store
from napreview.temporal.dev_server import pragma_args, temporal_cli_path, test_server_path
from napreview.workflows import contract
from napreview.workflows.contract import SEARCH_ATTRIBUTES

from .conftest import make_store, running_worker
from .helpers import (
    SECRETARIAT,
    answer_all,
    at_stage,
    complete_review,
    fp,
    handle,
    signal,
    start_cycle,
    state_when,
    submit_pr,
    submit_sa,
)

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN", "AU"]


async def _save(client: Client, workflow_id: str, out: Path, name: str) -> None:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    (out / name).write_text(history.to_json() + "\n", encoding="utf-8")
    print(f"{name}: {len(history.events)} events of {workflow_id}")


async def _completed(client: Client, store: Store, cycle: str) -> None:
    """Germany: refusals, a substitution of a reviewer, an extension, responses, approval."""
    state = await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
    with contextlib.suppress(StepRefused):
        await submit_sa(client, store, cycle, "DEU", fp("FRA"))
    france = store.people.actor(fp("FRA"))
    await signal(
        client, cycle, "DEU", "extend", Extend(actor=france, by=timedelta(days=14), reason="please")
    )
    await state_when(client, cycle, "DEU", lambda s: s.rejected)
    # A document the store does not hold: refused at the door since patch 'documents-signed'
    # (before it, the validator let it through and the handler refused).
    germany = store.people.actor(fp("DEU"))
    with contextlib.suppress(StepRefused, NotFoundError):
        await steps.review_step(
            client,
            store,
            cycle,
            "DEU",
            "submit_self_assessment",
            SubmitSelfAssessment(actor=germany, document=DocumentRef(id="0" * 32, sha256="0" * 64)),
        )
    await submit_sa(client, store, cycle, "DEU")
    state = await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
    leaving = state.reviewers[0].member
    await steps.review_step(
        client,
        store,
        cycle,
        "DEU",
        "replace_reviewer",
        ReplaceReviewer(actor=germany, reviewer=leaving),
    )
    state = await steps.review_state(client, cycle, "DEU")
    secretariat = store.people.actor(SECRETARIAT)
    await steps.review_step(
        client,
        store,
        cycle,
        "DEU",
        "extend",
        Extend(actor=secretariat, by=timedelta(days=7), reason="Elections in the capital"),
    )
    reviewers = [s.member for s in state.reviewers if s.status.value == "active"]
    for reviewer in reviewers:
        await submit_pr(client, store, cycle, "DEU", reviewer)
    await answer_all(client, store, cycle, "DEU")
    await steps.review_step(
        client,
        store,
        cycle,
        "DEU",
        "respond_to_recommendations",
        RespondToRecommendations(actor=germany, responses={f"{reviewers[0]}#1": "supported"}),
    )
    await at_stage(client, cycle, "DEU", Stage.SIGN_OFF)
    await steps.review_step(
        client,
        store,
        cycle,
        "DEU",
        "sign_off",
        SignOff(actor=secretariat, decision=Decision.APPROVE, comments="Well done."),
    )
    await handle(client, cycle, "DEU").result()


async def _returned(client: Client, store: Store, cycle: str) -> None:
    """France: returned for revision once, revised, approved in round 2."""
    state = await at_stage(client, cycle, "FRA", Stage.SELF_ASSESSMENT)
    await submit_sa(client, store, cycle, "FRA")
    await at_stage(client, cycle, "FRA", Stage.PEER_REVIEW)
    for slot in state.reviewers:
        await submit_pr(client, store, cycle, "FRA", slot.member)
    await answer_all(client, store, cycle, "FRA")
    await at_stage(client, cycle, "FRA", Stage.SIGN_OFF)
    secretariat = store.people.actor(SECRETARIAT)
    await steps.review_step(
        client,
        store,
        cycle,
        "FRA",
        "sign_off",
        SignOff(
            actor=secretariat,
            decision=Decision.RETURN_FOR_REVISION,
            comments="Please add the budget.",
        ),
    )
    await state_when(client, cycle, "FRA", lambda s: s.round == 2)
    await submit_sa(client, store, cycle, "FRA")
    await state_when(client, cycle, "FRA", lambda s: s.stage is Stage.SIGN_OFF and s.round == 2)
    await steps.review_step(
        client,
        store,
        cycle,
        "FRA",
        "sign_off",
        SignOff(actor=secretariat, decision=Decision.APPROVE, comments="Thank you."),
    )
    await handle(client, cycle, "FRA").result()


async def _withdrawn(client: Client, store: Store, cycle: str) -> None:
    """Mexico: withdrawn by the secretariat during peer review."""
    await at_stage(client, cycle, "MEX", Stage.SELF_ASSESSMENT)
    await submit_sa(client, store, cycle, "MEX")
    await at_stage(client, cycle, "MEX", Stage.PEER_REVIEW)
    await steps.review_step(
        client,
        store,
        cycle,
        "MEX",
        "withdraw",
        Withdraw(actor=store.people.actor(SECRETARIAT), reason="Membership suspended"),
    )
    await handle(client, cycle, "MEX").result()


async def record_on_dev_server(out: Path, tmp: Path) -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()),
        search_attributes=SEARCH_ATTRIBUTES,
        data_converter=pydantic_data_converter,
        dev_server_extra_args=pragma_args(),
    )
    try:
        store = make_store("sqlite", tmp)
        client = env.client
        async with running_worker(client, store, tmp) as settings:
            cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
            await _completed(client, store, cycle)
            await _returned(client, store, cycle)
            await _withdrawn(client, store, cycle)
            await cycles.cancel_cycle(
                client, store, cycle, store.people.actor(SECRETARIAT), "Recorded for tests"
            )
            await client.get_workflow_handle(contract.cycle_workflow_id(cycle)).result()
            await _save(
                client, contract.review_workflow_id(cycle, "DEU"), out, "review-completed.json"
            )
            await _save(
                client, contract.review_workflow_id(cycle, "FRA"), out, "review-returned.json"
            )
            await _save(
                client, contract.review_workflow_id(cycle, "MEX"), out, "review-withdrawn.json"
            )
            await _save(client, contract.cycle_workflow_id(cycle), out, "cycle-cancelled.json")
    finally:
        await env.shutdown()


async def _register_search_attributes(client: Client) -> None:
    kinds = {
        key.name: IndexedValueType.INDEXED_VALUE_TYPE_BOOL
        if key.name == contract.NAP_OVERDUE.name
        else IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
        for key in SEARCH_ATTRIBUTES
    }
    # Already there, or a server that accepts any attribute: either way, carry on.
    with contextlib.suppress(RPCError):
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace="default", search_attributes=kinds)
        )


async def record_overdue(out: Path, tmp: Path) -> None:
    """Germany misses its deadline: reminder, overdue notice, extension, withdrawal."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(test_server_path()),
        data_converter=pydantic_data_converter,
    )
    try:
        client = env.client
        await _register_search_attributes(client)
        store = make_store("sqlite", tmp)
        durations = Durations(self_assessment=timedelta(days=10), reminder=timedelta(days=3))
        async with running_worker(client, store, tmp) as settings:
            cycle = await start_cycle(
                client, store, settings.task_queue, MEMBERS[:4], durations=durations
            )
            review = handle(client, cycle, "DEU")
            await state_when(client, cycle, "DEU", lambda s: s.letters)
            await env.sleep(timedelta(days=8))
            await state_when(client, cycle, "DEU", lambda s: len(s.letters) >= 2)
            await env.sleep(timedelta(days=3))
            await state_when(client, cycle, "DEU", lambda s: s.overdue)
            secretariat = store.people.actor(SECRETARIAT)
            extend = Extend(actor=secretariat, by=timedelta(days=5), reason="Late mail")
            now = await env.get_current_time()
            await signal(client, cycle, "DEU", "extend", extend, at=now)
            await state_when(client, cycle, "DEU", lambda s: not s.overdue)
            # A late self-assessment from the wrong person, sent as a signal: refused.
            document = store.documents.save(
                kind=DocumentKind.SELF_ASSESSMENT,
                cycle=cycle,
                member="DEU",
                submitted_by=fp("FRA"),
                body=example_self_assessment(store.members.get("DEU")).model_dump(mode="json"),
            )
            wrong = SubmitSelfAssessment(actor=store.people.actor(fp("FRA")), document=document)
            now = await env.get_current_time()
            await signal(client, cycle, "DEU", "submit_self_assessment", wrong, at=now)
            await state_when(client, cycle, "DEU", lambda s: s.rejected)
            withdraw = Withdraw(actor=secretariat, reason="No answer")
            now = await env.get_current_time()
            await signal(client, cycle, "DEU", "withdraw", withdraw, at=now)
            await review.result()
            await _save(
                client, contract.review_workflow_id(cycle, "DEU"), out, "review-overdue.json"
            )
    finally:
        await env.shutdown()


async def record_follow_up(out: Path, tmp: Path) -> None:
    """Germany's review approved under patch 'follow-up', and the follow-up it started: an item
    updated, a refused step, a progress report, its acknowledgement, until every item settled."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()),
        search_attributes=SEARCH_ATTRIBUTES,
        data_converter=pydantic_data_converter,
        dev_server_extra_args=pragma_args(),
    )
    try:
        store = make_store("sqlite", tmp)
        client = env.client
        async with running_worker(client, store, tmp) as settings:
            cycle = await start_cycle(client, store, settings.task_queue, MEMBERS[:4])
            await complete_review(client, store, cycle, "DEU")
            workflow_id = contract.follow_up_workflow_id(cycle, "DEU")
            handle = client.get_workflow_handle(workflow_id)
            items = []
            while not items:
                with contextlib.suppress(RPCError):
                    items = (await handle.query("state", result_type=FollowUpState)).items
                await asyncio.sleep(0.2)
            germany, secretariat = store.people.actor(fp("DEU")), store.people.actor(SECRETARIAT)
            first = ItemUpdate(
                key=items[0].key, status=ItemStatus.UNDER_WAY, lead_institution="BMZ"
            )
            await follow_up.update_item(client, store, germany, cycle, "DEU", first)
            with contextlib.suppress(StepRefused):
                await follow_up.acknowledge(client, store, germany, cycle, "DEU", 1)
            settled = [ItemUpdate(key=i.key, status=ItemStatus.DONE) for i in items]
            body = ProgressReport(narrative="Done.", updates=settled)
            await follow_up.report(client, store, germany, cycle, "DEU", body)
            await follow_up.acknowledge(client, store, secretariat, cycle, "DEU", 1, "Thanks.")
            await handle.result()
            await _save(
                client, contract.review_workflow_id(cycle, "DEU"), out, "review-completed.json"
            )
            await _save(client, workflow_id, out, "follow-up-closed.json")
    finally:
        await env.shutdown()


async def main(out: Path, only_follow_up: bool = False) -> None:
    out.mkdir(parents=True, exist_ok=True)
    # Commands are signed as a front end signs them, with a key ring of this run's own.
    signing.use(signing.Signer.ephemeral())
    with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
        if only_follow_up:
            await record_follow_up(out, Path(first))
            return
        await record_on_dev_server(out, Path(first))
        await record_overdue(out, Path(second))


if __name__ == "__main__":
    # `... record_histories --follow-up OUT`: only the follow-up and the review that started it.
    follow_up_only = "--follow-up" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--follow-up"]
    target = Path(args[0]) if args else Path(__file__).parent / "histories"
    asyncio.run(main(target, follow_up_only))
