"""`napreview audit`: the auditor's timeline, export and replay check (DESIGN §8, §10.2).

Auditing reads only: it needs no acting person and changes nothing. One command serves both
spellings of §10.2, `audit CYCLE [MEMBER]` and `audit verify-export DIR`, because a Typer group
cannot take arguments of its own and subcommands at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cli.common import (
    EXIT_REFUSED,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    JSON_OPTION,
    client,
    console,
    errors,
    fail,
    handled,
    print_json,
    run,
    store,
)
from operations.errors import NotFoundError

if TYPE_CHECKING:
    from temporalio.client import WorkflowHistory

    from audit.replay import ReplayReport
    from audit.timeline import StoredRefusal, Timeline

VERIFY_EXPORT = "verify-export"


async def replay(history: WorkflowHistory) -> ReplayReport:
    """Replay against the current workflow code (audit.replay, imported when an audit runs)."""
    from audit.replay import replay as replay_history

    return await replay_history(history)


_QUIET_KINDS = {"timer_set", "timer_fired", "stage", "overdue_cleared"}


def register(app: typer.Typer) -> None:
    app.command(
        "audit",
        help=(
            "A review's timeline from its Temporal history: who did what, when, and what was "
            "refused. 'audit CYCLE MEMBER' for a member's review, 'audit CYCLE' for the cycle "
            "itself, 'audit verify-export DIR' to check an export offline."
        ),
    )(audit_command)


@handled
def audit_command(
    cycle: str = typer.Argument(..., metavar="CYCLE|verify-export"),
    member: str | None = typer.Argument(None, metavar="MEMBER|DIR"),
    as_json: bool = JSON_OPTION,
    export: Path | None = typer.Option(
        None, "--export", help="Write history, timeline, letters and a hash-chained manifest"
    ),
    verify: bool = typer.Option(
        False, "--verify", help="Replay the history against the current workflow code"
    ),
) -> None:
    if cycle == VERIFY_EXPORT:
        if not member:
            raise fail(EXIT_USAGE, "Say which folder to check: napreview audit verify-export DIR")
        if export or verify:
            raise fail(EXIT_USAGE, "verify-export takes a folder only, no --export or --verify.")
        _verify_export(Path(member), as_json)
        return
    run(_audit(cycle, member, as_json, export, verify))


async def _audit(
    cycle: str, member: str | None, as_json: bool, export: Path | None, verify: bool
) -> None:
    from audit.timeline import StoredRefusal, build_timeline
    from workflows import contract

    s = store()
    code = s.get_member(member).code if member else None
    workflow_id = (
        contract.review_workflow_id(cycle, code) if code else contract.cycle_workflow_id(cycle)
    )
    history = await _fetch(workflow_id, cycle, code)
    report = await replay(history)
    refusals = [
        StoredRefusal.model_validate(row, from_attributes=True) for row in s.refusals(cycle, code)
    ]
    signals = report.signals if report.deterministic else None
    timeline = build_timeline(history, refusals, signals)
    people = s.people(_person_ids(timeline, refusals))
    if people:
        timeline = build_timeline(history, refusals, signals, people)

    output: dict[str, Any] = timeline.model_dump(mode="json")
    if verify:
        output["replay"] = {"deterministic": report.deterministic, "error": report.error}
    if export is not None:
        output["export"] = _export(export, history, timeline)

    if as_json:
        print_json(output)
    else:
        _show(timeline)
        if export is not None:
            console.print(
                f"Exported to {export}: {len(output['export']['files'])} files, "
                f"final digest {output['export']['digest']}",
                markup=False,
            )
        if verify and report.deterministic:
            console.print("Replay with the current workflow code: deterministic.", markup=False)
    if not report.deterministic:
        message = f"The history does not replay with the current workflow code: {report.error}"
        if verify:
            raise fail(EXIT_UNEXPECTED, message)
        errors.print(f"Note: {message}. Signal outcomes are not known.", markup=False)


async def _fetch(workflow_id: str, cycle: str, member: str | None) -> WorkflowHistory:
    from temporalio.service import RPCError, RPCStatusCode

    handle = (await client()).get_workflow_handle(workflow_id)
    try:
        return await handle.fetch_history()
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            what = f"review of {member} in cycle {cycle}" if member else f"cycle {cycle!r}"
            raise NotFoundError(
                f"There is no {what} ({workflow_id}). 'napreview cycle status {cycle}' lists "
                "the reviews."
            ) from None
        raise


def _export(directory: Path, history: WorkflowHistory, timeline: Timeline) -> dict[str, Any]:
    from audit.export import ExportError, LetterCopy, export_bundle, letters_referenced

    s = store()
    letters: list[LetterCopy] = []
    missing: list[str] = []
    for ref in letters_referenced(timeline):
        try:
            row = s.get_letter(ref["id"])
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
    try:
        manifest = export_bundle(directory, history.to_json(), timeline, letters, missing)
    except ExportError as err:
        raise fail(EXIT_USAGE, str(err)) from None
    if missing:
        errors.print(
            f"Note: {len(missing)} letter(s) the history names are not in the store: "
            + ", ".join(missing),
            markup=False,
        )
    return {
        "directory": str(directory),
        "files": sorted(manifest["files"]),
        "missing_letters": missing,
        "digest": manifest["digest"],
    }


def _person_ids(timeline: Timeline, refusals: list[StoredRefusal]) -> list[str]:
    """Every person id the history or the records name, to resolve through the store."""
    found = {e.actor["person_id"] for e in timeline.events if e.actor and e.actor.get("person_id")}
    found |= {r.actor for r in refusals if r.actor.startswith("p-")}
    return sorted(str(p) for p in found)


def _show(timeline: Timeline) -> None:
    from rich.table import Table

    from audit.timeline import STAGE_NAMES, describe_actor

    table = Table(
        title=f"{timeline.workflow_id} ({timeline.status}), run {timeline.run_id}",
        caption=f"Timeline SHA-256 {timeline.sha256}",
    )
    table.add_column("Time (UTC)", no_wrap=True)
    table.add_column("Stage", overflow="fold")
    table.add_column("What happened", overflow="fold", ratio=3)
    table.add_column("Who", overflow="fold", ratio=1)
    for event in timeline.events:
        style = "red" if event.kind == "refused" else "dim" if event.kind in _QUIET_KINDS else None
        who = describe_actor(event.actor) if event.actor else ""
        table.add_row(
            f"{event.time:%Y-%m-%d %H:%M:%S}",
            STAGE_NAMES.get(event.stage or "", event.stage or ""),
            # The person has a column of their own here; the sentence stays whole in JSON.
            event.summary.replace(f" by {who} — ", " — ") if who else event.summary,
            who,
            style=style,
        )
    console.print(table)


def _verify_export(directory: Path, as_json: bool) -> None:
    from audit.export import verify_export

    verdict = verify_export(directory)
    if as_json:
        print_json(
            {
                "directory": str(directory),
                "intact": verdict.intact,
                "problem": verdict.problem,
                "workflow_id": verdict.workflow_id,
                "events": verdict.events,
                "files": verdict.files,
                "digest": verdict.digest,
            }
        )
    if not verdict.intact:
        raise fail(
            EXIT_REFUSED, f"The export in {directory} has been tampered with: {verdict.problem}"
        )
    if not as_json:
        console.print(
            f"Export intact: {verdict.workflow_id}, {verdict.events} history events chained, "
            f"{verdict.files} files checked. Final digest {verdict.digest}",
            markup=False,
        )
