"""What napreview leaves on disk and in the process table (issue #20 item 7): every file it
creates is its user's alone, and no process outlives a killed worker."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

NAPREVIEW = str(Path(sys.executable).parent / "napreview")


def test_a_new_installation_is_readable_by_its_user_alone(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "NAPREVIEW_HOME": str(home), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    env.pop("NAPREVIEW_DATABASE_URL", None)
    subprocess.run(
        [NAPREVIEW, "members", "list", "--json"],
        env=env,
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    created = [p for p in home.rglob("*") if p.is_file()]
    assert created, "the command created no records"
    loose = {
        p.name: oct(stat.S_IMODE(p.stat().st_mode))
        for p in created
        if stat.S_IMODE(p.stat().st_mode) & 0o077
    }
    assert loose == {}


def test_an_existing_home_is_closed_to_others(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    env = {**os.environ, "NAPREVIEW_HOME": str(home), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    env.pop("NAPREVIEW_DATABASE_URL", None)
    subprocess.run(
        [NAPREVIEW, "members", "list", "--json"],
        env=env,
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


LAYOUT = """
import asyncio
from napreview.letters.pdf import letter_pdf_elsewhere

async def main():
    await letter_pdf_elsewhere("<p>A letter</p>")
    print("laid out", flush=True)
    await asyncio.sleep(600)

if __name__ == "__main__":
    asyncio.run(main())
"""


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in found.split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat")
    return not (state.exists() and state.read_text().split()[2] == "Z")


def test_the_pdf_process_dies_with_a_killed_worker(tmp_path):
    script = tmp_path / "layout.py"
    script.write_text(LAYOUT)
    worker = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "laid out"
        below = children(worker.pid)
        assert below, "no PDF process was started"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    deadline = time.monotonic() + 10
    while any(alive(p) for p in below) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p for p in below if alive(p)] == []
