"""`napreview audit` on Germany's review, driven on the real dev server (DESIGN §8, §10.2).

An auditor, with no acting person, answers "who submitted Germany's self-assessment, when,
and was anything refused?" from one command; exports the review; checks the export offline;
and sees every kind of tampering named.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from napreview.audit.replay import replay
from napreview.cli import audit as cli_audit
from napreview.cli.audit import register
from napreview.schemas.review import (
    Decision,
    Extend,
    SignOff,
    Stage,
)
from napreview.services import cycles, steps
from napreview.services.audit import reads_of
from napreview.services.errors import StepRefused
from napreview.store.records import Store
from napreview.workflows.cycle import CycleWorkflow

from ..conftest import make_store, running_worker
from ..helpers import (
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
from ..workflows.test_replay import ReviewThatWaitsFirst

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN", "AU"]


@dataclass
class Audited:
    cycle: str
    env: dict[str, str | None]
    started: datetime
    folder: Path


@pytest.fixture(scope="module")
async def germany(dev_env, tmp_path_factory) -> AsyncIterator[Audited]:
    """Germany's review, completed, with a refused update and a refused signal on the way."""
    tmp = tmp_path_factory.mktemp("audit")
    store = make_store("sqlite", tmp)
    client = dev_env.client
    started = datetime.now(UTC)
    async with running_worker(client, store, tmp) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        state = await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        with pytest.raises(StepRefused):
            await submit_sa(client, store, cycle, "DEU", fp("FRA"))
        await signal(
            client,
            cycle,
            "DEU",
            "extend",
            Extend(actor=store.people.actor(fp("FRA")), by="P14D", reason="please"),
        )
        await state_when(client, cycle, "DEU", lambda s: s.rejected)
        with pytest.raises(StepRefused):
            await cycles.cancel_cycle(client, store, cycle, store.people.actor(fp("DEU")), "no")
        await submit_sa(client, store, cycle, "DEU")
        await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
        for slot in state.reviewers:
            await submit_pr(client, store, cycle, "DEU", slot.member)
        await answer_all(client, store, cycle, "DEU")
        await at_stage(client, cycle, "DEU", Stage.SIGN_OFF)
        await steps.review_step(
            client,
            store,
            cycle,
            "DEU",
            "sign_off",
            SignOff(
                actor=store.people.actor(SECRETARIAT),
                decision=Decision.APPROVE,
                comments="Well done.",
            ),
        )
        await handle(client, cycle, "DEU").result()
    env = auditor_env(tmp, store, client)
    yield Audited(cycle=cycle, env=env, started=started, folder=tmp)
    store.engine.dispose()


def napreview(germany: Audited, *args: str) -> Result:
    """`napreview audit ...` through Typer, in a thread of its own (it runs its own loop)."""
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """napreview, with the audit command only."""

    register(app)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(CliRunner().invoke, app, list(args), env=germany.env).result()


def test_who_submitted_germanys_self_assessment_when_and_what_was_refused(germany):
    result = napreview(germany, "audit", germany.cycle, "DEU", "--json")
    assert result.exit_code == 0, result.output
    audit = json.loads(result.stdout)
    assert audit["workflow_id"] == f"review-{germany.cycle}-DEU"
    assert audit["run_id"] and len(audit["sha256"]) == 64
    assert set(audit["events"][0]) >= {"event_id", "time", "kind", "stage", "actor", "detail"}

    submitted = [
        e
        for e in audit["events"]
        if e["kind"] == "step" and e["detail"].get("step") == "submit_self_assessment"
    ]
    assert len(submitted) == 1
    actor = submitted[0]["actor"]
    assert actor["person_id"].startswith("p-")  # history names an opaque id; the store, who
    assert {k: actor[k] for k in ("email", "role", "member")} == {
        "email": "fp.deu@example.org",
        "role": "focal_point",
        "member": "DEU",
    }
    when = datetime.fromisoformat(submitted[0]["time"])
    assert germany.started <= when <= datetime.now(UTC)

    refused = [e for e in audit["events"] if e["kind"] == "refused"]
    assert len(refused) == 2
    # The update a validator refused never reached history: it comes from the store.
    by_update = next(e for e in refused if e["event_id"] is None)
    assert by_update["actor"]["email"] == "fp.fra@example.org"
    assert by_update["detail"]["step"] == "submit_self_assessment"
    assert "only the focal point of Germany" in by_update["detail"]["refusal"]
    assert datetime.fromisoformat(by_update["time"]) < when
    # The refused signal is in history; the replay says the workflow refused it, and why.
    by_signal = next(e for e in refused if e["event_id"] is not None)
    assert by_signal["detail"]["step"] == "extend" and by_signal["detail"]["via"] == "signal"
    assert "only the secretariat" in by_signal["detail"]["refusal"]
    times = [e["time"] for e in audit["events"] if e["event_id"] is None]
    assert times == sorted(times)


