"""`napreview audit CYCLE MEMBER --follow-up` on Germany's follow-up, driven on the real dev server
(issue #22: "for auditors, the follow-up's timeline like a review's").

The approved review starts the follow-up; France's focal point tries to change one of Germany's
recommendations (refused); Germany's focal point changes one, sends a progress report; the
secretariat acknowledges it. An auditor reads who did what and when, replays the history and
re-checks every signature, exports it, and sees an edited or unsigned step named offline.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from napreview.schemas.follow_up import ItemStatus, ItemUpdate, ProgressReport
from napreview.services import follow_up
from napreview.services.audit import reads_of
from napreview.services.errors import StepRefused
from napreview.store.records import Store
from napreview.workflows import contract

from ..conftest import make_store, running_worker
from ..helpers import AUDITOR, SECRETARIAT, auditor_env, complete_review, fp, start_cycle
from ..workflows.test_follow_up import follow_up_when
from .test_audit import MEMBERS, Audited, napreview, napreview_offline


@pytest.fixture(scope="module")
async def germany(dev_env, tmp_path_factory) -> AsyncIterator[Audited]:
    tmp = tmp_path_factory.mktemp("audit-follow-up")
    store = make_store("sqlite", tmp)
    client = dev_env.client
    started = datetime.now(UTC)
    async with running_worker(client, store, tmp) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        await complete_review(client, store, cycle, "DEU")
        state = await follow_up_when(client, cycle, "DEU", lambda s: s.drawn, "items drawn")
        first, second = state.items[0].key, state.items[1].key
        with pytest.raises(StepRefused):
            await follow_up.update_item(
                client, store, store.people.actor(fp("FRA")), cycle, "DEU",
                ItemUpdate(key=first, status=ItemStatus.DONE),
            )  # fmt: skip
        germany = store.people.actor(fp("DEU"))
        await follow_up.update_item(
            client, store, germany, cycle, "DEU",
            ItemUpdate(key=first, status=ItemStatus.UNDER_WAY, lead_institution="Bundestag"),
        )  # fmt: skip
        body = ProgressReport(
            narrative="The budget line was adopted.",
            updates=[
                ItemUpdate(key=first, status=ItemStatus.DONE),
                ItemUpdate(key=second, status=ItemStatus.UNDER_WAY),
            ],
        )
        await follow_up.report(client, store, germany, cycle, "DEU", body)
        secretariat = store.people.actor(SECRETARIAT)
        await follow_up.acknowledge(client, store, secretariat, cycle, "DEU", 1, "Thank you.")
        await follow_up_when(
            client, cycle, "DEU", lambda s: s.reports[0].acknowledged_at, "acknowledged"
        )
    env = auditor_env(tmp, store, client)
    yield Audited(cycle=cycle, env=env, started=started, folder=tmp)
    await client.get_workflow_handle(contract.follow_up_workflow_id(cycle, "DEU")).terminate(
        "end of test"
    )
    store.engine.dispose()


def _audit(germany: Audited, *args: str, who: str = AUDITOR) -> Any:
    as_ = Audited(
        germany.cycle, {**germany.env, "NAPREVIEW_USER": who}, germany.started, germany.folder
    )
    return napreview(as_, "audit", germany.cycle, *args)


def _steps(audit: dict[str, Any], step: str) -> list[dict[str, Any]]:
    return [e for e in audit["events"] if e["detail"].get("step") == step]


def test_the_follow_ups_timeline_says_who_did_what_when_and_what_was_refused(germany):
    result = _audit(germany, "DEU", "--follow-up", "--json")
    assert result.exit_code == 0, result.output
    audit = json.loads(result.stdout)
    assert audit["workflow_id"] == f"follow-up-{germany.cycle}-DEU"
    assert audit["workflow_type"] == "FollowUp" and len(audit["sha256"]) == 64
    kinds = [e["kind"] for e in audit["events"]]
    assert kinds[:2] == ["started", "items_drawn"]
    assert audit["events"][0]["summary"] == (
        f"Follow-up of Germany (DEU) started after its review in cycle {germany.cycle}"
    )

    changed, refused = _steps(audit, "update_item")[-1], _steps(audit, "update_item")[0]
    # France's attempt never reached history (the validator refused it): the store kept it.
    assert refused["kind"] == "refused" and refused["event_id"] is None
    assert refused["actor"]["email"] == fp("FRA")
    assert "only the focal point of" in refused["detail"]["refusal"]
    # It names the item it was for, as people know it rather than by its key alone.
    key = changed["detail"]["update"]["key"]
    assert refused["detail"]["item"] == key
    assert refused["detail"]["reason"]["params"]["key"] == key
    assert refused["summary"].startswith("A change to ")
    assert key not in refused["summary"]
    assert changed["detail"]["outcome"] == "accepted" and changed["detail"]["signature"] == "holds"
    assert {k: changed["actor"][k] for k in ("email", "role", "member")} == {
        "email": fp("DEU"),
        "role": "focal_point",
        "member": "DEU",
    }
    assert changed["summary"].startswith(f"Recommendation {changed['detail']['update']['key']}: ")
    (report,) = _steps(audit, "submit_progress_report")
    assert report["summary"].startswith("Progress report sent, changing 2 recommendations by ")
    (acknowledged,) = _steps(audit, "acknowledge_report")
    assert acknowledged["actor"]["email"] == SECRETARIAT
    assert acknowledged["summary"].startswith("Progress report 1 acknowledged (“Thank you.”)")
    assert acknowledged["stage"] == "follow_up"

    # The review's own timeline names its follow-up and no longer shows the follow-up's refusals.
    review = json.loads(_audit(germany, "DEU", "--json").stdout)
    assert any(e["kind"] == "follow_up_started" for e in review["events"])
    assert not _steps(review, "update_item")


def test_verify_replays_the_follow_up_and_every_signature_holds(germany):
    result = _audit(germany, "DEU", "--follow-up", "--verify", "--json")
    assert result.exit_code == 0, result.output
    replay = json.loads(result.stdout)["replay"]
    assert (replay["deterministic"], replay["replayed_in_full"], replay["unresolved"]) == (
        True,
        True,
        [],
    )
    assert replay["with_shim"] == replay["plain_sdk"] == {"deterministic": True, "error": None}
    signatures = replay["signatures"]
    assert signatures["ok"] and signatures["signed"] == signatures["holding"] == 3
    said = _audit(germany, "DEU", "--follow-up", "--verify")
    assert said.exit_code == 0, said.output
    assert "3 signed step(s), 3 of them hold; every step the workflow took holds" in " ".join(
        said.stdout.split()
    )


def test_the_table_reads_as_sentences(germany):
    wide = Audited(
        germany.cycle, {**germany.env, "COLUMNS": "220"}, germany.started, germany.folder
    )
    result = napreview(wide, "audit", germany.cycle, "DEU", "--follow-up")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    acknowledged = next(line for line in lines if "Progress report 1 acknowledged" in line)
    assert f"{SECRETARIAT} (secretariat)" in acknowledged and "accepted" in acknowledged
    assert "follow-up" in acknowledged  # the stage column


# --------------------------------------------------------------------------- export


@pytest.fixture(scope="module")
def exported(germany) -> Path:
    folder = germany.folder / "export"
    result = _audit(germany, "DEU", "--follow-up", "--export", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def test_the_export_verifies_offline(exported):
    manifest = json.loads((exported / "manifest.json").read_text())
    assert manifest["workflow_id"].startswith("follow-up-")
    signatures = json.loads((exported / "signatures.json").read_text())
    assert signatures["started_by_napreview"] and signatures["keys_at_start"]
    assert {s["step"] for s in signatures["steps"]} == {
        "update_item",
        "submit_progress_report",
        "acknowledge_report",
    }
    result = napreview_offline("audit", "verify-export", str(exported))
    assert result.exit_code == 0, result.output
    assert "Export intact" in result.stdout
    timeline = (exported / "timeline.json").read_text()
    assert "A change to " in timeline  # France's refused change, naming its item


def _acknowledgement(folder: Path, change: Callable[[dict[str, Any]], None]) -> int:
    """Change the secretariat's signed acknowledgement in the exported history."""
    path = folder / "history.json"
    history = json.loads(path.read_text())
    for event in history["events"]:
        accepted = event.get("workflowExecutionUpdateAcceptedEventAttributes")
        if accepted and accepted["acceptedRequest"]["input"]["name"] == "do_acknowledge_report":
            payload = accepted["acceptedRequest"]["input"]["args"]["payloads"][0]
            command = json.loads(base64.b64decode(payload["data"]))
            change(command)
            payload["data"] = base64.b64encode(json.dumps(command).encode()).decode()
            path.write_text(json.dumps(history, indent=2))
            return int(event["eventId"])
    raise AssertionError("no acknowledgement in history")


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda c: c.update(comments="Thank you; report 2 is waived."), "does not match"),
        (lambda c: c.pop("proof"), "The step carries no signature."),
    ],
    ids=["edited", "unsigned"],
)
def test_an_edited_or_unsigned_step_is_named(exported, tmp_path, change, said):
    copy = tmp_path / "copy"
    shutil.copytree(exported, copy)
    event = _acknowledgement(copy, change)
    result = napreview_offline("audit", "verify-export", str(copy), "--json")
    assert result.exit_code == 3
    verdict = json.loads(result.stdout)
    assert verdict["problem"].startswith(f"history.json, event {event}: edited after export")
    assert not verdict["signatures"]["ok"]
    assert f"event {event} (acknowledge_report update from p-" in verdict["signatures"]["said"]
    assert said in verdict["signatures"]["said"]


