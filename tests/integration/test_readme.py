"""README's walk-through ("Trying it"), run as written (issue #21): each command of its first
block, in order, in a folder of its own, answers exit code 0. Where a person would pause
between two commands while the review moves on (a cycle starting, the last peer review
arriving), the test waits for the same; LETTER_ID is read from the letter list above it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from .test_cli import _in_thread, napreview, wait_for, worker  # noqa: F401 (fixtures)

README = Path(__file__).parent.parent.parent / "README.md"
COMMENT = re.compile(r"\s+#\s.*$")
LETTER_ID = re.compile(r"\b[0-9a-f]{16}\b")


def walk_through() -> list[list[str]]:
    """The commands of the first block under "Trying it", one argument list each."""
    text = README.read_text()
    block = text[text.index("## Trying it") :]
    block = block[block.index("```sh\n") + 6 :]
    block = block[: block.index("```")]
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        line = COMMENT.sub("", line).strip()
        if line:
            commands.append(shlex.split(line))
    return commands


def run_walk_through(cli, folder: Path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Run each command; what each said, by its first two words (the last of each kept)."""
    said: dict[str, str] = {}
    last = ""
    for words in walk_through():
        assert words[0] == "napreview", words
        args = words[1:]
        target = None
        if ">" in args:
            args, target = args[: args.index(">")], args[args.index(">") + 1]
        if "LETTER_ID" in args:
            found = LETTER_ID.findall(last)
            assert found, f"no letter id in:\n{last}"
            args = [found[-1] if a == "LETTER_ID" else a for a in args]
        done = cli(*args)
        assert done.exit_code == 0, f"{' '.join(words)} answered {done.exit_code}:\n{done.output}"
        if target:
            (folder / target).write_text(done.stdout)
        last = done.output
        said[" ".join(args[:2])] = done.output
        if args[:2] == ["cycle", "start"] and args[2] == "2019":
            wait_for(cli, "2019", "DEU", lambda s: bool(s["letters"]))
        if args[:2] == ["submit", "peer-review"] and args[-1] == "fp.jpn@example.org":
            wait_for(cli, "2019", "DEU", lambda s: s.get("answers_due") is not None)
    return said


async def test_the_readme_walk_through_runs_as_written(
    worker,  # noqa: F811
    napreview,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    monkeypatch.chdir(tmp_path)
    said = await _in_thread(run_walk_through, napreview, tmp_path)
    approved = " ".join(said["sign-off 2019"].split())
    assert "The review of Germany is now completed (round 1)." in approved
    assert "Subject" in said["letters show"]  # a letter whose id was read from the list