def test_the_table_reads_as_sentences(germany):
    wide = Audited(
        germany.cycle, {**germany.env, "COLUMNS": "200"}, germany.started, germany.folder
    )
    result = napreview(wide, "audit", germany.cycle, "DEU")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    submitted = next(line for line in lines if "Self-assessment submitted — accepted" in line)
    assert "fp.deu@example.org (focal point of DEU)" in submitted
    refused = next(line for line in lines if "Deadline extension by 14d (please) — refused" in line)
    assert "fp.fra@example.org (focal point of FRA)" in refused


def test_verify_replays_with_the_current_code(germany):
    result = napreview(germany, "audit", germany.cycle, "DEU", "--verify", "--json")
    assert result.exit_code == 0, result.output
    replay = json.loads(result.stdout)["replay"]
    assert (replay["deterministic"], replay["error"], replay["replayed_in_full"]) == (
        True,
        None,
        True,
    )
    assert replay["unresolved"] == []
    assert replay["signatures"]["ok"] and replay["signatures"]["signed"] >= 6
    # Both results: as the workers run it (the shim) and under the Temporal SDK alone.
    assert replay["with_shim"] == replay["plain_sdk"] == {"deterministic": True, "error": None}


def test_the_cycle_workflow_has_a_timeline_too(germany):
    result = napreview(germany, "audit", germany.cycle, "--json")
    assert result.exit_code == 0, result.output
    audit = json.loads(result.stdout)
    assert audit["workflow_id"] == f"cycle-{germany.cycle}"
    draw = next(e for e in audit["events"] if e["kind"] == "draw")
    assert draw["detail"]["seed"] == 7
    finished = next(e for e in audit["events"] if e["kind"] == "review_finished")
    assert finished["detail"]["member"] == "DEU"
    assert audit["status"] == "running"  # the other reviews are still open
    # Germany's focal point tried to cancel the cycle: recorded in the store, shown here.
    refused = next(e for e in audit["events"] if e["kind"] == "refused")
    assert refused["detail"]["step"] == "cancel_cycle" and refused["event_id"] is None
    assert refused["actor"]["email"] == "fp.deu@example.org"


def test_a_running_review_has_a_timeline(germany):
    result = napreview(germany, "audit", germany.cycle, "FRA", "--json")
    assert result.exit_code == 0, result.output
    audit = json.loads(result.stdout)
    assert audit["status"] == "running"
    assert [e["kind"] for e in audit["events"]][:2] == ["started", "stage"]
    assert any(e["detail"].get("kind") == "invitation" for e in audit["events"])


def test_a_history_the_current_code_cannot_replay_fails_verify(germany, monkeypatch):
    async def changed(history):
        return await replay(history, [CycleWorkflow, ReviewThatWaitsFirst])

    monkeypatch.setattr(cli_audit, "replay", changed)
    verified = napreview(germany, "audit", germany.cycle, "DEU", "--verify")
    assert verified.exit_code == 1
    assert "does not replay with the current workflow code" in verified.stderr
    # Without --verify the timeline still shows, but no signal outcome is guessed.
    shown = napreview(germany, "audit", germany.cycle, "DEU", "--json")
    assert shown.exit_code == 0
    extend = next(
        e for e in json.loads(shown.stdout)["events"] if e["detail"].get("step") == "extend"
    )
    assert extend["detail"]["outcome"] == "unknown"


def test_unknown_member_or_cycle_is_not_found(germany):
    assert napreview(germany, "audit", germany.cycle, "ZZZ").exit_code == 4
    assert napreview(germany, "audit", "1999-none", "DEU").exit_code == 4