# --------------------------------------------------------------------------- who may read


def test_the_follow_up_is_audited_by_whoever_audits_the_review(germany):
    store = Store.from_url(str(germany.env["NAPREVIEW_DATABASE_URL"]))
    workflow_id = f"follow-up-{germany.cycle}-DEU"
    before = len(reads_of(store, workflow_id))
    own = _audit(germany, "DEU", "--follow-up", "--json", who=fp("DEU"))
    assert own.exit_code == 0, own.output
    secretariat = _audit(germany, "DEU", "--follow-up", who=SECRETARIAT)
    assert secretariat.exit_code == 0, secretariat.output
    other = _audit(germany, "DEU", "--follow-up", who=fp("FRA"))
    assert other.exit_code == 3
    assert "may not read the audit trail of the follow-up of DEU" in " ".join(other.stderr.split())
    refused = [
        r for r in store.refusals.of_review(germany.cycle, "DEU") if r.step.startswith("read")
    ]
    assert [(r.step, r.actor) for r in refused] == [
        ("read_follow_up_audit", store.people.actor(fp("FRA")).person_id)
    ]
    reads = reads_of(store, workflow_id)[before:]
    assert [(r.email, r.what, r.via) for r in reads] == [
        (fp("DEU"), "timeline", "command line"),
        (SECRETARIAT, "timeline", "command line"),
    ]
    store.engine.dispose()


def test_a_follow_up_needs_a_member_and_must_exist(germany):
    bare = _audit(germany, "--follow-up")
    assert bare.exit_code == 2 and "napreview audit CYCLE MEMBER --follow-up" in bare.stderr
    not_approved = _audit(germany, "MEX", "--follow-up")
    assert not_approved.exit_code == 4 and "no follow-up of MEX" in not_approved.stderr
