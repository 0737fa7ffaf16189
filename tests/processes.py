"""The processes a test session started, found by a mark in their environment, so that the
session can end by checking that none is left behind (issue #21: a killed worker's children,
a server nobody stopped). A process keeps its environment when its parent dies, so the mark
finds orphans too, which a walk down from pytest would miss."""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from pathlib import Path

MARK = "NAPREVIEW_TESTS_SESSION_MARK"


def mark_session() -> str:
    """Mark this session's environment: every process the tests start inherits the mark,
    including those started with an environment copied from os.environ."""
    value = uuid.uuid4().hex
    os.environ[MARK] = value
    return value


def _ancestors() -> set[int]:
    found, pid = set(), os.getpid()
    while pid > 1:
        found.add(pid)
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            break
    return found


# Python's own helper for pytest's process pools: it lives as long as pytest and ends with it.
RESOURCE_TRACKER = "from multiprocessing.resource_tracker import main"


def marked(value: str) -> dict[int, str]:
    """Live processes carrying the mark (pytest itself and its parents excepted, and pytest's
    own resource tracker): pid → the command line."""
    needle = f"{MARK}={value}".encode()
    mine = _ancestors()
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in mine:
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile, or not ours to read
            continue
        if stat[0] == "Z":  # gone, waiting to be reaped by its parent
            continue
        if int(stat[1]) == os.getpid() and RESOURCE_TRACKER in command:
            continue
        found[int(entry.name)] = command.strip()[:200]
    return found


def left_behind(value: str, grace: float = 10.0) -> dict[int, str]:
    """The marked processes still alive after ``grace`` seconds (a killed worker's layout
    process notices within a second); each is then ended, so that one session's leftovers do
    not burden the next, and returned to be named."""
    end = time.monotonic() + grace
    while (found := marked(value)) and time.monotonic() < end:
        time.sleep(0.2)
    for pid in found:
        with contextlib.suppress(OSError):  # ended meanwhile
            os.kill(pid, signal.SIGKILL)
    return found
