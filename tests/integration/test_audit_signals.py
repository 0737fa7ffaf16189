"""Bad signals in the audit trail: each refused or unreadable signal is shown with the sender it
claims and the workflow's own reason, never another's (issue #8 item 7).

Signals are sent while no worker runs, so the review takes them in one workflow task, in the
order sent: a peer review whose document the store does not hold waits on its activity while the
next signal is refused at once, exactly the interleaving that used to swap their reasons.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from temporalio.api.common.v1 import Payload
from temporalio.common import RawValue
from typer.testing import CliRunner, Result

from napreview.cli.audit import register
from napreview.people import signing
from napreview.people.signing import Signer
from napreview.schemas.members import Actor
from napreview.schemas.review import (
    Extend,
    Refusal,
    ReviewState,
    Stage,
    StepTaken,
    SubmitPeerReview,
    TrustKey,
)
from napreview.schemas.submissions import DocumentRef
from napreview.temporal.refusal_logs import LOGGERS
from napreview.worker import build_worker
from napreview.workflows import contract

from ..conftest import make_store, settings_for
from ..helpers import (
    SECRETARIAT,
    at_stage,
    auditor_env,
    fp,
    start_cycle,
    state_when,
    submit_sa,
)

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN", "AU"]
NO_SUCH_DOCUMENT = DocumentRef(id="doc-that-was-never-stored", sha256="0" * 64)


@dataclass
class Bad:
    cycle: str
    env: dict[str, str | None]
    people: dict[str, Actor]
    reviewers: list[str]
    rejected: list[Refusal]
    new_key: str
    folder: Path
    logs: list[logging.LogRecord]


class _Collect(logging.Handler):
    """What the worker's SDK loggers said while the bad signals were taken."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _raw(data: bytes) -> RawValue:
    return RawValue(Payload(metadata={"encoding": b"json/plain"}, data=data))


def _claims(actor: Actor, **changes: Any) -> dict[str, Any]:
    return {
        "person_id": actor.person_id,
        "role": actor.role.value,
        "member": actor.member,
    } | changes


@pytest.fixture(scope="module")
async def bad(dev_env, tmp_path_factory) -> AsyncIterator[Bad]:
    tmp = tmp_path_factory.mktemp("bad-signals")
    store = make_store("sqlite", tmp)
    client = dev_env.client
    settings = settings_for(store, tmp)
    async with build_worker(client, settings, store):
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        await at_stage(client, cycle, "DEU", Stage.SELF_ASSESSMENT)
        await submit_sa(client, store, cycle, "DEU")
        state = await at_stage(client, cycle, "DEU", Stage.PEER_REVIEW)
    reviewers = [slot.member for slot in state.reviewers]
    first, second = reviewers[0], reviewers[1]
    people = {code: store.people.actor(fp(code)) for code in ("DEU", "FRA", "MEX", first, second)}
    people["secretariat"] = store.people.actor(SECRETARIAT)
    workflow_id = contract.review_workflow_id(cycle, "DEU")
    review = client.get_workflow_handle(workflow_id)
    ring = signing.signer()

    # With no worker running, every signal waits in history for the next one to take them.
    # To the cycle: a review's ending it cannot decode, and a signal it has no handler for.
    cycle_handle = client.get_workflow_handle(contract.cycle_workflow_id(cycle))
    await cycle_handle.signal("review_finished", {"member": "DEU", "outcome": "approved!"})
    await cycle_handle.signal("cancel_everything", {"actor": _claims(people["FRA"])})
    # 1. A drawn reviewer's peer review naming a document the store does not hold: refused
    #    only once the document check (an activity) answers.
    peer_review = SubmitPeerReview(actor=people[first], document=NO_SUCH_DOCUMENT)
    await review.signal(
        "submit_peer_review", ring.sign("submit_peer_review", workflow_id, peer_review)
    )
    # 2. Another reviewer's command with a role napreview does not know: cannot be read.
    await review.signal(
        "submit_peer_review",
        {
            "actor": _claims(people[second], role="queen"),
            "document": NO_SUCH_DOCUMENT.model_dump(),
        },
    )
    # 3. Bytes that are not JSON at all: nobody can be named.
    await review.signal("submit_peer_review", _raw(b"{not json"))
    # 4. A step napreview does not have, claiming to be France's focal point.
    await review.signal("approve_everything", {"actor": _claims(people["FRA"])})
    # 5. Unsigned: the secretariat's extension without the front end's proof.
    extend = Extend(actor=people["secretariat"], by="P3D", reason="unsigned")
    await review.signal("extend", extend)
    # 6. Forged: Mexico's focal point signs with a key ring of its own under the trusted key's id.
    forger = Signer({ring.active: Signer.ephemeral().keys.popitem()[1]}, ring.active)
    forged = Extend(actor=people["MEX"], by="P30D", reason="forged")
    await review.signal("extend", forger.sign("extend", workflow_id, forged))
    # 7. Signed with a key the review never trusted.
    stranger = Signer.ephemeral()
    foreign = Extend(actor=people["secretariat"], by="P4D", reason="foreign key")
    await review.signal("extend", stranger.sign("extend", workflow_id, foreign))
    # 8. A genuine extension, then the very same signed message again (a replay).
    genuine = ring.sign(
        "extend", workflow_id, Extend(actor=people["secretariat"], by="P2D", reason="genuine")
    )
    await review.signal("extend", genuine)
    await review.signal("extend", genuine)

    logs = _Collect()
    levels = {}
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(logs)
        # as `napreview up` leaves them (a command run earlier in this process may not have)
        levels[name] = logger.level
        logger.setLevel(logging.INFO)
    async with build_worker(client, settings, store):
        await state_when(
            client, cycle, "DEU", lambda s: len(s.rejected) >= 8 and s.extensions, timeout=60
        )
        # Key rotation: the review trusts a new key (told with the old one), then a step is
        # signed with the new key.
        newcomer = Signer.ephemeral()
        trust = TrustKey(
            actor=people["secretariat"],
            key_id=newcomer.active,
            public_key=newcomer.public_keys()[newcomer.active],
        )
        await review.execute_update("do_trust_key", ring.sign("trust_key", workflow_id, trust))
        rotated = Extend(actor=people["secretariat"], by="P1D", reason="new key")
        await review.execute_update(
            "do_extend", newcomer.sign("extend", workflow_id, rotated), result_type=StepTaken
        )
        after = await review.query("state", result_type=ReviewState)
    env = auditor_env(tmp, store, client, COLUMNS="250")
    for name in LOGGERS:
        logging.getLogger(name).removeHandler(logs)
        logging.getLogger(name).setLevel(levels[name])
    yield Bad(
        logs=logs.records,
        cycle=cycle,
        env=env,
        people=people,
        reviewers=reviewers,
        rejected=after.rejected,
        new_key=newcomer.active,
        folder=tmp,
    )
    store.engine.dispose()


