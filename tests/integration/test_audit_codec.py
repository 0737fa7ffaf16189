"""Audits of encrypted histories (issue #11 item 5): with NAPREVIEW_CODEC_KEYS set, Temporal holds
ciphertext only, and `audit`, `--verify`, `--export`, `verify-export` and the portal's timeline
read it all the same, decrypted with the workers' own codec.

The cycle runs on a worker and a client that encrypt every payload, on the real dev server.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from typer.testing import CliRunner, Result

from napreview.audit.export import export_bundle
from napreview.audit.payloads import decoded
from napreview.audit.timeline import build_timeline
from napreview.cli.audit import register
from napreview.people.accounts import EXAMPLE_PASSWORD, Accounts
from napreview.schemas.review import (
    Decision,
    Extend,
    SignOff,
    Stage,
)
from napreview.services import steps
from napreview.store.records import Store
from napreview.temporal.codec import (
    ENCODING,
    EncryptionCodec,
    new_key,
    parse_keys,
)
from napreview.web.app import create_app
from napreview.web.config import PortalSettings
from napreview.worker import build_worker

from ..conftest import make_store, settings_for
from ..helpers import (
    AUDITOR,
    SECRETARIAT,
    answer_all,
    at_stage,
    auditor_env,
    fp,
    handle,
    signal,
    start_cycle,
    state_when,
    submit_pr,
    submit_sa,
)

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN", "AU"]
KEYS = new_key("k2026")


@dataclass
class Encrypted:
    cycle: str
    env: dict[str, str | None]
    client: Client
    store: Store
    folder: Path
    settings: Any


@pytest.fixture(scope="module")
async def encrypted(dev_env, tmp_path_factory) -> AsyncIterator[Encrypted]:
    """Germany's review, completed with a refused signal on the way, every payload encrypted."""
    tmp = tmp_path_factory.mktemp("codec")
    store = make_store("sqlite", tmp)
    codec = EncryptionCodec(parse_keys(KEYS))
    client = await Client.connect(
        dev_env.client.service_client.config.target_host,
        data_converter=dataclasses.replace(pydantic_data_converter, payload_codec=codec),
    )
    settings = settings_for(store, tmp)
    async with build_worker(client, settings, store):
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        state = await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        refused = Extend(actor=store.people.actor(fp("FRA")), by="P14D", reason="please")
        await signal(client, cycle, "DEU", "extend", refused)
        await state_when(client, cycle, "DEU", lambda s: s.rejected)
        await submit_sa(client, store, cycle, "DEU")
        await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
        for slot in state.reviewers:
            await submit_pr(client, store, cycle, "DEU", slot.member)
        await answer_all(client, store, cycle, "DEU")
        await at_stage(client, cycle, "DEU", Stage.SIGN_OFF)
        decision = SignOff(
            actor=store.people.actor(SECRETARIAT), decision=Decision.APPROVE, comments="Bravo."
        )
        await steps.review_step(client, store, cycle, "DEU", "sign_off", decision)
        await handle(client, cycle, "DEU").result()
    env = auditor_env(tmp, store, client, NAPREVIEW_CODEC_KEYS=KEYS)
    yield Encrypted(cycle, env, client, store, tmp, settings)
    store.engine.dispose()


def napreview(env: dict[str, str | None], *args: str) -> Result:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """napreview, with the audit command only."""

    register(app)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(CliRunner().invoke, app, list(args), env=env).result()


def _without_keys(env: dict[str, str | None]) -> dict[str, str | None]:
    return {**env, "NAPREVIEW_CODEC_KEYS": None}


async def test_temporal_holds_only_ciphertext(encrypted, dev_env):
    history = await dev_env.client.get_workflow_handle(
        f"review-{encrypted.cycle}-DEU"
    ).fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    assert started.input.payloads[0].metadata["encoding"] == ENCODING
    assert b"Germany" not in history.events[0].SerializeToString()


def test_the_timeline_of_an_encrypted_review_reads_as_any_other(encrypted):
    result = napreview(encrypted.env, "audit", encrypted.cycle, "DEU", "--verify", "--json")
    assert result.exit_code == 0, result.output
    audit = json.loads(result.stdout)
    assert audit["replay"]["replayed_in_full"] and audit["replay"]["signatures"]["ok"]
    submitted = next(
        e for e in audit["events"] if e["detail"].get("step") == "submit_self_assessment"
    )
    assert submitted["actor"]["email"] == fp("DEU") and submitted["detail"]["outcome"] == "accepted"
    refused = next(e for e in audit["events"] if e["kind"] == "refused")
    assert (
        refused["actor"]["email"] == fp("FRA")
        and "only the secretariat" in refused["detail"]["refusal"]
    )
    assert [e["detail"]["kind"] for e in audit["events"] if e["kind"] == "letter"][
        -1
    ] == "final_feedback"
    assert audit["status"] == "completed"


def test_keys_that_cannot_be_used_are_said_in_words(encrypted):
    result = napreview(
        {**encrypted.env, "NAPREVIEW_CODEC_KEYS": "k1:not-base64"}, "audit", encrypted.cycle, "DEU"
    )
    assert result.exit_code == 1
    assert "NAPREVIEW_CODEC_KEYS cannot be used: Codec key 'k1' is not base64." in result.stderr
    assert "Traceback" not in result.output


def test_without_the_keys_the_audit_says_which_key_it_needs(encrypted):
    result = napreview(_without_keys(encrypted.env), "audit", encrypted.cycle, "DEU")
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "is encrypted" in said and "NAPREVIEW_CODEC_KEYS" in said and "k2026" in said
    assert "Traceback" not in result.output


