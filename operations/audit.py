"""The auditor's reads of a review, shared by the portal: its timeline (history with the
store's refusals merged in, refused signals told apart by a replay) and the export bundle of
`napreview audit --export`, zipped for a download."""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

from audit.export import LetterCopy, export_bundle, letters_referenced
from audit.replay import replay
from audit.timeline import StoredRefusal, Timeline, build_timeline
from operations.errors import NotFoundError
from store.repository import Store
from workflows import contract


@dataclass(frozen=True)
class AuditView:
    timeline: Timeline
    history: WorkflowHistory
    deterministic: bool
    replay_error: str | None


async def review_audit(client: Client, store: Store, cycle: str, member: str) -> AuditView:
    workflow_id = contract.review_workflow_id(cycle, member)
    try:
        history = await client.get_workflow_handle(workflow_id).fetch_history()
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            raise NotFoundError(f"There is no review of {member} in cycle {cycle}.") from None
        raise
    report = await replay(history)
    refusals = [
        StoredRefusal.model_validate(row, from_attributes=True)
        for row in store.refusals(cycle, member)
    ]
    timeline = build_timeline(history, refusals, report.signals if report.deterministic else None)
    return AuditView(timeline, history, report.deterministic, report.error)


def export_zip(store: Store, view: AuditView) -> tuple[bytes, str]:
    """The export bundle (history, timeline, letters, manifest) as a zip, and its digest."""
    letters = []
    missing = []
    for ref in letters_referenced(view.timeline):
        try:
            row = store.get_letter(ref["id"])
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
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / view.timeline.workflow_id
        manifest = export_bundle(folder, view.history.to_json(), view.timeline, letters, missing)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, f"{folder.name}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue(), str(manifest["digest"])