def napreview(env: dict[str, str | None], *args: str) -> Result:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """napreview, with the audit command only."""

    register(app)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(CliRunner().invoke, app, list(args), env=env).result()


@pytest.fixture(scope="module")
def timeline(bad) -> dict[str, Any]:
    result = napreview(bad.env, "audit", bad.cycle, "DEU", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _signals(timeline: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in timeline["events"] if e["detail"].get("via") == "signal"]


def test_two_members_bad_signals_each_keep_their_own_reason(bad, timeline):
    first, second = bad.reviewers[0], bad.reviewers[1]
    peer_reviews = [e for e in _signals(timeline) if e["detail"]["step"] == "submit_peer_review"]
    mine = next(e for e in peer_reviews if (e["actor"] or {}).get("member") == first)
    theirs = next(e for e in peer_reviews if (e["actor"] or {}).get("member") == second)
    assert mine["kind"] == theirs["kind"] == "refused"
    assert mine["actor"]["person_id"] == bad.people[first].person_id
    assert mine["actor"]["email"] == fp(first)
    assert "doc-that-was-never-stored" in mine["detail"]["refusal"]
    assert theirs["actor"]["person_id"] == bad.people[second].person_id
    assert "could not be read" in theirs["detail"]["refusal"]
    assert "role" in theirs["detail"]["refusal"]
    assert mine["detail"]["refusal"] != theirs["detail"]["refusal"]


def _one(events: list[dict[str, Any]], **detail: Any) -> dict[str, Any]:
    found = [e for e in events if all(e["detail"].get(k) == v for k, v in detail.items())]
    assert len(found) == 1, (detail, found)
    return found[0]


def test_malformed_signals_name_the_sender_they_claim_and_why_they_were_refused(bad, timeline):
    signals = _signals(timeline)
    garbage = _one(signals, readable=False)
    assert garbage["kind"] == "refused" and garbage["actor"] is None
    assert "could not be read" in garbage["detail"]["refusal"]
    assert "from an unknown sender" in garbage["summary"]

    queen = next(e for e in signals if (e["actor"] or {}).get("role") == "queen")
    assert queen["actor"]["person_id"] == bad.people[bad.reviewers[1]].person_id
    assert "role" in queen["detail"]["refusal"]
    assert "role 'queen', unknown to napreview" in queen["summary"]

    unknown = _one(signals, step="approve_everything")
    assert unknown["kind"] == "refused"
    assert unknown["actor"]["email"] == fp("FRA")
    assert "no step called 'approve_everything'" in unknown["detail"]["refusal"]
    assert unknown["summary"].startswith("A step napreview does not have")


def test_forged_signals_are_shown_as_sent_in_someones_name_and_refused(bad, timeline):
    extensions = [e for e in _signals(timeline) if e["detail"]["step"] == "extend"]
    by_reason = {e["detail"]["reason"]: e for e in extensions}

    unsigned = by_reason["unsigned"]
    assert unsigned["kind"] == "refused" and unsigned["detail"]["signature"] == "unsigned"
    assert "carries no proof" in unsigned["detail"]["refusal"]
    assert f"in the name of {SECRETARIAT} (secretariat)" in unsigned["summary"]

    forged = by_reason["forged"]
    assert forged["actor"]["email"] == fp("MEX")
    assert forged["detail"]["signature"] == "fails"
    assert "signature does not match" in forged["detail"]["refusal"]

    foreign = by_reason["foreign key"]
    assert foreign["detail"]["signature"] == "fails"
    assert "does not trust" in foreign["detail"]["refusal"]

    genuine, again = [e for e in extensions if e["detail"]["reason"] == "genuine"]
    assert genuine["kind"] == "extension" and genuine["detail"]["outcome"] == "accepted"
    assert genuine["detail"]["signature"] == "holds"
    assert f"by {SECRETARIAT} (secretariat) — accepted" in genuine["summary"]
    assert again["kind"] == "refused" and "already received" in again["detail"]["refusal"]
    assert again["detail"]["signature"] == "replayed"
    assert f"event {genuine['event_id']}" in again["detail"]["signature_problem"]


def test_every_refusal_the_review_recorded_is_on_the_timeline_under_its_sender(bad, timeline):
    """The review's own record (its query state) and the timeline agree, refusal by refusal."""
    shown = [e for e in _signals(timeline) if e["kind"] == "refused"]
    assert len(shown) == len(bad.rejected) == 8
    for refusal in bad.rejected:
        matching = [e for e in shown if e["detail"]["refusal"] == refusal.reason]
        assert matching, refusal
        claimed = refusal.actor.split(" ")[0]
        if claimed != "unknown":
            assert any((e["actor"] or {}).get("person_id") == claimed for e in matching), refusal


def test_the_table_shows_every_refusal_without_a_traceback(bad):
    result = napreview(bad.env, "audit", bad.cycle, "DEU", "--verify")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert result.stdout.count("refused:") == 8
    assert result.stdout.count("in the name of") == 3  # unsigned, forged, foreign key
    assert "deterministic" in result.stdout


def test_the_export_lets_an_auditor_recheck_every_signature_offline(bad, front_end_keys):
    folder = bad.folder / "export"
    exported = napreview(bad.env, "audit", bad.cycle, "DEU", "--export", str(folder))
    assert exported.exit_code == 0, exported.output
    signatures = json.loads((folder / "signatures.json").read_text())
    assert list(signatures["keys_at_start"]) == [front_end_keys.active]
    [rotation] = signatures["key_changes"]
    assert rotation["change"] == "trust" and rotation["key_id"] == bad.new_key
    by_new_key = next(s for s in signatures["steps"] if s["key_id"] == bad.new_key)
    assert by_new_key["step"] == "extend" and by_new_key["verdict"] == "holds"
    verdicts = sorted(s["verdict"] for s in signatures["steps"])
    assert verdicts.count("fails") == 2 and verdicts.count("replayed") == 1

    offline = {
        **bad.env,
        "NAPREVIEW_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "NAPREVIEW_TEMPORAL_ADDRESS": "127.0.0.1:1",
        "NAPREVIEW_USER": None,
    }
    result = napreview(offline, "audit", "verify-export", str(folder), "--json")
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert verdict["intact"] and verdict["signatures"]["ok"]
    said = verdict["signatures"]["said"]
    assert "every step the workflow took holds" in said
    # two unreadable, unsigned, forged, foreign key, replayed: refused by the review, counted
    assert "8 signed step(s), 5 of them hold" in said
    assert "6 step(s) unsigned, unreadable or not holding were refused by the workflow" in said


def test_the_worker_logs_a_business_refusal_as_one_line_without_a_traceback(bad):
    """What `napreview up` prints for the refused document check: one line, no traceback."""
    about = [r for r in bad.logs if "doc-that-was-never-stored" in r.getMessage()]
    assert len(about) == 1
    record = about[0]
    assert record.exc_info is None
    line = logging.Formatter("%(levelname)s %(message)s").format(record)
    assert "\n" not in line and "Traceback" not in line
    assert line == (
        f"WARNING Refused in accept_document of review-{bad.cycle}-DEU: "
        "There is no document 'doc-that-was-never-stored'."
    )


def test_the_cycle_ignores_what_it_cannot_read_and_the_audit_says_so(bad):
    result = napreview(bad.env, "audit", bad.cycle, "--verify", "--json")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    audit = json.loads(result.stdout)
    assert audit["replay"]["replayed_in_full"]
    unreadable = next(e for e in audit["events"] if e["detail"].get("readable") is False)
    assert unreadable["kind"] == "review_finished" and unreadable["detail"]["outcome"] == "ignored"
    assert "could not be read; the cycle ignored it" in unreadable["summary"]
    unknown = next(e for e in audit["events"] if e["detail"].get("step") == "cancel_everything")
    # The cycle reads every signal (none held in memory for the run) and refuses what it
    # cannot take, with who sent it and why.
    assert unknown["detail"]["outcome"] == "refused" and unknown["actor"]["email"] == fp("FRA")
    assert "takes no step called 'cancel_everything'" in unknown["detail"]["refusal"]
    assert unknown["summary"].endswith(
        "— refused: The cycle takes no step called 'cancel_everything'; it is ignored."
    )
    # Nothing was dropped by the SDK: the cycle read both signals itself.
    assert not [r for r in bad.logs if "Failed deserializing signal input" in r.getMessage()]
