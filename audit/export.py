"""An audit export an auditor can check offline, and the check itself (`verify-export`).

A bundle holds the raw history (Temporal's own JSON), the timeline, the letters the history
refers to, and a manifest: a SHA-256 per file and a hash chain over the history's events
(each link is the SHA-256 of the previous link followed by the event's canonical JSON), closed
by a digest of the manifest itself. Removing, reordering or editing an event breaks the chain
at that event; editing any file breaks its digest; a letter must also match the digest the
history recorded when it was stored. Keep the final digest somewhere else (the minutes, the
cycle report): a bundle rewritten from scratch can only be told apart by it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audit.timeline import Timeline
from rules.digest import canonical_json, sha256_of, sha256_text
from workflows import contract

EXPORT_FORMAT = "napreview-audit-export/1"
HISTORY = "history.json"
TIMELINE = "timeline.json"
MANIFEST = "manifest.json"
LETTERS = "letters"
CHAIN_RULE = (
    "link[0] = sha256(workflow_id + '/' + run_id); link[n] = sha256(link[n-1] + canonical JSON "
    "of event n of history.json: keys sorted, no spaces, UTF-8)"
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


@dataclass(frozen=True)
class Verdict:
    """The outcome of `verify_export`: intact, or the first thing that does not match."""

    intact: bool
    problem: str | None
    workflow_id: str | None = None
    events: int = 0
    files: int = 0
    digest: str | None = None


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


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def export_bundle(
    directory: Path,
    history_json: str,
    timeline: Timeline,
    letters: Sequence[LetterCopy],
    missing_letters: Sequence[str] = (),
) -> dict[str, Any]:
    """Write the bundle into a new or empty folder and return its manifest."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ExportError(f"{directory} is not an empty folder; export into a new one.")
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / HISTORY, history_json)
    _write(
        directory / TIMELINE,
        json.dumps(timeline.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n",
    )
    for letter in letters:
        _write(directory / LETTERS / f"{letter.id}.txt", letter.text)
        _write(directory / LETTERS / f"{letter.id}.html", letter.html)
    files = {
        path.relative_to(directory).as_posix(): _file_digest(path)
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
    links = chain(timeline.workflow_id, timeline.run_id, json.loads(history_json)["events"])
    manifest: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "workflow_id": timeline.workflow_id,
        "run_id": timeline.run_id,
        "exported_at": datetime.now(UTC).isoformat(),
        "timeline_sha256": timeline.sha256,
        "files": files,
        "letters": {
            letter.id: {"kind": letter.kind, "recipient": letter.recipient, "sha256": letter.sha256}
            for letter in letters
        },
        "missing_letters": list(missing_letters),
        "chain": {
            "rule": CHAIN_RULE,
            "events": links,
            "head": links[-1]["link"] if links else None,
        },
    }
    manifest["digest"] = sha256_of(manifest)
    _write(directory / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


# --------------------------------------------------------------------------- verification


class _Mismatch(Exception):
    """The first thing in the bundle that does not match; the message names it."""


def verify_export(directory: Path) -> Verdict:
    """Check a bundle offline: the manifest, the chain, every file, the letters' digests."""
    try:
        return _verify(directory)
    except _Mismatch as problem:
        return Verdict(intact=False, problem=str(problem))


def _load_json(directory: Path, name: str) -> Any:
    path = directory / name
    if not path.is_file():
        raise _Mismatch(f"{name} is missing from {directory}.")
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _Mismatch(f"{name} is not valid JSON any more ({err}); it was changed.") from None


def _verify(directory: Path) -> Verdict:
    if not directory.is_dir():
        raise _Mismatch(f"There is no folder {directory}.")
    manifest = _load_json(directory, MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
        raise _Mismatch(f"{MANIFEST} is not a napreview audit manifest ({EXPORT_FORMAT}).")
    body = {k: v for k, v in manifest.items() if k != "digest"}
    if sha256_of(body) != manifest.get("digest"):
        raise _Mismatch(f"{MANIFEST} was changed: its content does not match its digest.")

    history = _load_json(directory, HISTORY)
    events = history.get("events") if isinstance(history, dict) else None
    if not isinstance(events, list):
        raise _Mismatch(f"{HISTORY} holds no list of events.")
    _check_chain(manifest, events)

    files: dict[str, str] = manifest.get("files", {})
    for name, digest in sorted(files.items()):
        path = directory / name
        if not path.is_file():
            raise _Mismatch(f"{name} is missing.")
        if _file_digest(path) != digest:
            raise _Mismatch(f"{name} was changed: its SHA-256 does not match the manifest.")
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_file() and name != MANIFEST and name not in files:
            raise _Mismatch(f"{name} is not part of the export (added later).")

    timeline = _load_json(directory, TIMELINE)
    _check_timeline(manifest, timeline)
    _check_letters(directory, manifest, events)
    return Verdict(
        intact=True,
        problem=None,
        workflow_id=manifest.get("workflow_id"),
        events=len(events),
        files=len(files),
        digest=manifest.get("digest"),
    )


def _check_chain(manifest: dict[str, Any], events: list[Any]) -> None:
    expected = manifest.get("chain", {}).get("events", [])
    actual = chain(manifest.get("workflow_id", ""), manifest.get("run_id", ""), events)
    for position, link in enumerate(actual):
        if position >= len(expected):
            raise _Mismatch(
                f"{HISTORY}, event {link['event_id']}: not in the manifest (added after export)."
            )
        want = expected[position]
        if link["event_id"] != want["event_id"]:
            raise _Mismatch(
                f"{HISTORY}, event {want['event_id']}: missing or out of order "
                f"(event {link['event_id']} stands in its place)."
            )
        if link["link"] != want["link"]:
            raise _Mismatch(
                f"{HISTORY}, event {want['event_id']}: edited after export "
                "(its link in the hash chain does not match)."
            )
    if len(actual) < len(expected):
        raise _Mismatch(
            f"{HISTORY}, event {expected[len(actual)]['event_id']}: missing "
            "(the history ends early)."
        )
    head = manifest.get("chain", {}).get("head")
    if actual and actual[-1]["link"] != head:
        raise _Mismatch(f"{MANIFEST}: the chain's head does not match its last link.")


def _check_timeline(manifest: dict[str, Any], timeline: Any) -> None:
    if not isinstance(timeline, dict) or not isinstance(timeline.get("events"), list):
        raise _Mismatch(f"{TIMELINE} holds no list of events.")
    if (timeline.get("workflow_id"), timeline.get("run_id")) != (
        manifest.get("workflow_id"),
        manifest.get("run_id"),
    ):
        raise _Mismatch(f"{TIMELINE} belongs to another workflow run than the manifest.")
    digest = sha256_of(timeline["events"])
    if digest != timeline.get("sha256") or digest != manifest.get("timeline_sha256"):
        raise _Mismatch(f"{TIMELINE}: its events do not match its SHA-256.")


def _check_letters(directory: Path, manifest: dict[str, Any], events: list[Any]) -> None:
    """Each letter's text must hash to the digest the history recorded when it was stored."""
    recorded = _letters_in_history(events)
    missing = set(manifest.get("missing_letters", []))
    for letter_id, digest in recorded.items():
        if letter_id in missing:
            continue
        path = directory / LETTERS / f"{letter_id}.txt"
        if not path.is_file():
            raise _Mismatch(f"{LETTERS}/{letter_id}.txt is missing.")
        text = path.read_bytes().decode("utf-8", errors="replace")
        if sha256_text(text) != digest:
            raise _Mismatch(
                f"{LETTERS}/{letter_id}.txt does not match the SHA-256 the history recorded "
                "when the letter was stored."
            )


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
