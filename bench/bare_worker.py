"""`python -m bench.bare_worker`: the worker of the bare baseline, in a process of its own.

It is built like napreview's (`napreview worker`): the default sandboxed workflow runner and
sixteen activity threads, so that the two differ only in what their workflows and activities do.
"""

from __future__ import annotations

import asyncio
import os
import signal
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client
from temporalio.worker import Worker

from bench.bare import BareCycle, BareFollowUp, BareReview, bare_step


async def serve() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    client = await Client.connect(os.environ["NAPREVIEW_TEMPORAL_ADDRESS"])
    async with Worker(
        client,
        task_queue=os.environ["NAPREVIEW_TASK_QUEUE"],
        workflows=[BareCycle, BareReview, BareFollowUp],
        activities=[bare_step],
        activity_executor=ThreadPoolExecutor(max_workers=16),
        graceful_shutdown_timeout=timedelta(seconds=10),
    ):
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(serve())
