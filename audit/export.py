"""An audit export an auditor can check offline (`audit verify-export`, audit/verify.py).

A bundle holds:
- `history.json`: the run's event history in Temporal's own JSON, every payload readable
  (decrypted when the installation encrypts payloads). Everything else refers to it.
- `history.encrypted.json`, only when payloads were encrypted: the history exactly as Temporal
  stores it, so an auditor holding the codec keys can check that `history.json` is its faithful
  decryption (verify-export does, when NAPREVIEW_CODEC_KEYS is set).
- `timeline.json`: the timeline (DESIGN §10.2 shape), in English.
- `signatures.json`: the public keys the workflow was started with, each key rotation, and each
  step with its proof and the re-checked verdict. All of it is read from `history.json`, where
  verify-export checks it again.
- `letters/`: the letters the history stored, as text and HTML.
- `manifest.json`: a SHA-256 per file, a hash chain over the events of each history (each link
  is the SHA-256 of the previous link followed by the event's canonical JSON) and a digest of
  the manifest itself. Removing, reordering or editing an event breaks the chain at that event;
  editing any file breaks its digest; a letter must match the digest the history recorded.

Keep the final digest somewhere else (the minutes, the cycle report): a bundle rewritten from
scratch can only be told apart by it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHistory

from napreview.audit.model import Timeline
from napreview.audit.payloads import decode_first, key_ids
from napreview.audit.signatures import SignatureReport, check_signatures, judge
from napreview.schemas.digest import canonical_json, sha256_of, sha256_text

EXPORT_FORMAT = "napreview-audit-export/2"
FORMATS = ("napreview-audit-export/1", EXPORT_FORMAT)
HISTORY = "history.json"
ENCRYPTED_HISTORY = "history.encrypted.json"
TIMELINE = "timeline.json"
SIGNATURES = "signatures.json"
MANIFEST = "manifest.json"
LETTERS = "letters"
CODEC = "AES-256-GCM per payload, the key id in its metadata (napreview codec.py)"
CHAIN_RULE = (
    "link[0] = sha256(workflow_id + '/' + run_id); link[n] = sha256(link[n-1] + canonical JSON "
    "of event n of the history file: keys sorted, no spaces, UTF-8)"
)


class ExportError(Exception):
    """The export cannot be written where asked; the message says why."""


@dataclass(frozen=True)
class LetterCopy:
    """A stored letter as the export writes it."""

    id: str
    kind: str
    recipient: str
    sha256: str
    text: str
    html: str


def letters_referenced(timeline: Timeline) -> list[dict[str, Any]]:
    """The letters the history stored, once each, in the order they were stored."""
    seen: dict[str, dict[str, Any]] = {}
    for event in timeline.events:
        if event.kind == "letter" and event.detail.get("id"):
            seen.setdefault(event.detail["id"], event.detail)
    return list(seen.values())


def chain(workflow_id: str, run_id: str, events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The hash chain over history events: one link per event, in history order."""
    link = sha256_text(f"{workflow_id}/{run_id}")
    links = []
    for event in events:
        link = sha256_text(link + canonical_json(event))
        links.append({"event_id": int(event.get("eventId", 0)), "link": link})
    return links


def chained(workflow_id: str, run_id: str, history_json: str) -> dict[str, Any]:
    links = chain(workflow_id, run_id, json.loads(history_json)["events"])
    return {"rule": CHAIN_RULE, "events": links, "head": links[-1]["link"] if links else None}


