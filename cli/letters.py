"""Stored letters, and the CEDAW linkage check on its own."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cli.common import JSON_OPTION, console, handled, print_json, store
from schemas.letters import LetterKind

letters_app = typer.Typer(help="Letters sent to members and the secretariat.", no_args_is_help=True)
cedaw_app = typer.Typer(help="The CEDAW linkage check (GR30).", no_args_is_help=True)


@letters_app.command("list")
@handled
def letters_list(
    cycle: str | None = typer.Option(None, "--cycle"),
    member: str | None = typer.Option(None, "--member"),
    kind: LetterKind | None = typer.Option(None, "--kind"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Stored letters, oldest first."""
    s = store()
    code = s.get_member(member).code if member else None
    rows = s.list_letters(cycle=cycle, member=code, kind=kind.value if kind else None)
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
                }
                for r in rows
            ]
        )
        return
    table = Table(title=f"{len(rows)} letter(s)")
    for column in ("Id", "Created", "Kind", "Cycle", "Member", "Recipient", "Lang"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.id,
            r.created_at.strftime("%Y-%m-%d %H:%M"),
            r.kind,
            r.cycle_id,
            r.member_code,
            r.recipient,
            r.language,
        )
    console.print(table)


@letters_app.command("show")
@handled
def letters_show(letter_id: str, html: bool = typer.Option(False, "--html")) -> None:
    """A letter's text (or HTML)."""
    row = store().get_letter(letter_id)
    print(row.body_html if html else row.body_text)


@cedaw_app.command("check")
@handled
def cedaw_check(member: str, file: Path, as_json: bool = JSON_OPTION) -> None:
    """Run the CEDAW linkage check on a self-assessment file, without any workflow."""
    from operations.steps import read_document
    from rules.cedaw import check_linkage
    from schemas.submissions import SelfAssessment

    m = store().get_member(member)
    assessment = read_document(file, SelfAssessment)
    result = check_linkage(m, assessment)
    if as_json:
        print_json(result)
        return
    console.print(f"[bold]{m.name}[/bold]: CEDAW linkage {result.rating.value.replace('_', ' ')}")
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


def register(app: typer.Typer) -> None:
    app.add_typer(letters_app, name="letters")
    app.add_typer(cedaw_app, name="cedaw")
