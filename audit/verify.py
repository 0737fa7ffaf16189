"""`napreview audit verify-export DIR`: check an export offline, with no database and no Temporal.

Every check runs, so one edit is named by each check it breaks (an edited command breaks the
hash chain at its event and its signature); the first problem found is the headline. Checked:
the manifest's own digest; the hash chain over `history.json` (and over the encrypted history,
if any); every file's SHA-256 and no file added; the timeline's digest; each letter against the
digest history recorded; every signature (audit/signatures.py). With NAPREVIEW_CODEC_KEYS set,
the encrypted history is decrypted and must equal `history.json`, event by event.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.protobuf.json_format import MessageToDict

from napreview.audit import export as bundle
from napreview.audit.payloads import UnreadableHistory, decoded
from napreview.audit.signatures import SignatureVerdict, check_signatures, judge
from napreview.schemas.digest import canonical_json, sha256_of, sha256_text
from napreview.workflows import contract


@dataclass
class Verdict:
    """The outcome of `verify_export`: intact, or every problem found (the first leads)."""

    problems: list[str] = field(default_factory=list)
    workflow_id: str | None = None
    events: int = 0
    files: int = 0
    digest: str | None = None
    signatures: SignatureVerdict | None = None
    encryption: str | None = None

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def problem(self) -> str | None:
        return self.problems[0] if self.problems else None


class _Fatal(Exception):
    """A problem after which nothing else can be checked."""


def verify_export(directory: Path) -> Verdict:
    """Check a bundle offline; see the module docstring."""
    verdict = Verdict()
    try:
        _verify(directory, verdict)
    except _Fatal as problem:
        verdict.problems.append(str(problem))
    return verdict


def _load_json(directory: Path, name: str) -> Any:
    path = directory / name
    if not path.is_file():
        raise _Fatal(f"{name} is missing from {directory}.")
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _Fatal(f"{name} is not valid JSON any more ({err}); it was changed.") from None


def _events(directory: Path, name: str) -> list[Any]:
    history = _load_json(directory, name)
    events = history.get("events") if isinstance(history, dict) else None
    if not isinstance(events, list):
        raise _Fatal(f"{name} holds no list of events.")
    return events


def _verify(directory: Path, verdict: Verdict) -> None:
    if not directory.is_dir():
        raise _Fatal(f"There is no folder {directory}.")
    manifest = _load_json(directory, bundle.MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") not in bundle.FORMATS:
        raise _Fatal(f"{bundle.MANIFEST} is not a napreview audit manifest ({bundle.FORMATS[-1]}).")
    body = {k: v for k, v in manifest.items() if k != "digest"}
    if sha256_of(body) != manifest.get("digest"):
        raise _Fatal(f"{bundle.MANIFEST} was changed: its content does not match its digest.")
    verdict.workflow_id = manifest.get("workflow_id")
    verdict.digest = manifest.get("digest")

    events = _events(directory, bundle.HISTORY)
    verdict.events = len(events)
    problems = verdict.problems
    problems += _chain_problems(bundle.HISTORY, manifest, manifest.get("chain") or {}, events)
    problems += _file_problems(directory, manifest)
    verdict.files = len(manifest.get("files", {}))
    timeline = _load_json(directory, bundle.TIMELINE)
    problems += _timeline_problems(manifest, timeline)
    problems += _letter_problems(directory, manifest, events)
    stored = (manifest.get("history") or {}).get("encrypted_file")
    if stored:
        stored_events = _events(directory, stored)
        chain = manifest.get("encrypted_chain") or {}
        problems += _chain_problems(stored, manifest, chain, stored_events)
        verdict.encryption, mismatch = _decryption(stored_events, events)
        problems += mismatch
    verdict.signatures = _signatures(verdict.workflow_id or "", events, timeline)
    if not verdict.signatures.ok:
        problems.append(f"Signatures: {verdict.signatures.describe()}")


def _chain_problems(
    name: str, manifest: dict[str, Any], recorded: dict[str, Any], events: list[Any]
) -> list[str]:
    expected = recorded.get("events", [])
    actual = bundle.chain(manifest.get("workflow_id", ""), manifest.get("run_id", ""), events)
    for position, link in enumerate(actual):
        if position >= len(expected):
            return [f"{name}, event {link['event_id']}: not in the manifest (added after export)."]
        want = expected[position]
        if link["event_id"] != want["event_id"]:
            return [
                f"{name}, event {want['event_id']}: missing or out of order "
                f"(event {link['event_id']} stands in its place)."
            ]
        if link["link"] != want["link"]:
            return [
                f"{name}, event {want['event_id']}: edited after export "
                "(its link in the hash chain does not match)."
            ]
    if len(actual) < len(expected):
        return [
            f"{name}, event {expected[len(actual)]['event_id']}: missing (the history ends early)."
        ]
    if actual and actual[-1]["link"] != recorded.get("head"):
        return [f"{bundle.MANIFEST}: the chain's head does not match its last link."]
    return []


def _file_problems(directory: Path, manifest: dict[str, Any]) -> list[str]:
    problems = []
    files: dict[str, str] = manifest.get("files", {})
    for name, digest in sorted(files.items()):
        path = directory / name
        if not path.is_file():
            problems.append(f"{name} is missing.")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{name} was changed: its SHA-256 does not match the manifest.")
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_file() and name != bundle.MANIFEST and name not in files:
            problems.append(f"{name} is not part of the export (added later).")
    return problems


def _timeline_problems(manifest: dict[str, Any], timeline: Any) -> list[str]:
    if not isinstance(timeline, dict) or not isinstance(timeline.get("events"), list):
        return [f"{bundle.TIMELINE} holds no list of events."]
    if (timeline.get("workflow_id"), timeline.get("run_id")) != (
        manifest.get("workflow_id"),
        manifest.get("run_id"),
    ):
        return [f"{bundle.TIMELINE} belongs to another workflow run than the manifest."]
    digest = sha256_of(timeline["events"])
    if digest != timeline.get("sha256") or digest != manifest.get("timeline_sha256"):
        return [f"{bundle.TIMELINE}: its events do not match its SHA-256."]
    return []


def _letter_problems(directory: Path, manifest: dict[str, Any], events: list[Any]) -> list[str]:
    """Each letter's text must hash to the digest the history recorded when it was stored."""
    missing = set(manifest.get("missing_letters", []))
    for letter_id, digest in _letters_in_history(events).items():
        if letter_id in missing:
            continue
        path = directory / bundle.LETTERS / f"{letter_id}.txt"
        if not path.is_file():
            return [f"{bundle.LETTERS}/{letter_id}.txt is missing."]
        text = path.read_bytes().decode("utf-8", errors="replace")
        if sha256_text(text) != digest:
            return [
                f"{bundle.LETTERS}/{letter_id}.txt does not match the SHA-256 the history "
                "recorded when the letter was stored."
            ]
    return []


