"""Builds and runs the napreview worker: client, converter, workflows, activities.

`python worker.py` (or `napreview worker`) serves any Temporal service configured by the
NAPREVIEW_* variables; run as many as needed, on as many machines as needed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from napreview.activities.cedaw import CedawActivities
from napreview.activities.cycle import CycleActivities
from napreview.activities.delivery import DeliveryActivities
from napreview.activities.follow_up import FollowUpActivities
from napreview.activities.keys import FrontEndKeys
from napreview.activities.letters import LetterActivities
from napreview.activities.review import ReviewActivities
from napreview.letters.compose import Sender
from napreview.letters.outbox import Outbox, keep_delivering
from napreview.services.conversation import keep_starting_letters
from napreview.services.reminders import keep_reminding
from napreview.settings import Settings, SettingsError, keep_files_private, load_settings
from napreview.store.db import migrate
from napreview.store.records import Store
from napreview.temporal.bytecode import compile_workflows
from napreview.temporal.client import connect
from napreview.temporal.codec import CodecKeyError
from napreview.temporal.refusal_logs import install as one_line_refusals
from napreview.temporal.sdk_version import assert_tested_sdk
from napreview.temporal.update_order import from_server, napreview_runner
from napreview.workflows.conversation import TellOfCommentWorkflow
from napreview.workflows.cycle import CycleWorkflow
from napreview.workflows.delivery import DeliverLetterWorkflow
from napreview.workflows.follow_up import FollowUpWorkflow
from napreview.workflows.review import MemberReviewWorkflow

log = logging.getLogger("napreview.worker")

# DeliverLetterWorkflow: no letter starts one since issue #23 (the outbox delivers them); kept
# for the deliver-<letter id> workflows that earlier releases started and that still run.
WORKFLOWS = [
    CycleWorkflow,
    MemberReviewWorkflow,
    DeliverLetterWorkflow,
    TellOfCommentWorkflow,
    FollowUpWorkflow,
]


def activities_for(
    store: Store, settings: Settings, client: Client | None, outbox: Outbox | None = None
) -> list[Callable[..., Any]]:
    """``outbox``: the one the worker's drainer shares, so that it waits for the attempts the
    letter activity left running when the worker stops."""
    outbox = outbox or Outbox(store, settings)
    cycle = CycleActivities(store, client)
    review = ReviewActivities(store)
    cedaw = CedawActivities(store)
    letters = LetterActivities(
        store,
        settings.letters_dir,
        outbox if settings.deliver_letters else None,
        sender=Sender.from_settings(settings),
    )
    delivery = DeliveryActivities(outbox)
    follow_up = FollowUpActivities(store)
    return [
        FrontEndKeys(store).front_end_keys,
        cycle.prepare_cycle,
        cycle.review_inputs,
        cycle.withdraw_reviews,
        cycle.confirm_finished,
        review.accept_document,
        review.redraw_reviewer,
        review.project_review,
        cedaw.run_cedaw_check,
        letters.send_letter,
        delivery.deliver_letter,
        follow_up.draw_follow_up,
        follow_up.project_follow_up,
    ]


SERVES = ("all", "workflows", "activities")


def build_worker(
    client: Client,
    settings: Settings,
    store: Store,
    serves: str = "all",
    outbox: Outbox | None = None,
) -> Worker:
    """A worker for the workflows, the activities or both (``serves``).

    Build it inside the event loop that will run it: the update order reads history there.
    Refuses (UntestedSdk, one line) on a temporalio other than the one the update order was
    tested on.
    """
    if serves not in SERVES:
        raise ValueError(f"serves must be one of {', '.join(SERVES)}")
    assert_tested_sdk()
    one_line_refusals()
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=WORKFLOWS if serves != "activities" else [],
        workflow_runner=napreview_runner(from_server(client)),
        max_cached_workflows=settings.workflow_cache_size,
        activities=(
            activities_for(store, settings, client, outbox)
            if serves != "workflows"
            # Local activities run in the worker that runs the workflows.
            else [ReviewActivities(store).project_review, FrontEndKeys(store).front_end_keys]
        ),
        activity_executor=ThreadPoolExecutor(max_workers=16),
        # A workflows-only worker runs the projection as a local activity and takes no activity
        # task from the queue: one it cannot run would fail there and wait for a retry.
        no_remote_activities=serves == "workflows",
        graceful_shutdown_timeout=timedelta(seconds=10),
        # How long a review's next task waits for the worker that has it cached before any
        # worker may take it. A live worker keeps polls waiting on its sticky queue and takes
        # such a task at once unless all its task slots are busy, so a task still waiting
        # after seconds waits on a worker that died. Until it moves, every step of that review
        # waits too, and a query meanwhile is what builds the #1591 history (update_order.py).
        # 3 s (NAPREVIEW_STICKY_TIMEOUT) instead of the SDK's 10 s shortens that window by 70%;
        # a task moved off a live but busy worker costs one replay of a history of about 120
        # events, milliseconds.
        sticky_queue_schedule_to_start_timeout=timedelta(seconds=settings.sticky_timeout),
    )


async def run_worker(settings: Settings, stop: asyncio.Event, serves: str = "all") -> None:
    """Serve until ``stop`` is set, then finish running activities (graceful shutdown)."""
    assert_tested_sdk()  # before touching the database or the server
    if settings.database_url is None:
        settings.private_home()
    migrate(settings.resolved_database_url)
    store = Store.from_url(settings.resolved_database_url)
    if serves != "activities":
        compile_workflows(settings.home / "bytecode")
    client = await connect(settings)
    outbox = Outbox(store, settings)
    worker = build_worker(client, settings, store, serves, outbox)
    async with worker:
        log.info(
            "Worker serving %s on task queue %r of %s",
            "workflows and activities" if serves == "all" else serves,
            settings.task_queue,
            settings.temporal_address,
        )
        # Reminders of one's own go out beside the activities (the workers that send mail).
        # So do the letters waiting in the outbox: those whose first attempt failed (the mail
        # server away, a full disk) or whose sender died.
        # Every worker also starts the letters of comments posted while Temporal was away
        # (each started once, by its workflow's id, however many workers look).
        beside = [asyncio.create_task(keep_starting_letters(client, store, settings, stop))]
        if serves != "workflows":
            beside.append(asyncio.create_task(keep_reminding(store, settings, stop)))
            if settings.deliver_letters:
                beside.append(asyncio.create_task(keep_delivering(outbox, stop)))
        await stop.wait()
        await asyncio.gather(*beside)


def main() -> None:
    """`python worker.py [--only workflows|activities]`."""
    keep_files_private()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=SERVES[1:], help="serve only these (default: both)")
    serves = parser.parse_args().only or "all"
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = asyncio.Event()

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(load_settings(), stop, serves)

    try:
        asyncio.run(serve())
    except (SettingsError, CodecKeyError) as err:
        print(f"napreview worker: {err}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
