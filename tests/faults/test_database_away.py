"""The database away for 30 seconds mid-cycle while people act: SQLite locked by another
connection, PostgreSQL stopped. Activities retry until it is back; every review completes."""

from __future__ import annotations

import asyncio
import subprocess
import time

import pytest
from sqlalchemy.engine import make_url

from napreview.schemas.review import Stage
from napreview.services import steps

from ..conftest import POSTGRES_URL, make_store, settings_for
from ..helpers import start_cycle
from .checks import assert_sound, where_they_stand
from .outages import (
    SqliteLocked,
    pg_ctlcluster,
    postgres_cluster,
    wait_for_postgres,
)
from .people import Tally, drive_review, prepare_self_assessment
from .workers import WorkerProcesses

MEMBERS = ["DEU", "FRA", "MEX", "NAM", "JPN", "UKR", "AU", "EU"]
AWAY = 30.0  # seconds
# Half the members act at once; the other half send their self-assessments (stored beforehand,
# as submit stores them) as the database goes away, so that steps arrive during the outage and
# the reviews need the database to take them.
LATE = MEMBERS[::2]


async def cycle_through_an_outage(client, store, tmp_path, outage, back) -> str:
    settings = settings_for(store, tmp_path)
    workers = WorkerProcesses(client, settings, tmp_path)
    workers.start()
    tally: Tally = {}
    began = time.monotonic()
    try:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        gone = asyncio.Event()
        prepared = {m: prepare_self_assessment(store, cycle, m) for m in LATE}
        people = asyncio.gather(
            *(
                drive_review(client, store, cycle, m, tally, gone, prepared[m])
                if m in LATE
                else drive_review(client, store, cycle, m, tally)
                for m in MEMBERS
            )
        )
        await steps.wait_for_review(client, cycle, MEMBERS[1], lambda s: bool(s.self_assessments))
        away_at = time.monotonic()
        await asyncio.to_thread(outage)
        gone.set()
        await asyncio.sleep(AWAY)
        await asyncio.to_thread(back)
        away = time.monotonic() - away_at
        try:
            await asyncio.wait_for(asyncio.shield(people), 300)
        except TimeoutError:
            people.cancel()
            stand = await where_they_stand(client, cycle, MEMBERS, tmp_path / "histories")
            raise AssertionError(f"{stand}\nworker logs:\n{workers.logs()[-6000:]}") from None
        driven = time.monotonic() - began
        seen = await assert_sound(
            client, store, settings, cycle, dict.fromkeys(MEMBERS, Stage.COMPLETED)
        )
    finally:
        workers.kill_all()
    lost = sum(n[1] for n in tally.values())
    print(f"\naway {away:.0f}s; cycle driven in {driven:.0f}s, {lost} attempts lost; {seen}")
    assert away >= AWAY
    return cycle


async def test_sqlite_locked_for_30_seconds(dev_env, store, tmp_path):
    database = make_url(store.engine.url.render_as_string(False)).database
    lock = SqliteLocked(database, AWAY)
    await cycle_through_an_outage(
        dev_env.client, store, tmp_path, lock.start, lambda: lock.released.wait(AWAY + 30)
    )


@pytest.mark.postgres
async def test_postgresql_stopped_for_30_seconds(dev_env, tmp_path):
    if not POSTGRES_URL:
        pytest.skip(
            "NAPREVIEW_TEST_DATABASE_URL is not set: no PostgreSQL to stop (.ci/run sets it)"
        )
    version, name = postgres_cluster(POSTGRES_URL)
    store = make_store("postgresql", tmp_path)
    try:

        def back() -> None:
            pg_ctlcluster(version, name, "start")
            wait_for_postgres(POSTGRES_URL)

        await cycle_through_an_outage(
            dev_env.client, store, tmp_path, lambda: pg_ctlcluster(version, name, "stop"), back
        )
    finally:
        if subprocess.run(
            ["pg_isready", "-q", "-p", str(make_url(POSTGRES_URL).port or 5432)]
        ).returncode:
            pg_ctlcluster(version, name, "start")
        store.engine.dispose()
