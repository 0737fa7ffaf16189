"""Where `napreview up` serves, so that another terminal finds it (issue #8 item 9).

`up` records the stack it serves (its data folder, Temporal's address, the portal, its process
id) in the user's own config folder, ``$XDG_CONFIG_HOME/napreview/stacks.json`` (default
``~/.config``), beside the kept token, and removes it when it stops. ``settings.load_settings``
reads it: a command run elsewhere without NAPREVIEW_HOME finds that stack's data instead of
starting an empty installation in the folder it happens to run in, and a command on the same
data folder finds the port it serves. Explicit settings (NAPREVIEW_HOME,
NAPREVIEW_TEMPORAL_ADDRESS, NAPREVIEW_DATABASE_URL) always win.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tempfile
from pathlib import Path
from typing import Any

from napreview.settings import running_stacks as running
from napreview.settings import stacks_file

DEFAULT_HOME = Path(".napreview")
DEFAULT_ADDRESS = "localhost:7233"


def _write(records: list[dict[str, Any]]) -> None:
    path = stacks_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".stacks-")
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"stacks": records}, handle, indent=2)
        handle.write("\n")
    os.replace(temporary, path)


def record(home: Path, address: str, portal: str, pid: int) -> Path:
    """`up` serves this stack: recorded for other terminals (replacing any for that home)."""
    home = home.resolve()
    others = [r for r in running() if r.get("home") != str(home)]
    entry = {"home": str(home), "address": address, "portal": portal, "pid": pid}
    _write([*others, entry])
    return stacks_file()


def forget(home: Path, pid: int) -> None:
    """`up` stopped: its record goes (another `up`'s record stays)."""
    home = home.resolve()
    with contextlib.suppress(OSError):
        kept = [r for r in running() if not (r.get("home") == str(home) and r.get("pid") == pid)]
        _write(kept)


def exports(home: Path, address: str) -> list[str]:
    """The `export` lines another shell needs, where the values differ from the defaults a
    command run from the same folder would use."""
    lines = []
    if home.resolve() != DEFAULT_HOME.resolve():
        lines.append(f"export NAPREVIEW_HOME={_quoted(str(home.resolve()))}")
    if address != DEFAULT_ADDRESS:
        lines.append(f"export NAPREVIEW_TEMPORAL_ADDRESS={address}")
    return lines


def point_at(found: dict[str, Any]) -> str:
    """The export line that points a shell at a recorded stack."""
    return (
        f"export NAPREVIEW_HOME={_quoted(str(found['home']))} "
        f"NAPREVIEW_TEMPORAL_ADDRESS={found['address']}"
    )


def _quoted(text: str) -> str:
    safe = all(c.isalnum() or c in "/._-+:@%," for c in text)
    return text if safe else "'" + text.replace("'", "'\\''") + "'"


def answers(address: str, timeout: float = 0.3) -> bool:
    """Something listens at host:port (a quick TCP probe, no Temporal call)."""
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host or "localhost", int(port)), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False
