"""Real parts for every test: the Temporal dev server and time-skipping server from the venv,
and stores on SQLite and (where NAPREVIEW_TEST_DATABASE_URL is set) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from napreview.letters.pdf import stop_layout_process
from napreview.people import signing
from napreview.people.signing import Signer
from napreview.services.installation import open_store, seed
from napreview.settings import Settings
from napreview.store.db import make_engine
from napreview.store.records import Store
from napreview.temporal.dev_server import pragma_args, temporal_cli_path, test_server_path
from napreview.temporal.update_order import from_server, napreview_runner
from napreview.worker import WORKFLOWS, activities_for, build_worker
from napreview.workflows.contract import SEARCH_ATTRIBUTES

from .processes import left_behind, mark_session

POSTGRES_URL = os.environ.get("NAPREVIEW_TEST_DATABASE_URL")


@pytest.fixture(scope="session", autouse=True)
def no_process_left_behind() -> Iterator[None]:
    """First set up, last torn down: once every other fixture has stopped what it started, no
    process the session started may still run (each found is ended and named)."""
    mark = mark_session()
    yield
    stop_layout_process()  # the letters' PDF process of the workers run inside pytest
    found = left_behind(mark)
    assert not found, "Processes started by the tests were left running (now ended):\n" + (
        "\n".join(f"  {pid} {command}" for pid, command in sorted(found.items()))
    )


@pytest.fixture(scope="session", autouse=True)
def front_end_keys() -> Iterator[Signer]:
    """The tests sign their commands like a front end, with a key ring of their own."""
    ring = Signer.ephemeral()
    signing.use(ring)
    yield ring
    signing.use(None)


@pytest.fixture(scope="session", autouse=True)
def own_config_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The user's config folder holds the token `napreview login` kept and the stacks
    `napreview up` serves: a developer's own must never reach the tests."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
        yield


@pytest.fixture(scope="session")
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()),
        search_attributes=SEARCH_ATTRIBUTES,
        data_converter=pydantic_data_converter,
        dev_server_extra_args=pragma_args(),
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(test_server_path()),
        data_converter=pydantic_data_converter,
    )
    yield env
    await env.shutdown()


def _reset_postgres(url: str) -> None:
    """An empty database: every table goes, also those a migration renamed or dropped since
    (a test that migrates only part of the way leaves the old names behind)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def empty_database(kind: str, tmp_path: Path, name: str = "napreview.db") -> str:
    """The URL of an empty database of this kind: the test PostgreSQL database emptied (the
    test is skipped where none is set), or a new SQLite file in the test's folder."""
    if kind == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("NAPREVIEW_TEST_DATABASE_URL is not set")
        _reset_postgres(POSTGRES_URL)
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / name}"


def make_store(kind: str, tmp_path: Path) -> Store:
    store = open_store(empty_database(kind, tmp_path))
    seed(store)
    return store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A migrated, seeded SQLite store of its own for each test."""
    s = make_store("sqlite", tmp_path)
    yield s
    s.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same test on SQLite and on PostgreSQL."""
    s = make_store(request.param, tmp_path)
    yield s
    s.engine.dispose()


def settings_for(store: Store, tmp_path: Path, task_queue: str | None = None) -> Settings:
    return Settings(
        home=tmp_path,
        database_url=str(store.engine.url.render_as_string(hide_password=False)),
        task_queue=task_queue or f"test-{uuid.uuid4().hex[:8]}",
    )


@asynccontextmanager
async def running_worker(client: Client, store: Store, tmp_path: Path) -> AsyncIterator[Settings]:
    """A worker on a task queue of its own, serving the real workflows and activities."""
    settings = settings_for(store, tmp_path)
    async with build_worker(client, settings, store):
        yield settings


def worker_with(
    client: Client, store: Store, settings: Settings, replacements: dict[str, object]
) -> Worker:
    """A worker with the real workflows and activities, some activities replaced by name (for
    tests of what a workflow does when that work fails or is held)."""
    activities = [
        replacements.get(getattr(a, "__name__", ""), a)
        for a in activities_for(store, settings, client)
    ]
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=WORKFLOWS,
        workflow_runner=napreview_runner(from_server(client)),
        activities=activities,
        activity_executor=ThreadPoolExecutor(max_workers=8),
    )
