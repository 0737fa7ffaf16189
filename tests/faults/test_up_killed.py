"""`napreview up` killed outright (SIGKILL) mid-cycle while people act, then started again on the
same home: the first run's Temporal server does not outlive it, the second starts cleanly on the
same port and data, every step taken before the kill is still there, and the people then drive
the cycle to completion through the new stack."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from napreview.schemas.review import ReviewerStatus, ReviewState, Stage
from napreview.services import steps
from napreview.settings import Settings
from napreview.store.records import Store
from napreview.temporal.dev_server import PID_FILE

from ..helpers import start_cycle
from ..integration.test_up import free_port, servers_using, start_up, stop
from .checks import assert_sound, stored_documents
from .people import Tally, drive_review

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN"]
# `up` is killed once this many peer reviews are sent (of three per review): mid-cycle.
KILL_AFTER = 5


def drained(process) -> None:
    """Read what `up` prints, so that a full pipe never holds it up."""
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "X"


async def up_and_its_records(
    home: Path, port: int
) -> tuple[subprocess.Popen[str], Settings, Store, Client]:
    """`napreview up` started on a home of its own, and the store and client a person's command
    line would use against it."""
    process = start_up(home, port)
    drained(process)
    settings = Settings(
        home=home,
        temporal_address=f"localhost:{port}",
        database_url=f"sqlite:///{(home / 'napreview.db').resolve()}",
        task_queue="napreview",
    )
    store = Store.from_url(settings.resolved_database_url)
    client = await Client.connect(settings.temporal_address, data_converter=pydantic_data_converter)
    return process, settings, store, client


async def kill_up(process: subprocess.Popen[str], port: int, server_pid: int) -> float:
    """SIGKILL `up`, then wait (within a generous while) for its Temporal server to end with it
    (the parent-death signal); returns when it was killed (monotonic). Its portal and worker
    processes end a moment later; the next `up` waits for them itself (cli/supervisor.py
    ``end_previous_stack``), so nothing waits for their ports here."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    down_at = time.monotonic()
    while alive(server_pid) and time.monotonic() - down_at < 30:
        await asyncio.sleep(0.2)
    return down_at


def submitted(state: ReviewState) -> set[str]:
    return {s.member for s in state.reviewers if s.status is ReviewerStatus.SUBMITTED}


async def test_up_killed_mid_cycle_then_started_again(tmp_path):
    home, port = tmp_path / "home", free_port()
    process, settings, store, client = await up_and_its_records(home, port)
    tally: Tally = {}
    began = time.monotonic()
    again = None
    try:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)

        async def person(member: str) -> None:
            """A member's people, who try again whatever they meet (a stack gone away)."""
            while True:
                try:
                    await drive_review(client, store, cycle, member, tally)
                    return
                except Exception:  # the stack is away; try again shortly
                    await asyncio.sleep(0.5)

        people = asyncio.gather(*(person(m) for m in MEMBERS))

        async def states() -> dict[str, ReviewState]:
            return {m: await steps.review_state(client, cycle, m) for m in MEMBERS}

        for member in MEMBERS:  # the cycle starts them
            await steps.wait_for_review(client, cycle, member, lambda s: True, timeout=60)
        # Peer reviews counted as they are stored, a moment before their step (the store answers
        # at once, where queries wait behind workflow tasks); what the reviews show is then kept.
        while stored_documents(store, cycle)["peer_review"] < KILL_AFTER:
            assert not people.done(), "the cycle ended before up was killed"
            await asyncio.sleep(0.05)
        before = await states()
        server_pid = int((home / PID_FILE).read_text())
        assert alive(server_pid) and servers_using(home) == [str(server_pid)]
        down_at = await kill_up(process, port, server_pid)
        killed_after = down_at - began
        server_gone = time.monotonic() - down_at
        assert not alive(server_pid), "the first run's Temporal server outlived up"
        assert servers_using(home) == []

        again = start_up(home, port)
        drained(again)
        back = time.monotonic() - down_at
        new_pid = int((home / PID_FILE).read_text())
        assert new_pid != server_pid and servers_using(home) == [str(new_pid)]
        # Everything taken before the kill is kept.
        after = await asyncio.wait_for(
            asyncio.gather(
                *(
                    steps.wait_for_review(client, cycle, m, lambda s: True, timeout=60)
                    for m in MEMBERS
                )
            ),
            90,
        )
        for member, state in zip(MEMBERS, after, strict=True):
            kept = before[member]
            assert state.self_assessments[: len(kept.self_assessments)] == kept.self_assessments
            assert submitted(kept) <= submitted(state), (member, kept.reviewers, state.reviewers)
            assert [x.id for x in state.letters[: len(kept.letters)]] == [
                x.id for x in kept.letters
            ]
        await asyncio.wait_for(people, 240)
        driven = time.monotonic() - began
        seen = await assert_sound(
            client, store, settings, cycle, dict.fromkeys(MEMBERS, Stage.COMPLETED)
        )
    finally:
        if process.poll() is None:
            process.kill()
        if again is not None:
            stop(again)
        store.engine.dispose()
    assert again.returncode == 0
    assert servers_using(home) == []
    kept = sum(len(submitted(s)) + len(s.self_assessments) for s in before.values())
    refused = sum(n[1] for n in tally.values())
    print(
        f"\nup killed after {killed_after:.0f}s with {kept} submissions in; its server gone "
        f"{server_gone:.1f}s later, up again {back:.0f}s after the kill; cycle driven in "
        f"{driven:.0f}s, {refused} attempts refused or lost; {seen}"
    )