@pytest.fixture(scope="module")
def exported(encrypted) -> Path:
    folder = encrypted.folder / "export"
    result = napreview(encrypted.env, "audit", encrypted.cycle, "DEU", "--export", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def test_the_export_holds_the_history_as_stored_and_decrypted(exported):
    manifest = json.loads((exported / "manifest.json").read_text())
    assert manifest["history"]["payloads"] == "decrypted"
    assert manifest["history"]["encrypted_file"] == "history.encrypted.json"
    assert manifest["history"]["codec_key_ids"] == ["k2026"]
    assert {"history.json", "history.encrypted.json"} <= set(manifest["files"])
    assert len(manifest["encrypted_chain"]["events"]) == len(manifest["chain"]["events"])
    plain = json.loads((exported / "history.json").read_text())["events"][0]
    payload = plain["workflowExecutionStartedEventAttributes"]["input"]["payloads"][0]
    assert json.loads(base64.b64decode(payload["data"]))["member"]["code"] == "DEU"
    stored = json.loads((exported / "history.encrypted.json").read_text())["events"][0]
    sealed = stored["workflowExecutionStartedEventAttributes"]["input"]["payloads"][0]
    assert base64.b64decode(sealed["metadata"]["encoding"]) == ENCODING


def test_an_auditor_with_the_keys_checks_the_decryption_offline(exported, encrypted):
    offline = {
        **encrypted.env,
        "NAPREVIEW_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "NAPREVIEW_TEMPORAL_ADDRESS": "127.0.0.1:1",
        "NAPREVIEW_USER": None,
    }
    with_keys = napreview(offline, "audit", "verify-export", str(exported))
    assert with_keys.exit_code == 0, with_keys.output
    said = " ".join(with_keys.stdout.split())
    assert "history.encrypted.json decrypts to history.json, event by event" in said
    assert "every step the workflow took holds" in said
    without = napreview(_without_keys(offline), "audit", "verify-export", str(exported))
    assert without.exit_code == 0, without.output
    assert "set NAPREVIEW_CODEC_KEYS" in " ".join(without.stdout.split())


async def test_a_bundle_rewritten_whole_is_caught_by_the_decryption(exported, encrypted, tmp_path):
    """A forger rewrites history.json (the CEDAW rating: nothing signed, no letter) and every
    digest after it; only the encrypted history, decrypted, tells."""
    stored = WorkflowHistory.from_json(
        f"review-{encrypted.cycle}-DEU", (exported / "history.encrypted.json").read_text()
    )
    plain = json.loads((exported / "history.json").read_text())
    forged_event = _forge_cedaw_rating(plain)
    forged = WorkflowHistory.from_json(stored.workflow_id, plain)
    timeline = build_timeline(forged)
    folder = tmp_path / "forged"
    export_bundle(folder, forged, timeline, [], _letters(timeline), stored=stored)

    caught = napreview(encrypted.env, "audit", "verify-export", str(folder))
    assert caught.exit_code == 3
    assert f"history.json, event {forged_event}: differs from what history.encrypted.json" in (
        " ".join(caught.stderr.split())
    )
    unchecked = napreview(_without_keys(encrypted.env), "audit", "verify-export", str(folder))
    assert unchecked.exit_code == 0  # without the keys, nothing else can tell


def _forge_cedaw_rating(history: dict[str, Any]) -> int:
    for event in history["events"]:
        completed = event.get("activityTaskCompletedEventAttributes")
        if not completed:
            continue
        payload = completed["result"]["payloads"][0]
        value = json.loads(base64.b64decode(payload["data"]))
        if isinstance(value, dict) and "rating" in value and "gaps" in value:
            value["rating"], value["gaps"] = "strong", 0
            payload["data"] = base64.b64encode(json.dumps(value).encode()).decode()
            return int(event["eventId"])
    raise AssertionError("no CEDAW check in history")


def _letters(timeline) -> list[str]:
    return sorted({e.detail["id"] for e in timeline.events if e.kind == "letter"})


async def test_decrypting_twice_gives_the_history_exported(encrypted, exported):
    codec = EncryptionCodec(parse_keys(KEYS))
    stored = WorkflowHistory.from_json("review", (exported / "history.encrypted.json").read_text())
    again = await decoded(stored, codec)
    assert json.loads(again.to_json()) == json.loads((exported / "history.json").read_text())


# --------------------------------------------------------------------------- the portal


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def test_the_portals_timeline_reads_an_encrypted_history(encrypted):
    Accounts(encrypted.store).give_example_passwords()
    app = create_app(encrypted.settings, PortalSettings(failure_delay=0.0), encrypted.store)
    app.state.portal._client = encrypted.client  # the portal's client, with the codec
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as browser:
        page = await browser.get("/sign-in")
        token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
        signed = await browser.post(
            "/sign-in",
            data={"email": AUDITOR, "password": EXAMPLE_PASSWORD, "csrf_token": token},
        )
        assert signed.status_code == 303
        timeline = await browser.get(f"/reviews/{encrypted.cycle}/DEU/timeline")
        assert timeline.status_code == 200
        assert "Self-assessment submitted" in timeline.text and fp("DEU") in timeline.text
        export = await browser.get(f"/reviews/{encrypted.cycle}/DEU/export")
        assert export.status_code == 200
        assert "history.encrypted.json" in export.content.decode("latin-1")
