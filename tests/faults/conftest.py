"""What the fault suite needs around every test: people who stop when their test ends, and a
failure printed when it happens.

A test that fails midway leaves its people (tasks trying their steps again until the review shows
them taken) running in the session's event loop; they are cancelled and awaited here, so that they
neither load the next test's server nor keep the session from closing. A failure is printed at
once, not only in the summary at the end: a run stopped later (a hang, CI's time limit) still
shows which test failed and why.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

_config: pytest.Config | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _config
    _config = config


@pytest.fixture(autouse=True)
async def people_stop_with_their_test() -> AsyncIterator[None]:
    before = asyncio.all_tasks()
    yield
    left = asyncio.all_tasks() - before - {asyncio.current_task()}
    for task in left:
        task.cancel()
    if left:
        _, still = await asyncio.wait(left, timeout=30)
        assert not still, f"{len(still)} tasks would not stop: {still}"


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not report.failed or _config is None:
        return
    reporter = _config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    reporter.write_line("")
    reporter.write_sep("-", f"{report.nodeid} failed ({report.when})")
    reporter.write_line(report.longreprtext)
