"""Stored letters, the CEDAW linkage check on its own, and the draft women-peace-and-security
section of a member's next CEDAW periodic report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from napreview.cli.common import (
    AS_OPTION,
    EXIT_USAGE,
    JSON_OPTION,
    acting,
    check_acting,
    client,
    console,
    fail,
    handled,
    print_json,
    print_table,
    run,
    say,
    settings,
    store,
)
from napreview.schemas.delivery import DELIVERY_WORDS, DeliveryState
from napreview.schemas.letters import LetterKind

if TYPE_CHECKING:
    from napreview.services.letters import LetterSummary

letters_app = typer.Typer(help="Letters sent to members and the secretariat.", no_args_is_help=True)
cedaw_app = typer.Typer(help="The CEDAW linkage check (GR30).", no_args_is_help=True)


@letters_app.command("list")
@handled
def letters_list(
    cycle: str | None = typer.Option(None, "--cycle"),
    member: str | None = typer.Option(None, "--member"),
    kind: LetterKind | None = typer.Option(None, "--kind"),
    recipient: str | None = typer.Option(None, "--recipient", help="Only letters to this address"),
    as_: str | None = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Stored letters, oldest first: those the acting person may read (the secretariat and
    auditors every letter; a focal point its member's)."""
    from napreview.services import members
    from napreview.services.letters import list_for

    actor = acting(as_)
    s = store()
    code = members.get(s, member).code if member else None
    wanted = kind.value if kind else None
    rows = list_for(s, actor, cycle=cycle, member=code, kind=wanted, recipient=recipient)
    if as_json:
        print_json(
            [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "cycle": r.cycle_id,
                    "member": r.member_code,
                    "round": r.round,
                    "recipient": r.recipient,
                    "language": r.language,
                    "sha256": r.sha256,
                    "created_at": r.created_at.isoformat(),
                    "cc": list(r.cc or []),
                    "delivery": delivery_json(r),
                }
                for r in rows
            ]
        )
        return
    print_table(
        f"{len(rows)} letter(s)",
        ("Id", "Created", "Kind", "Cycle", "Member", "Recipient", "Lang", "Delivery"),
        (
            (
                r.id,
                r.created_at.strftime("%Y-%m-%d %H:%M"),
                r.kind,
                r.cycle_id,
                r.member_code,
                r.recipient,
                r.language,
                r.delivery_state or "-",
            )
            for r in rows
        ),
        whole=("Id", "Cycle", "Member"),
    )


def delivery_json(row: LetterSummary) -> dict[str, object]:
    """queued, sent (with the server's reply), filed in the outbox (not sent; with the file's
    path) or failed (with the reason); null state for a letter stored before delivery existed."""
    return {
        "state": row.delivery_state,
        "detail": row.delivery_detail,
        "attempts": row.delivery_attempts,
        "delivered_at": row.delivered_at.isoformat() if row.delivered_at else None,
    }


@letters_app.command("show")
@handled
def letters_show(
    letter_id: str, html: bool = typer.Option(False, "--html"), as_: str | None = AS_OPTION
) -> None:
    """A letter's kind, addresses and delivery state, then its text (or only its HTML); for
    those who may read it."""
    from napreview.services.letters import letter

    row = letter(store(), acting(as_), letter_id)
    if html:
        print(row.body_html)
        return
    state = (
        DELIVERY_WORDS[DeliveryState(row.delivery_state)]
        if row.delivery_state
        else "not delivered (stored before delivery existed)"
    )
    detail = f" — {row.delivery_detail}" if row.delivery_detail else ""
    print(f"Letter: {row.kind.replace('_', ' ')}, cycle {row.cycle_id}, {row.member_code}")
    print(f"To: {row.recipient_name} <{row.recipient}>")
    if row.cc:
        print(f"Cc: {', '.join(row.cc)}")
    print(f"Subject: {row.subject}")
    print(f"Delivery: {state}{detail}")
    print()
    print(row.body_text)


@letters_app.command("export")
@handled
def letters_export(
    cycle: str | None = typer.Option(None, "--cycle"), as_: str | None = AS_OPTION
) -> None:
    """Rewrite every letter file (text and HTML) from the store; files already right are kept.
    An operator's repair of the data folder; with --as, only for those who read every letter
    (the secretariat, auditors)."""
    from napreview.services.letters import export_files

    s = store()
    actor = acting(as_) if as_ is not None else None
    folder = settings().letters_dir
    checked, rewritten = export_files(s, folder, actor, cycle)
    console.print(
        f"{checked} letter(s) checked in {folder}; {rewritten} file(s) written from the store."
    )


@cedaw_app.command("check")
@handled
def cedaw_check(
    member: str, file: Path, as_json: bool = JSON_OPTION, as_: str | None = AS_OPTION
) -> None:
    """Run the CEDAW linkage check on a self-assessment file, without any workflow."""
    check_acting(as_)
    from napreview.schemas.submissions import SelfAssessment
    from napreview.services.members import get
    from napreview.services.steps import read_document
    from napreview.workflows.cedaw import check_linkage

    m = get(store(), member)
    assessment = read_document(file, SelfAssessment)
    result = check_linkage(m, assessment)
    if as_json:
        print_json(result)
        return
    rating = result.rating.value.replace("_", " ")
    if not result.findings:
        console.print(f"[bold]{m.name}[/bold]: CEDAW linkage {rating}, no findings.")
        return
    console.print(
        f"[bold]{m.name}[/bold]: CEDAW linkage {rating}, {len(result.findings)} finding(s)."
    )
    table = Table()
    for column in ("Severity", "Code", "Article", "GR30", "Pillar", "Message"):
        table.add_column(column)
    for f in result.findings:
        table.add_row(
            f.severity.value,
            f.code,
            f.article or "",
            f.gr30_paragraph or "",
            f.pillar or "",
            f.message,
        )
    console.print(table)


@cedaw_app.command("report-draft")
@handled
def cedaw_report_draft(
    cycle: str,
    member: str,
    language: str | None = typer.Option(
        None, "--language", help="en, fr or es (default: the member's language)"
    ),
    html: bool = typer.Option(False, "--html", help="HTML instead of plain text"),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write it to this file"),
    as_: str | None = AS_OPTION,
) -> None:
    """A draft women-peace-and-security section for the member's next CEDAW periodic report
    (GR30 para 84): the plan, the peer recommendations it supported, the CEDAW check's gaps
    and its indicator values (the member's focal points, the secretariat, auditors)."""
    from napreview.services.cedaw_report import draft

    if language is not None and language not in ("en", "fr", "es"):
        raise fail(EXIT_USAGE, "--language: give en, fr or es.")
    actor = acting(as_)

    async def build() -> str:
        found = await draft(await client(), store(), actor, cycle, member, language)
        return found.as_html() if html else found.as_text()

    text = run(build())
    if output is None:
        print(text, end="")
        return
    output.write_text(text, encoding="utf-8")
    say(f"The draft is written to {output}.")


def register(app: typer.Typer) -> None:
    app.add_typer(letters_app, name="letters")
    app.add_typer(cedaw_app, name="cedaw")
