"""`napreview up` runs the worker and the portal each in a process of its own, under `up` (issue
#23): in one process they shared one event loop and one interpreter lock, so a slow page held up
workflow tasks and a busy worker held up pages.

`up` is the supervisor of the worker and of the portal's processes (PORTALS, sharing one port).
Its children run in sessions of their own, so Ctrl-C reaches `up` alone, which stops them all
(SIGTERM: the worker finishes its running activities, the portal its requests) and then the
Temporal server. When a child ends by itself, `up` stops the others and says which one ended. A
child also ends when `up` is killed outright (the parent-death signal, as for the Temporal
server), so no worker or portal outlives it.

A child is `python -m napreview.cli.supervisor worker|portal PORT`; its settings come from the
environment `up` gives it (NAPREVIEW_HOME, NAPREVIEW_TEMPORAL_ADDRESS, NAPREVIEW_PORTAL_URL).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

# Long enough for the worker to finish the activities it runs (a letter, a PDF); then killed.
STOP_WITHIN = 30.0
# Portal processes on the one port (SO_REUSEPORT): a page is Python holding one interpreter
# lock, so one process serves one page at a time; two use both cores of a small machine.
PORTALS = 2
# In the data folder while `up` runs: its children's process ids, one a line.
CHILDREN_FILE = "up-children.pid"


def start_children(
    home: Path, environment: Mapping[str, str], portal_port: int
) -> dict[str, subprocess.Popen]:
    """The worker, then the portal's processes, each a process of its own that ends with `up`;
    keyed by what they are ("worker", "portal", "portal (process 2)"). Their ids are recorded
    in ``home`` for the next `up` (``end_previous_stack``)."""
    from napreview.temporal.dev_server import die_with_parent

    env = {**os.environ, **environment}
    roles = {"worker": "worker"}
    for n in range(1, PORTALS + 1):
        roles["portal" + (f" (process {n})" if n > 1 else "")] = "portal"
    children = {
        name: subprocess.Popen(
            [sys.executable, "-m", "napreview.cli.supervisor", role, str(portal_port)],
            env=env,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        for name, role in roles.items()
    }
    (home / CHILDREN_FILE).write_text("".join(f"{p.pid}\n" for p in children.values()))
    return children


def end_previous_stack(home: Path) -> None:
    """Before `up` checks its ports: a previous `up` of this data folder that was killed leaves
    its server and children shutting down (the parent-death signal) and holding their ports a
    moment longer; wait for them to end (or end them), so that starting again at once works."""
    from napreview.temporal.dev_server import end_recorded, end_stale_server

    end_stale_server(home)
    end_recorded(home / CHILDREN_FILE, lambda command: b"napreview.cli.supervisor" in command)


def supervise(children: Mapping[str, subprocess.Popen]) -> str | None:
    """Wait until `up` is asked to stop (Ctrl-C, SIGTERM) or a child ends by itself; then stop
    every child. Returns the role of a child that ended by itself, None when asked to stop."""
    asked = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: asked.set()) for sig in _STOPS}
    ended = None
    try:
        while not asked.wait(0.2):
            ended = next((role for role, p in children.items() if p.poll() is not None), None)
            if ended is not None:
                break
    finally:
        stop_children(children)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return ended


def stop_children(children: Mapping[str, subprocess.Popen]) -> None:
    """SIGTERM to every child still running, then wait for them together; kill what remains."""
    running = [p for p in children.values() if p.poll() is None]
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(STOP_WITHIN)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_STOPS = (signal.SIGINT, signal.SIGTERM)


# --------------------------------------------------------------------------- the children


async def _serve(role: str, portal_port: int) -> None:
    from napreview.settings import load_settings

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in _STOPS:
        loop.add_signal_handler(sig, stop.set)
    config = load_settings(find_stack=False)  # the stack `up` gives in the environment
    if role == "worker":
        from napreview.worker import run_worker

        await run_worker(config, stop)
    else:
        from napreview.web.config import load_portal_settings
        from napreview.web.server import serve_portal

        await serve_portal(
            config, load_portal_settings(), "127.0.0.1", portal_port, stop, shared_port=True
        )


def main() -> None:
    from napreview.settings import keep_files_private

    keep_files_private()
    role, port = sys.argv[1], int(sys.argv[2])
    asyncio.run(_serve(role, port))


if __name__ == "__main__":
    main()