def _letters_in_history(events: list[Any]) -> dict[str, str]:
    """Letter id → SHA-256 from the results of `send_letter` activities in history.json."""
    sent: set[str] = set()
    found: dict[str, str] = {}
    for event in events:
        scheduled = event.get("activityTaskScheduledEventAttributes")
        if scheduled and scheduled.get("activityType", {}).get("name") == contract.SEND_LETTER:
            sent.add(str(event.get("eventId")))
        completed = event.get("activityTaskCompletedEventAttributes")
        if completed and str(completed.get("scheduledEventId")) in sent:
            ref = _payload_value(completed.get("result", {}))
            if isinstance(ref, dict) and ref.get("id") and ref.get("sha256"):
                found[ref["id"]] = ref["sha256"]
    return found


def _payload_value(payloads: dict[str, Any]) -> Any:
    """The first JSON payload's value, decoded from Temporal's JSON form without a server."""
    items = payloads.get("payloads") or []
    if not items or "data" not in items[0]:
        return None
    try:
        return json.loads(base64.b64decode(items[0]["data"]))
    except (ValueError, json.JSONDecodeError):
        return None


def _history(workflow_id: str, events: list[Any]) -> Any:
    from temporalio.client import WorkflowHistory

    return WorkflowHistory.from_json(workflow_id, {"events": events})


def _signatures(workflow_id: str, events: list[Any], timeline: Any) -> SignatureVerdict:
    try:
        history = _history(workflow_id, events)
    except Exception:  # an unparseable history has no signature to check
        history = None
    report = check_signatures(workflow_id, history.events if history else [])
    outcomes = bundle.outcomes_of(timeline) if isinstance(timeline, dict) else {}
    return judge(report, outcomes)


def _decryption(stored_events: list[Any], events: list[Any]) -> tuple[str, list[str]]:
    """Decrypt the history as stored and compare it with history.json, event by event."""
    from napreview.temporal.codec import CodecKeyError, codec_from_environment

    try:
        codec = codec_from_environment()
    except CodecKeyError as err:
        return f"Not decrypted: {err}", []
    if codec is None:
        return (
            f"{bundle.ENCRYPTED_HISTORY} not decrypted: set NAPREVIEW_CODEC_KEYS to check that "
            f"{bundle.HISTORY} is its faithful decryption.",
            [],
        )
    decrypting = decoded(_history("stored", stored_events), codec)
    try:
        # A thread of its own: verify_export may be called where an event loop already runs.
        with ThreadPoolExecutor(max_workers=1) as pool:
            plain = pool.submit(asyncio.run, decrypting).result()
    except UnreadableHistory as err:
        return f"Not decrypted: {err}", []
    for ours, theirs in zip(plain.events, events, strict=False):
        if canonical_json(MessageToDict(ours)) != canonical_json(theirs):
            return "", [
                f"{bundle.HISTORY}, event {ours.event_id}: differs from what "
                f"{bundle.ENCRYPTED_HISTORY} decrypts to."
            ]
    if len(plain.events) != len(events):
        return "", [f"{bundle.HISTORY} and {bundle.ENCRYPTED_HISTORY} hold different events."]
    return f"{bundle.ENCRYPTED_HISTORY} decrypts to {bundle.HISTORY}, event by event.", []
