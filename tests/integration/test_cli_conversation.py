"""The command line of issue #21 part C as people would type it (DESIGN §10.2): a comment, the
thread, a deputy who writes as themselves, search and a cycle's spreadsheet; and each mistake
answered with its exit code and a message that says what was wrong."""

from __future__ import annotations

import asyncio
import json

from openpyxl import load_workbook  # type: ignore[import-untyped]

from napreview.people.tokens import create_token
from napreview.schemas.text import MESSAGE_LENGTH

from ..helpers import SECRETARIAT, fp, new_cycle_id
from .test_cli import napreview, wait_for, worker  # noqa: F401 (fixtures)

DEPUTY = "anna.schmidt@example.de"


async def test_a_comment_a_deputy_search_and_a_spreadsheet_from_the_command_line(
    napreview,  # noqa: F811
    worker,  # noqa: F811
    store,
    tmp_path,
    monkeypatch,
):
    async def cli(*args: str):  # type: ignore[no-untyped-def]
        """The command in a thread of its own, as it runs an event loop of its own."""
        return await asyncio.to_thread(napreview, *args)

    cycle = new_cycle_id()  # the dev server is shared: a cycle of its own
    started = await cli(
        "cycle", "start", cycle, "--members", "DEU,FRA,MEX,NAM,JPN", "--seed", "11",
        "--as", SECRETARIAT,
    )  # fmt: skip
    assert started.exit_code == 0, started.output
    state = await asyncio.to_thread(wait_for, napreview, cycle, "DEU", lambda s: s["letters"])
    reviewers = [r["member"] for r in state["reviewers"]]
    outsider = next(m for m in ("FRA", "MEX", "NAM", "JPN") if m not in reviewers)

    said = await cli("comment", cycle, "DEU", "Le cadre de suivi est joint.", "--as", fp("DEU"))
    assert said.exit_code == 0, said.output
    told = ", ".join(f"the focal point of {r}" for r in reviewers)
    assert f"a letter goes to {told}, the secretariat." in " ".join(said.output.split())

    # --- mistakes: each its exit code, and a message naming what was wrong ---
    unknown = await cli("comment", cycle, "XYZ", "Hello", "--as", fp("DEU"))
    assert unknown.exit_code == 4 and "XYZ" in unknown.output
    stranger = await cli("comment", cycle, "DEU", "Hello", "--as", fp(outsider))
    assert stranger.exit_code == 3 and stranger.output.startswith("Refused")
    auditor = await cli("comment", cycle, "DEU", "Noted.", "--as", "auditor@example.org")
    assert auditor.exit_code == 3
    long = await cli("comment", cycle, "DEU", "x" * (MESSAGE_LENGTH + 1), "--as", fp("DEU"))
    assert long.exit_code == 2
    assert f"The comment is too long: at most {MESSAGE_LENGTH} characters" in long.output
    empty = await cli("comment", cycle, "DEU", "  ", "--as", fp("DEU"))
    assert empty.exit_code == 2

    # --- a deputy, designated by the secretariat only, writes as themselves ---
    refused = await cli(
        "focal-points", "deputy", "DEU", "--name", "Anna Schmidt", "--email", DEPUTY,
        "--as", fp("DEU"),
    )  # fmt: skip
    assert refused.exit_code == 3
    nowhere = await cli(
        "focal-points", "deputy", "XYZ", "--name", "Anna Schmidt", "--email", DEPUTY,
        "--as", SECRETARIAT,
    )  # fmt: skip
    assert nowhere.exit_code == 4 and "XYZ" in nowhere.output
    named = await cli(
        "focal-points", "deputy", "DEU", "--name", "Anna Schmidt", "--email", DEPUTY,
        "--as", SECRETARIAT,
    )  # fmt: skip
    assert named.exit_code == 0, named.output
    assert "Anna Schmidt <anna.schmidt@example.de> is a deputy focal point of DEU" in named.output
    # not an example person: the deputy proves who they are with a personal token
    monkeypatch.setenv("NAPREVIEW_TOKEN", create_token(store, DEPUTY))
    deputy_said = await cli("comment", cycle, "DEU", "Les cibles suivent.")
    monkeypatch.delenv("NAPREVIEW_TOKEN")
    assert deputy_said.exit_code == 0, deputy_said.output
    assert "the focal point of DEU" in deputy_said.output  # the focal point is told

    thread = await cli("comments", cycle, "DEU", "--json", "--as", fp(reviewers[0]))
    assert thread.exit_code == 0, thread.output
    assert [(c["author"], c["member"], c["deputy"]) for c in json.loads(thread.stdout)] == [
        (fp("DEU"), "DEU", False),
        (DEPUTY, "DEU", True),
    ]
    shown = await cli("comments", cycle, "DEU", "--as", SECRETARIAT)
    assert f"{DEPUTY} (deputy focal point of DEU)" in shown.output
    assert (await cli("comments", cycle, "DEU", "--as", fp(outsider))).exit_code == 3

    # --- search by a name in another language; a spreadsheet as a person opens it ---
    found = await cli("search", "Allemagne", "--as", fp("DEU"))
    assert found.exit_code == 0 and "member  DEU  Germany" in found.output
    assert f"review  {cycle} DEU" in found.output
    sheet = tmp_path / "status.xlsx"
    wrote = await cli("export", cycle, "status", "--output", str(sheet), "--as", SECRETARIAT)
    assert wrote.exit_code == 0, wrote.output
    rows = list(load_workbook(sheet).active.iter_rows(values_only=True))
    by_member = {r[0]: r for r in rows[1:]}
    assert by_member["DEU"][1] == "Germany" and by_member["DEU"][2] == "Self-assessment"
    sheet_es = tmp_path / "estado.xlsx"
    wrote = await cli(
        "export", cycle, "status", "-o", str(sheet_es), "--language", "es", "--as", SECRETARIAT
    )
    assert wrote.exit_code == 0, wrote.output
    rows = list(load_workbook(sheet_es).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Código", "Miembro", "Etapa")
    assert {r[0]: r[1] for r in rows[1:]}["DEU"] == "Alemania"
    unknown = await cli("export", cycle, "status", "-o", str(sheet_es), "--language", "de")
    assert unknown.exit_code == 2 and "en, fr or es" in unknown.output
    wrong = await cli("export", cycle, "status", "--output", str(tmp_path / "s.pdf"))
    assert wrong.exit_code == 2 and ".csv or .xlsx" in wrong.output
