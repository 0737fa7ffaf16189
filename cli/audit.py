"""`napreview audit`: the auditor's timeline, export and replay check (DESIGN §8, §10.2).

Reading an audit trail needs an identity (a personal token, or --as on a trial installation):
auditors and the secretariat read every one, a focal point only its own member's review and
follow-up; each read is recorded, each refusal too (exit 3). `audit CYCLE MEMBER --follow-up`
reads the member's follow-up of that review, with the same options. `audit verify-export DIR`
reads only the folder and needs nobody. One command serves both spellings of §10.2, `audit
CYCLE [MEMBER]` and `audit verify-export DIR`, because a Typer group cannot take arguments of its
own and subcommands at once. The work itself is services/audit.py, shared with the portal.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from napreview.cli.common import (
    AS_OPTION,
    EXIT_REFUSED,
    EXIT_UNEXPECTED,
    EXIT_USAGE,
    JSON_OPTION,
    acting,
    client,
    console,
    errors,
    fail,
    handled,
    print_json,
    run,
    store,
)

if TYPE_CHECKING:
    from temporalio.client import WorkflowHistory

    from napreview.audit.model import Timeline
    from napreview.audit.replay import ReplayReport
    from napreview.audit.signatures import SignatureVerdict
    from napreview.services.audit import AuditView

VERIFY_EXPORT = "verify-export"


async def replay(history: WorkflowHistory) -> ReplayReport:
    """Replay against the current workflow code (audit.replay, imported when an audit runs)."""
    from napreview.audit.replay import replay as replay_history

    return await replay_history(history)


async def replay_without_shim(history: WorkflowHistory) -> str | None:
    """Under the Temporal SDK alone: why it does not replay, or None (`--verify`)."""
    from napreview.audit.replay import replay_without_shim as sdk_alone

    return await sdk_alone(history)


_QUIET_KINDS = {"timer_set", "timer_fired", "stage", "overdue_cleared"}


def register(app: typer.Typer) -> None:
    app.command(
        "audit",
        help=(
            "A review's timeline from its Temporal history: who did what, when, and what was "
            "refused. 'audit CYCLE MEMBER' for a member's review, 'audit CYCLE MEMBER "
            "--follow-up' for its follow-up, 'audit CYCLE' for the cycle itself, 'audit "
            "verify-export DIR' to check an export offline."
        ),
    )(audit_command)


@handled
def audit_command(
    cycle: str = typer.Argument(..., metavar="CYCLE|verify-export"),
    member: str | None = typer.Argument(None, metavar="MEMBER|DIR"),
    as_json: bool = JSON_OPTION,
    export: Path | None = typer.Option(
        None,
        "--export",
        help="Write history, timeline, signatures, letters and a hash-chained manifest",
    ),
    verify: bool = typer.Option(
        False,
        "--verify",
        help="Replay the history against the current workflow code; fail unless it replays "
        "in full and every step it took is signed",
    ),
    follow_up: bool = typer.Option(
        False,
        "--follow-up",
        help="The member's follow-up of that review (follow-up-CYCLE-MEMBER) instead of the "
        "review itself",
    ),
    as_: str | None = AS_OPTION,
) -> None:
    if cycle == VERIFY_EXPORT:
        if not member:
            raise fail(EXIT_USAGE, "Say which folder to check: napreview audit verify-export DIR")
        if export or verify or follow_up:
            raise fail(
                EXIT_USAGE,
                "verify-export takes a folder only, no --export, --verify or --follow-up.",
            )
        _verify_export(Path(member), as_json)
        return
    if follow_up and not member:
        raise fail(
            EXIT_USAGE,
            "A follow-up is a member's: napreview audit CYCLE MEMBER --follow-up",
        )
    run(_audit(cycle, member, as_json, export, verify, as_, follow_up))


async def _audit(
    cycle: str,
    member: str | None,
    as_json: bool,
    export: Path | None,
    verify: bool,
    as_: str | None,
    follow_up: bool,
) -> None:
    from napreview.audit.export import ExportError
    from napreview.services import audit as audits
    from napreview.services.members import get
    from napreview.temporal.codec import CodecKeyError

    s = store()
    actor = acting(as_)
    code = get(s, member).code if member else None
    try:
        temporal = await client()
    except CodecKeyError as err:
        raise fail(EXIT_UNEXPECTED, str(err)) from None
    what = [audits.TIMELINE]
    what += [audits.REPLAY_CHECK] if verify else []
    what += [audits.EXPORT] if export is not None else []
    try:
        view = await audits.read_audit(
            temporal,
            s,
            actor,
            cycle,
            code,
            what=", ".join(what),
            via=audits.COMMAND_LINE,
            replay=replay,
            follow_up=follow_up,
        )
    except audits.AuditUnavailable as err:
        raise fail(EXIT_UNEXPECTED, str(err)) from None

    signatures = _signatures(view)
    output: dict[str, Any] = view.timeline.model_dump(mode="json")
    if verify:
        without_shim = await replay_without_shim(view.history)
        output["replay"] = _replay_json(view, signatures, without_shim)
    if export is not None:
        try:
            exported = audits.write_export(s, view, export)
        except ExportError as err:
            raise fail(EXIT_USAGE, str(err)) from None
        output["export"] = {
            "directory": str(export),
            "files": sorted(exported.manifest["files"]),
            "missing_letters": exported.missing_letters,
            "digest": exported.digest,
            "encrypted_history": view.encrypted,
        }
        if exported.missing_letters:
            errors.print(
                f"Note: {len(exported.missing_letters)} letter(s) the history names are not in "
                "the store: " + ", ".join(exported.missing_letters),
                markup=False,
            )

    if as_json:
        print_json(output)
    else:
        _show(view.timeline)
        if export is not None:
            console.print(
                f"Exported to {export}: {len(output['export']['files'])} files, "
                f"final digest {output['export']['digest']}",
                markup=False,
            )
        if verify:
            for line in _replay_lines(view, without_shim):
                console.print(line, markup=False)
        if verify and view.replayed_in_full:
            console.print(f"Signatures: {signatures.describe()}", markup=False)
    problem = _replay_problem(view)
    if verify and (problem or not signatures.ok):
        raise fail(EXIT_UNEXPECTED, problem or f"Signatures: {signatures.describe()}")
    if problem:
        errors.print(f"Note: {problem}", markup=False)


def _signatures(view: AuditView) -> SignatureVerdict:
    from napreview.audit.export import outcomes_of
    from napreview.audit.signatures import judge

    return judge(view.signatures, outcomes_of(view.timeline))


def _replay_problem(view: AuditView) -> str | None:
    """Why the history did not replay in full, in words (None when it did)."""
    if not view.deterministic:
        return (
            f"The history does not replay with the current workflow code: {view.replay_error}. "
            "Signal outcomes are not known."
        )
    if view.unresolved:
        first = view.unresolved[0]
        return (
            f"The history did not replay in full: the outcome of {len(view.unresolved)} "
            f"event(s) cannot be derived (first: event {first.event_id}, {first.summary})."
        )
    return None


def _replay_lines(view: AuditView, without_shim: str | None) -> list[str]:
    """Both replays in words: as the workers run it (the verdict), then the SDK alone."""
    from napreview.temporal.sdk_version import TESTED_SDK

    workers = "deterministic" if view.deterministic else "does not replay (see below)"
    if without_shim is None:
        alone = "deterministic."
    elif view.deterministic:
        alone = (
            "does not replay: this history needs the workers' correction of how the SDK orders "
            f"updates on replay (sdk-python #1591). {without_shim}"
        )
    else:
        alone = f"does not replay either. {without_shim}"
    return [
        f"Replay with the current workflow code, as the workers run it (Temporal SDK "
        f"{TESTED_SDK} with napreview's update-order correction): {workers}.",
        f"Replay under the Temporal SDK alone: {alone}",
    ]


def _replay_json(
    view: AuditView, verdict: SignatureVerdict, without_shim: str | None
) -> dict[str, Any]:
    return {
        # The verdict, as the workers run it: the SDK with the update-order shim.
        "deterministic": view.deterministic,
        "error": view.replay_error,
        "with_shim": {"deterministic": view.deterministic, "error": view.replay_error},
        "plain_sdk": {"deterministic": without_shim is None, "error": without_shim},
        "replayed_in_full": view.replayed_in_full,
        "unresolved": [
            {"event_id": e.event_id, "reason": e.detail.get("unknown_because")}
            for e in view.unresolved
        ],
        "signatures": {
            "signing": verdict.signing,
            "signed": verdict.signed,
            "holding": verdict.holding,
            "ok": verdict.ok,
            "said": verdict.describe(),
        },
    }


def _show(timeline: Timeline) -> None:
    from rich.table import Table

    from napreview.audit.words import (
        describe_actor,
        sender,
        stage_name,
        summarize,
    )

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
        if who and event.detail.get("signature") in ("unsigned", "fails"):
            who = sender(event)  # "in the name of …": the person is only claimed
        table.add_row(
            f"{event.time:%Y-%m-%d %H:%M:%S}",
            stage_name(event.stage),
            # The person has a column of their own here; the sentence stays whole in JSON.
            summarize(event, with_actor=False),
            who,
            style=style,
        )
    console.print(table)


def _verify_export(directory: Path, as_json: bool) -> None:
    from napreview.audit.verify import verify_export

    verdict = verify_export(directory)
    signatures = verdict.signatures
    if as_json:
        print_json(
            {
                "directory": str(directory),
                "intact": verdict.intact,
                "problem": verdict.problem,
                "problems": verdict.problems,
                "workflow_id": verdict.workflow_id,
                "events": verdict.events,
                "files": verdict.files,
                "digest": verdict.digest,
                "signatures": {
                    "signing": signatures.signing,
                    "signed": signatures.signed,
                    "holding": signatures.holding,
                    "ok": signatures.ok,
                    "said": signatures.describe(),
                }
                if signatures
                else None,
                "encryption": verdict.encryption,
            }
        )
    if not verdict.intact:
        more = "".join(f"\n  also: {p}" for p in verdict.problems[1:])
        raise fail(
            EXIT_REFUSED,
            f"The export in {directory} has been tampered with: {verdict.problem}{more}",
        )
    if not as_json:
        console.print(
            f"Export intact: {verdict.workflow_id}, {verdict.events} history events chained, "
            f"{verdict.files} files checked. Final digest {verdict.digest}",
            markup=False,
        )
        if signatures is not None:
            console.print(f"Signatures: {signatures.describe()}", markup=False)
        if verdict.encryption:
            console.print(verdict.encryption, markup=False)
