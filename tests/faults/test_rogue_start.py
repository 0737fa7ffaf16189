"""Someone who reaches Temporal starts napreview's workflows with the `temporal` CLI (issue #20).

As the attack was made: a "review" of a member the cycle does not hold, started with no keys and
followed by an unsigned withdrawal "by the secretariat"; and a new run under the id of a review
that completed. With payload encryption on and off (the attacker sends plain JSON either way;
the workers still decode it, so encryption alone is no defence). Each run ends refused; no letter
is sent, the store's record does not change, the cycle still lists each member once, and
`napreview audit --verify` fails both runs."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowFailureError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError

from napreview.schemas.review import ReviewInput, Stage, Withdraw
from napreview.store.records import Store
from napreview.temporal.codec import EncryptionCodec, new_key, parse_keys
from napreview.temporal.dev_server import temporal_cli_path
from napreview.workflows import contract

from ..conftest import make_store, running_worker
from ..helpers import (
    AUDITOR,
    SECRETARIAT,
    complete_review,
    start_cycle,
)

MEMBERS = ["DEU", "FRA", "MEX", "NAM"]
EXIT_UNEXPECTED = 1  # DESIGN §10.2: audit --verify found what napreview would not write


@pytest.fixture(params=["plain", "encrypted"])
async def workers_client(request: pytest.FixtureRequest, dev_env) -> AsyncIterator[Client]:
    """The client the workers and front ends use: with the codec when payloads are encrypted."""
    keys = new_key("k2026") if request.param == "encrypted" else None
    converter = pydantic_data_converter
    if keys:
        converter = dataclasses.replace(
            pydantic_data_converter, payload_codec=EncryptionCodec(parse_keys(keys))
        )
    client = await Client.connect(
        dev_env.client.service_client.config.target_host, data_converter=converter
    )
    client.codec_keys = keys  # type: ignore[attr-defined]
    yield client


def temporal(client: Client, *args: str) -> None:
    """The attacker's tool: the `temporal` CLI that comes with the server, plain JSON input."""
    address = client.service_client.config.target_host
    done = subprocess.run(
        [str(temporal_cli_path()), *args, "--address", address],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def as_json(model: ReviewInput | Withdraw) -> str:
    return json.dumps(model.model_dump(mode="json"))


def record_of(store: Store, cycle: str, member: str) -> tuple[object, ...]:
    """What the store holds of one member's review: the read model's row and the letters."""
    rows = [r for r in store.reviews.of_cycle(cycle) if r.member == member]
    letters = sorted(
        (x.id, x.kind, x.recipient) for x in store.letters.list(cycle=cycle, member=member)
    )
    return (rows, letters)


async def ends_refused(client: Client, workflow_id: str) -> None:
    with pytest.raises(WorkflowFailureError) as failed:
        await asyncio.wait_for(client.get_workflow_handle(workflow_id).result(), 60)
    assert isinstance(failed.value.cause, ApplicationError)
    assert failed.value.cause.type == contract.NOT_STARTED_BY_NAPREVIEW


def audit_verify(client: Client, store: Store, home: Path, cycle: str, member: str) -> str:
    """`napreview audit CYCLE MEMBER --verify` as an auditor runs it; its exit and its words."""
    env = {
        **os.environ,
        "NAPREVIEW_HOME": str(home),
        "NAPREVIEW_DATABASE_URL": store.engine.url.render_as_string(hide_password=False),
        "NAPREVIEW_TEMPORAL_ADDRESS": client.service_client.config.target_host,
        "NAPREVIEW_USER": AUDITOR,
    }
    env.pop("NAPREVIEW_TOKEN", None)
    keys = getattr(client, "codec_keys", None)
    if keys:
        env["NAPREVIEW_CODEC_KEYS"] = keys
    else:
        env.pop("NAPREVIEW_CODEC_KEYS", None)
    done = subprocess.run(
        [sys.executable, "-m", "napreview.cli.app", "audit", cycle, member, "--verify"],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == EXIT_UNEXPECTED, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done.stdout + done.stderr


async def test_rogue_starts_from_the_temporal_cli_change_nothing(workers_client, tmp_path):
    client = workers_client
    store = make_store("sqlite", tmp_path)
    async with running_worker(client, store, tmp_path) as worker:
        cycle = await start_cycle(client, store, worker.task_queue, MEMBERS)
        await complete_review(client, store, cycle, "DEU")
        deu = contract.review_workflow_id(cycle, "DEU")
        before = {m: record_of(store, cycle, m) for m in ("DEU", "PER")}

        # 1. A review of Peru, which the cycle does not hold, and an unsigned withdrawal.
        rogue = ReviewInput(
            cycle=cycle,
            member=store.members.get("PER"),
            reviewers=["DEU", "FRA", "MEX"],
            seed=1,
            chair="NAM",
            trusted_keys={},
        )
        per = contract.review_workflow_id(cycle, "PER")
        temporal(
            client,
            "workflow", "start", "--type", contract.REVIEW_WORKFLOW,
            "--task-queue", worker.task_queue, "--workflow-id", per, "--input", as_json(rogue),
        )  # fmt: skip
        withdraw = Withdraw(actor=store.people.actor(SECRETARIAT), reason="forged")
        temporal(
            client,
            "workflow", "signal", "--workflow-id", per, "--name", "withdraw",
            "--input", as_json(withdraw),
        )  # fmt: skip
        await ends_refused(client, per)

        # 2. A new run under the id of Germany's completed review.
        again = rogue.model_copy(update={"member": store.members.get("DEU")})
        temporal(
            client,
            "workflow", "start", "--type", contract.REVIEW_WORKFLOW,
            "--task-queue", worker.task_queue, "--workflow-id", deu, "--input", as_json(again),
            "--id-reuse-policy", "AllowDuplicate",
        )  # fmt: skip
        await ends_refused(client, deu)

        after = {m: record_of(store, cycle, m) for m in ("DEU", "PER")}
        assert after == before
        listed = [r.member for r in store.reviews.of_cycle(cycle)]
        assert sorted(listed) == sorted(set(listed)) and "PER" not in listed
        assert {r.member: r.stage for r in store.reviews.of_cycle(cycle)}["DEU"] is (
            Stage.COMPLETED
        )
        for member in ("PER", "DEU"):
            said = audit_verify(client, store, tmp_path, cycle, member)
            assert "not started by napreview" in said, said
    store.engine.dispose()
