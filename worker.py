"""Builds and runs the napreview worker: client, converter, workflows, activities.

`python worker.py` (or `napreview worker`) serves any Temporal service configured by the
NAPREVIEW_* variables; run as many as needed, on as many machines as needed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import Client, TLSConfig
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from activities.cedaw import CedawActivities
from activities.cycle import CycleActivities
from activities.delivery import DeliveryActivities
from activities.letters import LetterActivities
from activities.review import ReviewActivities
from settings import Settings, load_settings
from store.db import migrate
from store.repository import Store
from workflows.cycle import CycleWorkflow
from workflows.delivery import DeliverLetterWorkflow
from workflows.review import MemberReviewWorkflow

log = logging.getLogger("napreview.worker")

WORKFLOWS = [CycleWorkflow, MemberReviewWorkflow, DeliverLetterWorkflow]


async def connect(settings: Settings) -> Client:
    """A client for the configured Temporal service, local or remote (mTLS or API key)."""
    tls: TLSConfig | bool = False
    if settings.temporal_tls or settings.temporal_tls_cert or settings.temporal_api_key:
        tls = TLSConfig(
            client_cert=settings.temporal_tls_cert.read_bytes()
            if settings.temporal_tls_cert
            else None,
            client_private_key=settings.temporal_tls_key.read_bytes()
            if settings.temporal_tls_key
            else None,
            server_root_ca_cert=settings.temporal_tls_ca.read_bytes()
            if settings.temporal_tls_ca
            else None,
            domain=settings.temporal_tls_server_name,
        )
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.namespace,
        data_converter=pydantic_data_converter,
        tls=tls,
        api_key=settings.temporal_api_key,
    )


def activities_for(store: Store, settings: Settings, client: Client | None) -> list[object]:
    cycle = CycleActivities(store, client)
    review = ReviewActivities(store)
    cedaw = CedawActivities(store)
    letters = LetterActivities(
        store,
        settings.letters_dir,
        client if settings.deliver_letters else None,
        settings.task_queue,
    )
    delivery = DeliveryActivities(store, settings)
    return [
        cycle.prepare_cycle,
        cycle.review_inputs,
        cycle.withdraw_reviews,
        review.accept_document,
        review.redraw_reviewer,
        review.project_review,
        cedaw.run_cedaw_check,
        letters.send_letter,
        delivery.deliver_letter,
    ]


def build_worker(client: Client, settings: Settings, store: Store) -> Worker:
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=WORKFLOWS,
        activities=activities_for(store, settings, client),
        activity_executor=ThreadPoolExecutor(max_workers=16),
        graceful_shutdown_timeout=timedelta(seconds=10),
    )


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """Serve until ``stop`` is set, then finish running activities (graceful shutdown)."""
    migrate(settings.resolved_database_url)
    store = Store.from_url(settings.resolved_database_url)
    client = await connect(settings)
    worker = build_worker(client, settings, store)
    async with worker:
        log.info(
            "Worker serving task queue %r on %s", settings.task_queue, settings.temporal_address
        )
        await stop.wait()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = asyncio.Event()

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(load_settings(), stop)

    asyncio.run(serve())


if __name__ == "__main__":
    main()