@pytest.fixture(scope="module")
def exported(germany) -> Path:
    folder = germany.folder / "export"
    result = napreview(germany, "audit", germany.cycle, "DEU", "--export", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def test_export_holds_history_timeline_letters_and_manifest(exported, germany):
    names = {p.relative_to(exported).as_posix() for p in exported.rglob("*") if p.is_file()}
    assert {"history.json", "timeline.json", "manifest.json"} <= names
    timeline = json.loads((exported / "timeline.json").read_text())
    letters = [e["detail"] for e in timeline["events"] if e["kind"] == "letter"]
    assert letters and letters[0]["kind"] == "invitation"
    for letter in letters:
        assert f"letters/{letter['id']}.txt" in names
        assert f"letters/{letter['id']}.html" in names
    manifest = json.loads((exported / "manifest.json").read_text())
    history = json.loads((exported / "history.json").read_text())
    assert len(manifest["chain"]["events"]) == len(history["events"])
    assert set(manifest["files"]) == names - {"manifest.json"}
    # A second export into the same folder is refused: nothing is mixed or overwritten.
    again = napreview(germany, "audit", germany.cycle, "DEU", "--export", str(exported))
    assert again.exit_code == 2


def test_an_untouched_export_verifies_offline(exported, germany):
    offline = Audited(
        germany.cycle,
        {
            **germany.env,
            "NAPREVIEW_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
            "NAPREVIEW_TEMPORAL_ADDRESS": "127.0.0.1:1",
        },
        germany.started,
        germany.folder,
    )
    result = napreview(offline, "audit", "verify-export", str(exported))
    assert result.exit_code == 0, result.output
    assert "intact" in result.stdout
    manifest = json.loads((exported / "manifest.json").read_text())
    assert manifest["digest"] in " ".join(result.stdout.split())


def _tampered(exported: Path, tmp_path: Path, change) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(exported, copy)
    change(copy)
    return copy


def _edit_byte(path: Path, needle: bytes) -> None:
    data = bytearray(path.read_bytes())
    at = data.index(needle)
    data[at] = ord("9") if data[at] != ord("9") else ord("8")
    path.write_bytes(bytes(data))


def _first_letter(folder: Path) -> Path:
    return sorted((folder / "letters").glob("*.txt"))[0]


def _reorder(folder: Path) -> None:
    path = folder / "history.json"
    history = json.loads(path.read_text())
    events = history["events"]
    events[4], events[5] = events[5], events[4]
    path.write_text(json.dumps(history, indent=2))


def _remove(folder: Path) -> None:
    path = folder / "history.json"
    history = json.loads(path.read_text())
    del history["events"][7]
    path.write_text(json.dumps(history, indent=2))


def _edit_event_time(folder: Path) -> None:
    path = folder / "history.json"
    text = path.read_text()
    marker = '"eventId": "3"'
    start = text.index(marker)
    time_at = text.index('"eventTime": "', start) + len('"eventTime": "') + 3
    path.write_text(text[:time_at] + ("9" if text[time_at] != "9" else "8") + text[time_at + 1 :])


@pytest.mark.parametrize(
    ("change", "culprit"),
    [
        (_edit_event_time, "history.json, event 3: edited"),
        (_reorder, "history.json, event 5: missing or out of order"),
        (_remove, "history.json, event 8: missing or out of order"),
        (lambda f: _edit_byte(_first_letter(f), b"e"), "letters/"),
        (lambda f: _edit_byte(f / "timeline.json", b"2"), "timeline.json"),
        (
            lambda f: (f / "history.json").write_text((f / "history.json").read_text() + " "),
            "history.json was changed",
        ),
        (lambda f: (f / "letters" / "forged.txt").write_text("x"), "letters/forged.txt"),
        (lambda f: _first_letter(f).unlink(), "is missing"),
        (lambda f: _edit_byte(f / "manifest.json", b"a"), "manifest.json"),
    ],
    ids=[
        "event-edited",
        "events-reordered",
        "event-removed",
        "letter-edited",
        "timeline-edited",
        "history-padded",
        "file-added",
        "letter-removed",
        "manifest-edited",
    ],
)
def test_tampering_is_detected_and_named(exported, germany, tmp_path, change, culprit):
    copy = _tampered(exported, tmp_path, change)
    result = napreview(germany, "audit", "verify-export", str(copy))
    assert result.exit_code == 3, result.output
    assert "tampered" in result.stderr
    assert culprit in " ".join(result.stderr.split())


# --------------------------------------------------------------------------- who may read


def _as(germany: Audited, email: str | None) -> Audited:
    return Audited(
        germany.cycle, {**germany.env, "NAPREVIEW_USER": email}, germany.started, germany.folder
    )


def _store(germany: Audited) -> Store:
    return Store.from_url(str(germany.env["NAPREVIEW_DATABASE_URL"]))


def test_reading_an_audit_needs_someone_to_say_who_reads(germany):
    result = napreview(_as(germany, None), "audit", germany.cycle, "DEU")
    assert result.exit_code == 2
    assert "Say who is acting" in result.stderr and "Traceback" not in result.output


def test_a_focal_point_audits_its_own_members_review_and_nothing_else(germany):
    store = _store(germany)
    own = napreview(_as(germany, fp("DEU")), "audit", germany.cycle, "DEU", "--json")
    assert own.exit_code == 0, own.output
    assert json.loads(own.stdout)["workflow_id"] == f"review-{germany.cycle}-DEU"

    other = napreview(_as(germany, fp("FRA")), "audit", germany.cycle, "DEU")
    assert other.exit_code == 3
    assert "may not read the audit trail of the review of DEU" in " ".join(other.stderr.split())
    cycle_itself = napreview(_as(germany, fp("DEU")), "audit", germany.cycle)
    assert cycle_itself.exit_code == 3
    refused = [r for r in store.refusals.of_review(germany.cycle, "DEU") if r.step == "read_audit"]
    assert [r.actor for r in refused] == [store.people.actor(fp("FRA")).person_id]
    secretariat = napreview(_as(germany, SECRETARIAT), "audit", germany.cycle, "--json")
    assert secretariat.exit_code == 0, secretariat.output


def test_each_read_of_an_audit_is_recorded_who_what_when(germany, tmp_path):
    store = _store(germany)
    workflow_id = f"review-{germany.cycle}-DEU"
    before = len(reads_of(store, workflow_id))
    started = datetime.now(UTC)
    args = ("audit", germany.cycle, "DEU", "--verify", "--export", str(tmp_path / "bundle"))
    result = napreview(_as(germany, SECRETARIAT), *args)
    assert result.exit_code == 0, result.output
    refused = napreview(_as(germany, fp("MEX")), "audit", germany.cycle, "DEU")
    assert refused.exit_code == 3
    reads = reads_of(store, workflow_id)[before:]
    assert len(reads) == 1  # the refused one is a refusal, not a read
    read = reads[0]
    secretariat = store.people.actor(SECRETARIAT)
    assert (read.person_id, read.email, read.role) == (
        secretariat.person_id,
        SECRETARIAT,
        "secretariat",
    )
    assert (read.cycle_id, read.member_code) == (germany.cycle, "DEU")
    assert read.what == "timeline, replay check, export" and read.via == "command line"
    assert started <= read.at <= datetime.now(UTC)


# --------------------------------------------------------------------------- signatures


def test_the_export_carries_the_keys_and_every_signed_step(exported, germany, front_end_keys):
    signatures = json.loads((exported / "signatures.json").read_text())
    active = front_end_keys.active
    assert signatures["keys_at_start"] == {active: front_end_keys.public_keys()[active]}
    steps = {s["step"] for s in signatures["steps"]}
    assert {"submit_self_assessment", "submit_peer_review", "sign_off"} <= steps
    sign_off = next(s for s in signatures["steps"] if s["step"] == "sign_off")
    assert sign_off["verdict"] == "holds" and sign_off["command"]["proof"]["key_id"] == active
    # the refused extension was signed too, but by France's focal point: refused all the same
    extension = next(s for s in signatures["steps"] if s["step"] == "extend")
    assert extension["verdict"] == "holds" and extension["via"] == "signal"

    result = napreview(germany, "audit", "verify-export", str(exported))
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    count = len(signatures["steps"])
    assert f"Signatures: {count} signed step(s), {count} of them hold" in said
    assert "every step the workflow took holds" in said


def _edit_sign_off(folder: Path) -> int:
    """Change the secretariat's comments in the signed sign-off, as a forger would."""
    path = folder / "history.json"
    history = json.loads(path.read_text())
    for event in history["events"]:
        accepted = event.get("workflowExecutionUpdateAcceptedEventAttributes")
        if accepted and accepted["acceptedRequest"]["input"]["name"] == "do_sign_off":
            payload = accepted["acceptedRequest"]["input"]["args"]["payloads"][0]
            command = json.loads(base64.b64decode(payload["data"]))
            command["comments"] = "Well done, and the budget gap is waived."
            payload["data"] = base64.b64encode(json.dumps(command).encode()).decode()
            path.write_text(json.dumps(history, indent=2))
            return int(event["eventId"])
    raise AssertionError("no sign-off in history")


def test_a_command_edited_after_export_fails_the_chain_and_its_signature(exported, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(exported, copy)
    event = _edit_sign_off(copy)
    result = napreview_offline("audit", "verify-export", str(copy), "--json")
    assert result.exit_code == 3
    verdict = json.loads(result.stdout)
    assert not verdict["intact"]
    assert verdict["problem"] == f"history.json, event {event}: edited after export " + (
        "(its link in the hash chain does not match)."
    )
    assert not verdict["signatures"]["ok"]
    assert f"event {event} (sign_off update from p-" in verdict["signatures"]["said"]
    assert "signature does not match its content" in verdict["signatures"]["said"]
    assert any(p.startswith("Signatures:") for p in verdict["problems"])


def napreview_offline(*args: str) -> Result:
    """The command with no database and no Temporal service within reach."""
    env = {
        "NAPREVIEW_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "NAPREVIEW_TEMPORAL_ADDRESS": "127.0.0.1:1",
        "NAPREVIEW_USER": None,
        "NAPREVIEW_CODEC_KEYS": None,
    }
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """napreview, with the audit command only."""

    register(app)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(CliRunner().invoke, app, list(args), env=env).result()
