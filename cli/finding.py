"""The conversation on a review, search by name, and a cycle's spreadsheets, from the command
line (the portal's pages call the same services)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from napreview.cli.common import (
    AS_OPTION,
    EXIT_USAGE,
    JSON_OPTION,
    acting,
    client,
    console,
    fail,
    handled,
    print_json,
    run,
    say,
    settings,
    store,
)

if TYPE_CHECKING:
    from napreview.services.conversation import CommentView


def register(app: typer.Typer) -> None:
    @app.command("comment")
    @handled
    def comment(
        cycle: str,
        member: str,
        text: str = typer.Argument(..., help="The comment (plain text; '-' reads standard input)"),
        as_: str | None = AS_OPTION,
    ) -> None:
        """Write in a review's conversation (the member's focal points, its reviewers' and the
        secretariat); the others in it are told by email."""
        import sys

        from napreview.services import conversation

        typed = sys.stdin.read() if text == "-" else text

        async def post() -> conversation.Posted:
            return await conversation.post(
                await conversation.reachable(client),
                store(),
                settings(),
                acting(as_),
                cycle,
                member,
                typed,
            )

        posted = run(post())
        told = ", ".join(_told(posted.told)) or "nobody"
        say(f"Comment {posted.comment.id} added; a letter goes to {told}.")

    @app.command("comments")
    @handled
    def comments(
        cycle: str, member: str, as_json: bool = JSON_OPTION, as_: str | None = AS_OPTION
    ) -> None:
        """A review's conversation, oldest first, for those who read the review."""
        from napreview.services import conversation

        thread = conversation.read_thread(store(), acting(as_), cycle, member)
        if as_json:
            print_json(
                [
                    {
                        "id": c.id,
                        "author": c.author_email,
                        "role": c.author_role.value,
                        "member": c.author_member,
                        "deputy": c.deputy,
                        "at": c.at.isoformat(),
                        "text": c.text,
                    }
                    for c in thread
                ]
            )
            return
        for c in thread:
            console.print(
                f"[bold]{c.author_email}[/bold] ({_as_whom(c)}) {c.at:%Y-%m-%d %H:%M} UTC",
                highlight=False,
            )
            console.print(c.text, markup=False, highlight=False)
            console.print()
        if not thread:
            say("No comments yet.")

    @app.command("search")
    @handled
    def search_command(words: str, as_: str | None = AS_OPTION) -> None:
        """Members, reviews and letters by name (a member's code or name in en/fr/es, or words
        of a letter's subject), among what the person reads."""
        from napreview.services.search import search

        found = search(store(), acting(as_), words)
        for m in found.members:
            console.print(f"member  {m.code}  {m.name}", markup=False, highlight=False)
        for r in found.reviews:
            console.print(
                f"review  {r.cycle} {r.member}  {r.stage.value}", markup=False, highlight=False
            )
        for letter in found.letters:
            console.print(f"letter  {letter.id}  {letter.subject}", markup=False, highlight=False)
        if not (found.members or found.reviews or found.letters):
            say("Nothing found.")

    @app.command("export")
    @handled
    def export(
        cycle: str,
        what: str = typer.Argument(..., help="status or recommendations"),
        output: Path = typer.Option(..., "--output", "-o", help="The file (.csv or .xlsx)"),
        language: str = typer.Option(
            "en", "--language", help="The language of its headers and words: en, fr or es"
        ),
        as_: str | None = AS_OPTION,
    ) -> None:
        """A cycle's spreadsheet: where each review stands, or the peer recommendations with
        the members' answers; CSV or XLSX by the output's ending."""
        from napreview.services import exports

        form = output.suffix.lstrip(".").lower()
        if form not in exports.FORMATS or what not in ("status", "recommendations"):
            raise fail(EXIT_USAGE, "Give status or recommendations, and a .csv or .xlsx file.")
        if language not in ("en", "fr", "es"):
            raise fail(EXIT_USAGE, "--language: give en, fr or es.")
        actor = acting(as_)
        if what == "status":
            table = exports.cycle_status(store(), actor, cycle, language)
        else:

            async def read() -> exports.Table:
                return await exports.recommendations(
                    await client(), store(), actor, cycle, language
                )

            table = run(read())
        data, _, _ = exports.encoded(table, form)
        output.write_bytes(data)
        say(f"{len(table.rows)} rows written to {output}.")


def _told(recipients: list[str]) -> list[str]:
    return [
        "the secretariat" if r == "secretariat" else f"the focal point of {r}" for r in recipients
    ]


def _as_whom(comment: CommentView) -> str:
    """As whom the author wrote: the secretariat, a member's focal point or its deputy."""
    if comment.author_member is None:  # only the secretariat writes for no member
        return "the secretariat"
    kind = "deputy focal point" if comment.deputy else "focal point"
    return f"{kind} of {comment.author_member}"
