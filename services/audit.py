"""Reading an audit trail, for the command line (`napreview audit`) and the portal alike.

One function reads it, for a member's review, the cycle itself, or a member's follow-up (one
reader and one timeline for every kind of workflow): the person's scope is checked
(services/access.py; a refusal is recorded), the history is fetched once and decrypted when
the installation encrypts payloads, replayed against the current workflow code, its signatures
re-checked, merged with the store's refusals into one timeline, and the read itself is recorded
(store/audit_reads.py). The export the command line writes into a folder is the very bundle the
portal zips for a download.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

from napreview.audit import payloads
from napreview.audit.export import LetterCopy, export_bundle, letters_referenced
from napreview.audit.model import (
    StoredRefusal,
    Timeline,
    TimelineEvent,
    unresolved,
)
from napreview.audit.replay import ReplayReport
from napreview.audit.replay import replay as replay_history
from napreview.audit.signatures import SignatureReport, check_signatures
from napreview.audit.timeline import build_timeline
from napreview.schemas.members import Actor
from napreview.services import access
from napreview.services.errors import NotFoundError
from napreview.services.refusals import recorded_refusals
from napreview.store.audit_reads import AuditRead
from napreview.store.records import Store
from napreview.workflows import contract

Replay = Callable[[WorkflowHistory], Awaitable[ReplayReport]]

# What a read is recorded as (store/audit_reads.py).
TIMELINE, REPLAY_CHECK, EXPORT = "timeline", "replay check", "export"
COMMAND_LINE, PORTAL = "command line", "portal"


class AuditUnavailable(Exception):
    """The history cannot be read here (encrypted, and the keys are not given); says why."""


@dataclass(frozen=True)
class AuditView:
    """One workflow run's audit trail, as read once."""

    timeline: Timeline
    history: WorkflowHistory  # payloads in plain JSON
    stored: WorkflowHistory  # as Temporal stores it (the same object when nothing is encrypted)
    report: ReplayReport
    signatures: SignatureReport
    cycle: str
    member: str | None
    follow_up: bool = False

    @property
    def encrypted(self) -> bool:
        return self.stored is not self.history

    @property
    def deterministic(self) -> bool:
        return self.report.deterministic

    @property
    def replay_error(self) -> str | None:
        return self.report.error

    @property
    def unresolved(self) -> list[TimelineEvent]:
        """Events whose outcome the replay could not give."""
        return unresolved(self.timeline)

    @property
    def replayed_in_full(self) -> bool:
        return self.deterministic and not self.unresolved


def workflow_id_for(cycle: str, member: str | None, *, follow_up: bool = False) -> str:
    if member is None:
        return contract.cycle_workflow_id(cycle)
    if follow_up:
        return contract.follow_up_workflow_id(cycle, member)
    return contract.review_workflow_id(cycle, member)


async def read_audit(
    client: Client,
    store: Store,
    actor: Actor,
    cycle: str,
    member: str | None,
    *,
    what: str,
    via: str,
    replay: Replay = replay_history,
    follow_up: bool = False,
) -> AuditView:
    """The audit trail of a member's review (or, without a member, of the cycle itself; with
    ``follow_up``, of the member's follow-up). The store is read in a worker thread: the
    portal's event loop serves other people meanwhile."""
    if follow_up and member is None:
        raise ValueError("a follow-up is a member's: name the member")
    await asyncio.to_thread(access.require_audit, store, actor, cycle, member, follow_up=follow_up)
    workflow_id = workflow_id_for(cycle, member, follow_up=follow_up)
    stored = await _fetch(client, workflow_id, cycle, member, follow_up)
    try:
        history = await payloads.decoded(stored, client.data_converter.payload_codec)
    except payloads.UnreadableHistory as err:
        raise AuditUnavailable(str(err)) from None
    report = await replay(history)
    refusals = [
        StoredRefusal(
            at=r.at,
            actor=r.actor,
            role=r.role,
            step=r.step,
            reason=r.reason,
            code=r.why.code if r.why else None,
            params=dict(r.why.params) if r.why else None,
        )
        for r in await asyncio.to_thread(
            partial(recorded_refusals, store, cycle, member, follow_up=follow_up)
        )
    ]
    signatures = check_signatures(history.workflow_id, history.events)
    timeline = await asyncio.to_thread(
        build_timeline,
        history,
        refusals,
        report.signals if report.deterministic else None,
        store.people.emails,
        replay_failed=not report.deterministic,
        signatures=signatures,
        deputies=store.deputies.periods,
        items=await asyncio.to_thread(_item_texts, store, cycle, member) if follow_up else None,
    )
    await asyncio.to_thread(
        store.audit_reads.record,
        actor,
        workflow_id=workflow_id,
        cycle=cycle,
        member=member,
        what=what,
        via=via,
    )
    return AuditView(timeline, history, stored, report, signatures, cycle, member, follow_up)


def _item_texts(store: Store, cycle: str, member: str | None) -> dict[str, str]:
    """A follow-up's items' wording by key, for its timeline to name a refused change's item."""
    found = store.follow_ups.get(cycle, member) if member else None
    return found.texts if found else {}


async def _fetch(
    client: Client, workflow_id: str, cycle: str, member: str | None, follow_up: bool
) -> WorkflowHistory:
    try:
        return await client.get_workflow_handle(workflow_id).fetch_history()
    except RPCError as err:
        if err.status != RPCStatusCode.NOT_FOUND:
            raise
        if follow_up:
            raise NotFoundError(
                f"There is no follow-up of {member} in cycle {cycle} ({workflow_id}): it starts "
                "when the review is approved."
            ) from None
        what = f"review of {member} in cycle {cycle}" if member else f"cycle {cycle!r}"
        raise NotFoundError(
            f"There is no {what} ({workflow_id}). 'napreview cycle status {cycle}' lists "
            "the reviews."
        ) from None


# --------------------------------------------------------------------------- the export


@dataclass(frozen=True)
class Exported:
    manifest: dict[str, Any]
    missing_letters: list[str]

    @property
    def digest(self) -> str:
        return str(self.manifest["digest"])


def write_export(store: Store, view: AuditView, directory: Path) -> Exported:
    """The bundle (history, timeline, signatures, letters, manifest) in a new folder."""
    letters, missing = _letters(store, view.timeline)
    manifest = export_bundle(
        directory,
        view.history,
        view.timeline,
        letters,
        missing,
        stored=view.stored if view.encrypted else None,
        signatures=view.signatures,
    )
    return Exported(manifest, missing)


def export_zip(store: Store, view: AuditView) -> tuple[bytes, str]:
    """The same bundle as `napreview audit --export`, zipped (one folder named after the
    workflow), and its final digest."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / view.timeline.workflow_id
        exported = write_export(store, view, folder)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue(), exported.digest


def _letters(store: Store, timeline: Timeline) -> tuple[list[LetterCopy], list[str]]:
    """The letters the history stored, from the store (ids it no longer holds: missing)."""
    letters: list[LetterCopy] = []
    missing: list[str] = []
    for ref in letters_referenced(timeline):
        try:
            row = store.letters.get(ref["id"])
        except NotFoundError:
            missing.append(ref["id"])
            continue
        letters.append(
            LetterCopy(
                id=row.id,
                kind=row.kind,
                recipient=row.recipient,
                sha256=row.sha256,
                text=row.body_text,
                html=row.body_html,
            )
        )
    return letters, missing


def reads_of(store: Store, workflow_id: str | None = None) -> list[AuditRead]:
    """The reads of audit trails recorded, oldest first (of one workflow, if given)."""
    return store.audit_reads.list(workflow_id)
