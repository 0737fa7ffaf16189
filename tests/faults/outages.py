"""Outages a fault case causes and ends: the database away, the letters folder read-only."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url


class SqliteLocked:
    """Another connection holds the database's write lock (an exclusive transaction) for a while:
    every write waits its busy timeout, then fails as 'database is locked'."""

    def __init__(self, database: Path, seconds: float) -> None:
        self.database = database
        self.seconds = seconds
        self.taken = threading.Event()
        self.released = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        connection = sqlite3.connect(self.database, timeout=60, isolation_level=None)
        try:
            connection.execute("BEGIN EXCLUSIVE")
            self.taken.set()
            time.sleep(self.seconds)
            connection.execute("ROLLBACK")
        finally:
            connection.close()
            self.released.set()

    def start(self) -> None:
        self.thread.start()
        self.taken.wait(30)


def postgres_cluster(url: str) -> tuple[str, str]:
    """(version, name) of the local cluster that serves this URL's port (pg_lsclusters)."""
    port = str(make_url(url).port or 5432)
    listed = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    for line in listed.stdout.splitlines():
        version, name, cluster_port, *_ = line.split()
        if cluster_port == port:
            return version, name
    raise LookupError(f"no local PostgreSQL cluster listens on port {port}")


def pg_ctlcluster(version: str, name: str, action: str) -> None:
    subprocess.run(["pg_ctlcluster", version, name, action], check=True, timeout=120)


def wait_for_postgres(url: str, timeout: float = 60.0) -> None:
    port = str(make_url(url).port or 5432)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if subprocess.run(["pg_isready", "-q", "-p", port, "-h", "127.0.0.1"]).returncode == 0:
            return
        time.sleep(0.5)
    raise TimeoutError(f"PostgreSQL on port {port} did not come back")


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[str]:
    """Make ``folder`` unwritable even for root (tests run as root), then writable again.

    A read-only bind mount of the folder on itself where the kernel allows it; else every
    directory below made immutable (chattr +i); else the folder swapped for a regular file.
    Yields which of the three it used.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if _mount(folder):
        try:
            yield "read-only bind mount"
        finally:
            subprocess.run(["umount", str(folder)], check=True)
        return
    directories = [folder, *(p for p in folder.rglob("*") if p.is_dir())]
    if _run("chattr", "+i", *map(str, directories)):
        try:
            yield "chattr +i"
        finally:
            _run("chattr", "-i", *map(str, directories))
        return
    aside = folder.with_name(folder.name + ".aside")
    folder.rename(aside)
    folder.write_text("not a folder: the letters folder is away\n")
    try:
        yield "a regular file in the folder's place"
    finally:
        folder.unlink()
        aside.rename(folder)


def _run(*args: str) -> bool:
    if shutil.which(args[0]) is None:
        return False
    return subprocess.run(args, capture_output=True).returncode == 0


def _mount(folder: Path) -> bool:
    if not _run("mount", "--bind", str(folder), str(folder)):
        return False
    if _run("mount", "-o", "remount,bind,ro", str(folder), str(folder)):
        probe = folder / ".probe"
        try:
            probe.write_text("x")
        except OSError:
            return True
        probe.unlink()
    subprocess.run(["umount", str(folder)], check=False)
    return False