def outcomes_of(timeline: Timeline | dict[str, Any]) -> dict[int, str]:
    """Event id → what the workflow made of that step, from a timeline (or its JSON)."""
    events = timeline.events if isinstance(timeline, Timeline) else timeline.get("events", [])
    found: dict[int, str] = {}
    for event in events:
        item = event if isinstance(event, dict) else event.model_dump(mode="json")
        outcome = (item.get("detail") or {}).get("outcome")
        if item.get("event_id") is not None and isinstance(outcome, str):
            found[int(item["event_id"])] = outcome
    return found


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def export_bundle(
    directory: Path,
    history: WorkflowHistory,
    timeline: Timeline,
    letters: Sequence[LetterCopy],
    missing_letters: Sequence[str] = (),
    *,
    stored: WorkflowHistory | None = None,
    signatures: SignatureReport | None = None,
) -> dict[str, Any]:
    """Write the bundle into a new or empty folder and return its manifest.

    ``history`` has readable payloads; ``stored`` is the same run as Temporal stores it, given
    only when its payloads are encrypted.
    """
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ExportError(f"{directory} is not an empty folder; export into a new one.")
    directory.mkdir(parents=True, exist_ok=True)
    history_json = history.to_json()
    _write(directory / HISTORY, history_json)
    stored_json = stored.to_json() if stored is not None else None
    if stored_json is not None:
        _write(directory / ENCRYPTED_HISTORY, stored_json)
    _write(directory / TIMELINE, _json(timeline.model_dump(mode="json")))
    signatures = signatures or check_signatures(history.workflow_id, history.events)
    verdict = judge(signatures, outcomes_of(timeline))
    _write(directory / SIGNATURES, _json(_signatures_file(signatures, history)))
    for letter in letters:
        _write(directory / LETTERS / f"{letter.id}.txt", letter.text)
        _write(directory / LETTERS / f"{letter.id}.html", letter.html)
    files = {
        path.relative_to(directory).as_posix(): _file_digest(path)
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
    ids = (timeline.workflow_id, timeline.run_id)
    manifest: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "workflow_id": timeline.workflow_id,
        "run_id": timeline.run_id,
        "exported_at": datetime.now(UTC).isoformat(),
        "timeline_sha256": timeline.sha256,
        "history": {
            "file": HISTORY,
            "payloads": "decrypted" if stored is not None else "as stored",
            "encrypted_file": ENCRYPTED_HISTORY if stored is not None else None,
            "codec": CODEC if stored is not None else None,
            "codec_key_ids": key_ids(stored) if stored is not None else [],
        },
        "signatures": {
            "signing": verdict.signing,
            "signed_steps": verdict.signed,
            "holding": verdict.holding,
            "refused_not_holding": len(verdict.refused_failing),
            "keys_at_start": sorted(signatures.keys_at_start),
            "key_changes": len(signatures.key_changes),
        },
        "files": files,
        "letters": {
            letter.id: {"kind": letter.kind, "recipient": letter.recipient, "sha256": letter.sha256}
            for letter in letters
        },
        "missing_letters": list(missing_letters),
        "chain": chained(*ids, history_json),
        "encrypted_chain": chained(*ids, stored_json) if stored_json is not None else None,
    }
    manifest["digest"] = sha256_of(manifest)
    _write(directory / MANIFEST, _json(manifest))
    return manifest


def _signatures_file(report: SignatureReport, history: WorkflowHistory) -> dict[str, Any]:
    """What an auditor needs to check each signature by hand: the keys, the rotations, and each
    step's command exactly as history holds it (with its proof)."""
    commands: dict[int, Any] = {}
    wanted = {s.event_id for s in report.steps}
    for event in history.events:
        if event.event_id not in wanted:
            continue
        signaled = event.workflow_execution_signaled_event_attributes
        accepted = event.workflow_execution_update_accepted_event_attributes
        if event.HasField("workflow_execution_signaled_event_attributes"):
            commands[event.event_id] = decode_first(signaled.input)
        else:
            commands[event.event_id] = decode_first(accepted.accepted_request.input.args)
    body = report.as_json()
    for step in body["steps"]:
        step["command"] = commands.get(step["event_id"])
    body["how_to_check"] = (
        "For each step: the Ed25519 signature (proof.signature, base64) over the canonical JSON "
        "of {v: 1, step, workflow_id, actor: {person_id, role, member}, payload_sha256: SHA-256 "
        "of the canonical JSON of the command without actor and proof, key_id, at, nonce} "
        "(schemas/proof.py signed_message), checked with the public key (hex) of proof.key_id "
        "among the keys trusted at that event: keys_at_start, changed by key_changes in order."
    )
    return body
