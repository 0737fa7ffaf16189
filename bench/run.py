"""`make bench`: napreview's real cycle against a bare cycle of the same shape, in one run.

Everything runs as `napreview up` runs it: the embedded dev server (`temporal server start-dev`
with `--db-filename` and the WAL pragmas, the search attributes registered), and a worker of its
own for each side, each in a process of its own (`napreview worker`, `python -m
bench.bare_worker`) so their CPU and peak memory are read apart. This process plays the people:
through `services/` and updates, as the command line and the demo do, at most
BENCH_CONCURRENCY reviews in flight, polling a review's state every BENCH_POLL seconds.

A round starts its cycle and waits, nobody acting, until every review has started (the cycle
start is timed alone); then the people act; the round ends when the cycle has finished, every
review's follow-up has drawn its items and published them, and, for napreview, every letter of
the cycle is delivered (its PDF laid out, its email sent or filed), so no round leaves work to
the next. Each follow-up is then left idle, waiting for its first progress report months away:
the shape a real cycle leaves behind (nobody reports progress the day a review is approved),
and an idle workflow costs no CPU. The bare review starts a bare follow-up of the same shape
(a child, two activities, a timer) so the ratio compares like with like; after the rounds,
each side's follow-ups are started again alone to say what a follow-up costs by itself. Rounds
alternate which side goes first (bare then napreview, napreview then bare, ...). The headline
is the CPU ratio: what a review costs the bare shape over what it costs napreview, every
process charged (worker with its PDF process, server, the people's side), which is what a
saturated machine gives whatever else ran; the throughput ratio (reviews per second, median
of the per-round ratios) is reported beside it.
The load average is read before anything starts, at the start of each round and at the end.
BENCH_SIDES=napreview or bare runs one side alone. Settings (environment): BENCH_N (members;
83 by default, synthetic members are added beyond the Network's 83), BENCH_ROUNDS,
BENCH_CONCURRENCY, BENCH_BATCH (the cycle's batch size), BENCH_POLL, BENCH_KEEP=1 (keep the
data folder), BENCH_PROFILE=1 (py-spy on napreview's worker).
Results: printed, and written to bench/results/latest.json and bench/results/n<N>.json
(n<N>-delivery-off.json with NAPREVIEW_DELIVER_LETTERS=false).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.contrib.pydantic import pydantic_data_converter

from bench import measure
from bench.bare import (
    BareCycle,
    BareCycleInput,
    BareFollowUp,
    BareFollowUpInput,
    BareReview,
    bare_cycle_id,
    bare_follow_up_id,
    bare_review_id,
)
from bench.drain import deliveries_drained
from bench.letters import letters_per_second, review_letters
from bench.synthetic import add_synthetic_members
from napreview.people import signing
from napreview.people.examples import SECRETARIAT_EMAIL, example_focal_point_email
from napreview.schemas.examples import example_peer_review, example_self_assessment
from napreview.schemas.follow_up import FollowUpInput
from napreview.schemas.members import Actor
from napreview.schemas.network import CHAIRS
from napreview.schemas.review import (
    CycleProgress,
    CycleSettings,
    Decision,
    ReviewState,
    SignOff,
    Stage,
    recommendation_keys,
)
from napreview.schemas.submissions import RecommendationResponse
from napreview.services import cycles, documents, steps
from napreview.services.installation import Store, open_store, seed
from napreview.settings import Settings
from napreview.temporal.dev_server import start_dev_server, stop_process, temporal_cli_path
from napreview.workflows import contract, follow_up_rules

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).parent.parent
T = TypeVar("T")

# Targets of issues #12 and #23. The CPU ratio (what a review costs the bare shape over what it
# costs napreview, every process charged) is what a saturated machine gives; the throughput
# ratio of one run depends on what else the machine did meanwhile.
TARGET_CPU_RATIO = 0.5  # letters delivered (a PDF for the findings, an email each)
TARGET_CPU_RATIO_DELIVERY_OFF = 0.8
TARGET_EVENTS = 120
TARGET_HISTORY_KB = 100
TARGET_CYCLE_START_83 = 1.0
TARGET_CLI = 0.5
TARGET_WORKER_RSS_MB = 1024


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


@dataclass
class Config:
    n: int = field(default_factory=lambda: _env_int("BENCH_N", 83))
    rounds: int = 0
    concurrency: int = field(default_factory=lambda: _env_int("BENCH_CONCURRENCY", 24))
    batch_size: int = field(default_factory=lambda: _env_int("BENCH_BATCH", 100))
    poll: float = field(default_factory=lambda: float(os.environ.get("BENCH_POLL") or 0.1))
    keep: bool = field(default_factory=lambda: os.environ.get("BENCH_KEEP") == "1")
    profile: bool = field(default_factory=lambda: os.environ.get("BENCH_PROFILE") == "1")
    sides: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            (os.environ.get("BENCH_SIDES") or "bare,napreview").split(",")
        )
    )
    # Letters emailed (from the outbox, a PDF where one goes) or only stored and filed: read by
    # napreview's own settings, so the bench records what its worker (same environment) does.
    deliver_letters: bool = field(default_factory=lambda: Settings().deliver_letters)

    @property
    def name(self) -> str:
        """The results file's name: n<N>.json, n<N>-delivery-off.json."""
        return f"n{self.n}" + ("" if self.deliver_letters else "-delivery-off")

    def __post_init__(self) -> None:
        default_rounds = 3 if self.n <= 100 else 2 if self.n <= 1000 else 1
        self.rounds = _env_int("BENCH_ROUNDS", default_rounds)


@dataclass
class Round:
    side: str
    round: int
    first: bool
    cycle: str
    seconds: float = 0.0
    reviews_per_second: float = 0.0
    cycle_start_s: float = 0.0
    cycle_counted_s: float = 0.0
    cycle_done_s: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    load_at_start: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def summary(self) -> dict[str, Any]:
        every = [x for values in self.latencies.values() for x in values]
        return {
            "side": self.side,
            "round": self.round,
            "first": self.first,
            "cycle": self.cycle,
            "seconds": round(self.seconds, 2),
            "reviews_per_second": round(self.reviews_per_second, 2),
            "cycle_start_s": round(self.cycle_start_s, 3),
            "cycle_counted_s": round(self.cycle_counted_s, 3),
            "cycle_done_s": round(self.cycle_done_s, 2),
            "step_to_next_stage_p50_s": round(measure.percentile(every, 0.5), 3),
            "step_to_next_stage_p95_s": round(measure.percentile(every, 0.95), 3),
            "by_step_p50_s": {
                k: round(measure.percentile(v, 0.5), 3) for k, v in self.latencies.items()
            },
            "cpu_seconds_per_review": {k: round(v, 4) for k, v in self.cpu.items()},
            "load_at_start": [round(x, 2) for x in self.load_at_start],
        }


class Bench:
    def __init__(self, config: Config, home: Path) -> None:
        self.config = config
        self.home = home
        self.url = f"sqlite:///{home / 'napreview.db'}"
        self.temporal = temporal_cli_path()
        self.port = _free_port()
        self.address = f"localhost:{self.port}"
        self.server: subprocess.Popen[bytes] | None = None
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self.profiler: subprocess.Popen[bytes] | None = None
        self.store: Store
        self.client: Client
        self.members: list[str] = []
        self.actors: dict[str, Actor] = {}

    # ------------------------------------------------------------------ set-up

    def env(self, task_queue: str = "bench-napreview") -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            NAPREVIEW_HOME=str(self.home),
            NAPREVIEW_DATABASE_URL=self.url,
            NAPREVIEW_TEMPORAL_ADDRESS=self.address,
            NAPREVIEW_TASK_QUEUE=task_queue,
        )
        env.pop("NAPREVIEW_USER", None)
        return env

    async def start(self) -> None:
        self.server = start_dev_server(
            self.home, self.port, _free_port(), True, self.home / "temporal.log"
        )
        # The bench plays the front end: it signs the people's steps with a key ring of its own.
        signing.use(signing.Signer.create(self.home / "keys"))
        self.store = open_store(self.url)
        seed(self.store)
        add_synthetic_members(self.store, self.config.n)
        codes = [m.code for m in self.store.members.all()]
        self.members = codes[: self.config.n]
        logs = self.home / "workers.log"
        with logs.open("ab") as log:
            self.workers["napreview"] = subprocess.Popen(
                [sys.executable, "-m", "bench.napreview_worker"],
                env=self.env("bench-napreview"),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.workers["bare"] = subprocess.Popen(
                [sys.executable, "-m", "bench.bare_worker"],
                env=self.env("bench-bare"),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.client = await Client.connect(self.address, data_converter=pydantic_data_converter)
        for queue in ("bench-napreview", "bench-bare"):
            await self._pollers(queue)

    async def _pollers(self, queue: str, timeout: float = 60.0) -> None:
        """Wait until a worker polls the queue (it has imported, connected, migrated)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.workers.items():
                if process.poll() is not None:
                    raise RuntimeError(f"the {name} worker stopped; see {self.home}/workers.log")
            answer = await self.client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace="default",
                    task_queue=TaskQueue(name=queue),
                    task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
                )
            )
            if answer.pollers:
                return
            await asyncio.sleep(0.2)
        raise TimeoutError(f"no worker polls {queue}")

    async def stop(self) -> None:
        if self.profiler is not None:
            self.profiler.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.profiler.wait(60)
        for process in self.workers.values():
            if process.poll() is None:
                process.terminate()
        for process in self.workers.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.server is not None:
            stop_process(self.server)

    def actor(self, email: str) -> Actor:
        """A person resolved once, as the demo does (`--as` resolves on every call)."""
        if email not in self.actors:
            self.actors[email] = self.store.people.actor(email)
        return self.actors[email]

    def cpu(self) -> dict[str, float]:
        assert self.server is not None
        return {
            "worker_napreview": measure.cpu_seconds(self.workers["napreview"].pid),
            "worker_bare": measure.cpu_seconds(self.workers["bare"].pid),
            "server": measure.cpu_seconds(self.server.pid),
            "driver": time.process_time(),
        }

    # ------------------------------------------------------------------ one round of each side

    async def round(self, side: str, number: int, first: bool, members: list[str]) -> Round:
        tag = uuid.uuid4().hex[:6]
        cycle = f"b{number}-{tag}" if side == "napreview" else f"{number}-{tag}"
        result = Round(side=side, round=number, first=first, cycle=cycle)
        result.latencies = {"self_assessment": [], "peer_review": [], "sign_off": []}
        result.load_at_start = os.getloadavg()
        before = self.cpu()
        started = time.perf_counter()
        if side == "napreview":
            done = await self._napreview(cycle, members, result, started)
        else:
            done = await self._bare(cycle, members, result, started)
        result.seconds = done - started
        result.reviews_per_second = len(members) / result.seconds
        after = self.cpu()
        worker = "worker_napreview" if side == "napreview" else "worker_bare"
        result.cpu = {
            "worker": (after[worker] - before[worker]) / len(members),
            "server": (after["server"] - before["server"]) / len(members),
            "driver": (after["driver"] - before["driver"]) / len(members),
        }
        return result

    async def _all_started(
        self, progress: Callable[[], Awaitable[int]], total: int, started: float, result: Round
    ) -> None:
        """Wait, nobody acting yet, until the cycle counts every review as started (its progress
        query says so): the cycle's start is timed alone, not while reviews are driven."""
        interval = 0.02 if total <= 100 else 0.25
        while True:
            with contextlib.suppress(Exception):
                if await progress() >= total:
                    result.cycle_counted_s = time.perf_counter() - started
                    return
            await asyncio.sleep(interval)

    async def _last_started(self, workflow_ids: list[str], since: float) -> float:
        """Seconds from ``since`` (wall clock) until the last of these workflows started, by
        the server's own start times: when the cycle's last batch of reviews existed."""
        handles = [self.client.get_workflow_handle(wid) for wid in workflow_ids]
        described = await asyncio.gather(*(h.describe() for h in handles))
        return max(d.start_time.timestamp() for d in described) - since

    async def _napreview(self, cycle: str, members: list[str], result: Round, t0: float) -> float:
        store = self.store
        secretariat = self.actor(SECRETARIAT_EMAIL)
        settings = CycleSettings(
            cycle=cycle,
            members=None if len(members) == store.members.count() else members,
            seed=len(members) + result.round,
            chair=CHAIRS[2019],
            started_by=secretariat,
        )
        since = time.time()
        await cycles.start_cycle(
            self.client, store, settings, "bench-napreview", batch_size=self.config.batch_size
        )
        handle = self.client.get_workflow_handle(contract.cycle_workflow_id(cycle))

        async def progress() -> int:
            answer = await handle.query("progress", result_type=CycleProgress)
            return answer.started

        await self._all_started(progress, len(members), t0, result)
        last = sorted(members)[-self.config.batch_size :]
        result.cycle_start_s = await self._last_started(
            [contract.review_workflow_id(cycle, m) for m in last], since
        )
        gate = asyncio.Semaphore(self.config.concurrency)
        poll = self.config.poll

        async def at(member: str, ready: Callable[[ReviewState], bool]) -> ReviewState:
            return await steps.wait_for_review(self.client, cycle, member, ready, interval=poll)

        async def one(member: str) -> None:
            async with gate:
                fp = self.actor(example_focal_point_email(member))
                await at(member, lambda s: True)
                assessment = example_self_assessment(store.members.get(member))
                moved = time.perf_counter()
                await steps.submit_self_assessment(
                    self.client, store, cycle, member, fp, assessment
                )
                state = await at(member, lambda s: s.stage is not Stage.SELF_ASSESSMENT)
                result.latencies["self_assessment"].append(time.perf_counter() - moved)
                for slot in state.reviewers:
                    reviewer = self.actor(example_focal_point_email(slot.member))
                    moved = time.perf_counter()
                    await steps.submit_peer_review(
                        self.client, store, cycle, member, reviewer, example_peer_review()
                    )
                state = await at(
                    member,
                    lambda s: s.stage is not Stage.PEER_REVIEW or s.answers_due is not None,
                )
                result.latencies["peer_review"].append(time.perf_counter() - moved)
                # The member answers the peer recommendations, as it must before sign-off.
                keys = recommendation_keys(state.reviewers)
                if keys:
                    await documents.respond(
                        self.client,
                        store,
                        cycle,
                        member,
                        fp,
                        dict.fromkeys(keys, RecommendationResponse.SUPPORTED),
                    )
                await at(member, lambda s: s.stage is Stage.SIGN_OFF)
                moved = time.perf_counter()
                await steps.review_step(
                    self.client,
                    store,
                    cycle,
                    member,
                    "sign_off",
                    SignOff(actor=secretariat, decision=Decision.APPROVE),
                )
                await at(member, lambda s: s.stage is Stage.COMPLETED)
                result.latencies["sign_off"].append(time.perf_counter() - moved)
                # Approved, the review starts its follow-up: the round waits until it has
                # drawn its items and published them (the portal shows them), then leaves it.
                while await asyncio.to_thread(store.follow_ups.get, cycle, member) is None:
                    await asyncio.sleep(poll)

        await asyncio.gather(*(one(m) for m in sorted(members)))
        await _finished(handle.result())
        result.cycle_done_s = time.perf_counter() - t0
        if self.config.deliver_letters:  # the round ends when its letters are delivered too
            await deliveries_drained(store, cycle)
        return time.perf_counter()

    async def _bare(self, cycle: str, members: list[str], result: Round, t0: float) -> float:
        since = time.time()
        handle = await self.client.start_workflow(
            BareCycle.run,
            BareCycleInput(cycle=cycle, members=sorted(members), batch_size=self.config.batch_size),
            id=bare_cycle_id(cycle),
            task_queue="bench-bare",
        )

        async def progress() -> int:
            started, _finished = await handle.query(BareCycle.progress)
            return started

        await self._all_started(progress, len(members), t0, result)
        last = sorted(members)[-self.config.batch_size :]
        result.cycle_start_s = await self._last_started(
            [bare_review_id(cycle, m) for m in last], since
        )
        gate = asyncio.Semaphore(self.config.concurrency)
        poll = self.config.poll

        async def at(member: str, ready: Callable[[str], bool]) -> str:
            review = self.client.get_workflow_handle(bare_review_id(cycle, member))
            while True:
                with contextlib.suppress(Exception):
                    stage = await review.query(BareReview.current_stage)
                    if ready(stage):
                        return stage
                await asyncio.sleep(poll)

        async def one(member: str) -> None:
            async with gate:
                review = self.client.get_workflow_handle(bare_review_id(cycle, member))
                await at(member, lambda s: True)
                moved = time.perf_counter()
                await review.signal(BareReview.submit, "self_assessment")
                await at(member, lambda s: s != "self_assessment")
                result.latencies["self_assessment"].append(time.perf_counter() - moved)
                for _ in range(3):
                    moved = time.perf_counter()
                    await review.signal(BareReview.submit, "peer_review")
                await at(member, lambda s: s == "answers")
                result.latencies["peer_review"].append(time.perf_counter() - moved)
                await review.signal(BareReview.respond)
                await at(member, lambda s: s == "sign_off")
                moved = time.perf_counter()
                await review.signal(BareReview.sign_off)
                await at(member, lambda s: s == "completed")
                result.latencies["sign_off"].append(time.perf_counter() - moved)
                follow_up = self.client.get_workflow_handle(bare_follow_up_id(cycle, member))
                while True:
                    with contextlib.suppress(Exception):
                        if await follow_up.query(BareFollowUp.items_drawn):
                            break
                    await asyncio.sleep(poll)

        await asyncio.gather(*(one(m) for m in sorted(members)))
        await _finished(handle.result())
        result.cycle_done_s = time.perf_counter() - t0
        return time.perf_counter()

    # ------------------------------------------------------------------ the follow-up alone

    async def follow_ups_alone(self, side: str, cycle: str, members: list[str]) -> dict[str, float]:
        """What a follow-up costs, measured apart: the round's follow-ups are stopped, then
        started again with nothing else running, and charged (worker, server, people's side)
        until each has drawn and published its items. Started from outside (the secretariat's
        way, `napreview follow-up start`) rather than by its review: napreview's then also
        checks the start's signature (a local activity), so its figure is a little high."""
        started: list[Awaitable[object]] = []
        if side == "napreview":
            ids = [contract.follow_up_workflow_id(cycle, m) for m in members]
            chair = self.store.cycles.settings(cycle)["chair"]
            keys = signing.signer().public_keys()
            self.store.front_end_keys.vouch_for(keys)
            inputs = []
            for member in members:  # read before the clock starts: a closed review replays
                review = await steps.review_state(self.client, cycle, member)
                inputs.append(
                    FollowUpInput(
                        cycle=cycle,
                        member=member,
                        chair=chair,
                        sources=follow_up_rules.sources_of(review),
                        trusted_keys=keys,
                        started_at=review.finished_at,
                    )
                )
        else:
            ids = [bare_follow_up_id(cycle, m) for m in members]
        for wid in ids:
            await self.client.get_workflow_handle(wid).terminate("measured again, alone")
        before, since = self.cpu(), datetime.now(UTC)
        t0 = time.perf_counter()
        if side == "napreview":
            for wid, inp in zip(ids, inputs, strict=True):
                started.append(
                    self.client.start_workflow(
                        contract.FOLLOW_UP_WORKFLOW,
                        signing.signer().sign("start_follow_up", wid, inp),
                        id=wid,
                        task_queue="bench-napreview",
                        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                        search_attributes=follow_up_rules.search_attributes(inp),
                    )
                )
        else:
            for wid, member in zip(ids, members, strict=True):
                started.append(
                    self.client.start_workflow(
                        BareFollowUp.run,
                        BareFollowUpInput(cycle=cycle, member=member),
                        id=wid,
                        task_queue="bench-bare",
                    )
                )
        await asyncio.gather(*started)
        while not await self._follow_ups_drawn(side, cycle, ids, since):
            await asyncio.sleep(self.config.poll)
        seconds = time.perf_counter() - t0
        after = self.cpu()
        worker = f"worker_{side}"
        return {
            part: round((after[key] - before[key]) / len(members), 4)
            for part, key in (("worker", worker), ("server", "server"), ("driver", "driver"))
        } | {"seconds": round(seconds, 2)}

    async def _follow_ups_drawn(
        self, side: str, cycle: str, ids: list[str], since: datetime
    ) -> bool:
        """Whether every follow-up started again has published its items (napreview: the
        store shows them; bare: it says so)."""
        if side == "napreview":
            records = await asyncio.to_thread(self.store.follow_ups.of_cycle, cycle)
            fresh = [r for r in records if r.state.as_of is not None and r.state.as_of >= since]
            return len(fresh) >= len(ids)
        for wid in ids:
            if not await self.client.get_workflow_handle(wid).query(BareFollowUp.items_drawn):
                return False
        return True

    # ------------------------------------------------------------------ histories and the rest

    def histories(
        self, cycle_id: str, review_ids: list[str], follow_up_ids: list[str]
    ) -> dict[str, Any]:
        reviews = [measure.history_size(self.temporal, self.address, wid) for wid in review_ids]
        follow_ups = [
            measure.history_size(self.temporal, self.address, wid) for wid in follow_up_ids
        ]
        runs = measure.run_ids(self.temporal, self.address, cycle_id)
        cycle_runs = [
            measure.history_size(self.temporal, self.address, cycle_id, run) for run in runs
        ]
        return {
            "review_events_mean": round(statistics.mean(r.events for r in reviews), 1),
            "review_events_max": max(r.events for r in reviews),
            "review_kb_mean": round(statistics.mean(r.bytes for r in reviews) / 1024, 1),
            "review_kb_max": round(max(r.bytes for r in reviews) / 1024, 1),
            "reviews_sampled": len(reviews),
            # The follow-up as the round leaves it: items drawn and published, idle.
            "follow_up_events_max": max(f.events for f in follow_ups),
            "follow_up_kb_max": round(max(f.bytes for f in follow_ups) / 1024, 1),
            "cycle_runs": len(cycle_runs),
            "cycle_events_total": sum(r.events for r in cycle_runs),
            "cycle_events_max_run": max((r.events for r in cycle_runs), default=0),
            "cycle_kb_total": round(sum(r.bytes for r in cycle_runs) / 1024, 1),
            "cycle_kb_max_run": round(max((r.bytes for r in cycle_runs), default=0) / 1024, 1),
        }

    async def letters(self, cycle: str) -> dict[str, Any]:
        """Letters per second from completed reviews in each language."""
        chair = CHAIRS[2019]
        requests = []
        by_language: dict[str, str] = {}
        for member in self.store.members.get_many(self.members):
            by_language.setdefault(member.language.value, member.code)
        for code in by_language.values():
            state = await steps.review_state(self.client, cycle, code)
            requests += review_letters(state, chair)
        return letters_per_second(self.store, requests)

    def command_line(self, cycle: str, member: str) -> dict[str, Any]:
        """Wall time of command-line calls, each a process of its own as a person runs it."""
        env = self.env()
        napreview = str(Path(sys.executable).parent / "napreview")
        # Reads are scoped (issue #8 item 8): they name who reads, as a person would.
        reader = ["--as", "secretariat@example.org"]
        calls = {
            "--help": [napreview, "--help"],
            "members list --json": [napreview, "members", "list", "--json"],
            "schema self-assessment": [napreview, "schema", "self-assessment"],
            "letters list --json": [
                napreview, "letters", "list", "--cycle", cycle, "--member", member, "--json",
                *reader,
            ],
            "review show --json": [napreview, "review", "show", cycle, member, "--json", *reader],
            "cycle status --json": [napreview, "cycle", "status", cycle, "--json", *reader],
        }  # fmt: skip
        timed = {name: measure.time_command(args, env) for name, args in calls.items()}
        return {
            "import_cli_app_s": measure.import_time("napreview.cli.app", env),
            "calls_s": {name: t["seconds"] for name, t in timed.items()},
            "calls_cpu_s": {name: t["cpu_seconds"] for name, t in timed.items()},
            "failed": [name for name, t in timed.items() if t["exit_code"]],
        }

    def start_profiler(self) -> Path | None:
        py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        if not Path(py_spy).exists():
            print("BENCH_PROFILE=1 needs py-spy (pip install py-spy); not profiling.")
            return None
        out = RESULTS / f"profile-n{self.config.n}.txt"
        self.profiler = subprocess.Popen(
            [
                py_spy,
                "record",
                "--pid",
                str(self.workers["napreview"].pid),
                "--rate",
                "100",
                "--format",
                "raw",
                "--output",
                str(out),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return out


async def _finished(result: Awaitable[object], timeout: float = 600.0) -> None:
    """The cycle's end (its summary letter); a cycle that cannot finish is reported, not waited
    for forever."""
    try:
        await asyncio.wait_for(result, timeout)
    except TimeoutError:
        print(f"  the cycle workflow did not finish within {timeout:.0f} s after its reviews")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_per_review(rounds: list[Round]) -> float:
    return _median(rounds, lambda r: sum(r.cpu.values()))


def _median(rounds: list[Round], key: Callable[[Round], float]) -> float:
    return statistics.median(key(r) for r in rounds)


def summarise_side(rounds: list[Round], history: dict[str, Any], rss: float) -> dict[str, Any]:
    every = [x for r in rounds for values in r.latencies.values() for x in values]
    return {
        "reviews_per_second": round(_median(rounds, lambda r: r.reviews_per_second), 2),
        "seconds": round(_median(rounds, lambda r: r.seconds), 2),
        "step_to_next_stage_p50_s": round(measure.percentile(every, 0.5), 3),
        "step_to_next_stage_p95_s": round(measure.percentile(every, 0.95), 3),
        "cycle_start_s": round(_median(rounds, lambda r: r.cycle_start_s), 3),
        "cycle_counted_s": round(_median(rounds, lambda r: r.cycle_counted_s), 3),
        "cycle_done_s": round(_median(rounds, lambda r: r.cycle_done_s), 2),
        "cpu_seconds_per_review": {
            part: round(_median(rounds, lambda r, p=part: r.cpu[p]), 4)
            for part in ("worker", "server", "driver")
        },
        "history": history,
        "worker_peak_rss_mb": round(rss, 1),
    }


def _side_history(bench: Bench, rounds: list[Round], sample: list[str]) -> dict[str, Any]:
    """History sizes of the last round's cycle and a sample of its reviews, on either side."""
    if not rounds:
        return {}
    cycle = rounds[-1].cycle
    if rounds[-1].side == "napreview":
        return bench.histories(
            contract.cycle_workflow_id(cycle),
            [contract.review_workflow_id(cycle, m) for m in sample],
            [contract.follow_up_workflow_id(cycle, m) for m in sample],
        )
    return bench.histories(
        bare_cycle_id(cycle),
        [bare_review_id(cycle, m) for m in sample],
        [bare_follow_up_id(cycle, m) for m in sample],
    )


async def run_bench(config: Config, home: Path) -> dict[str, Any]:
    bench = Bench(config, home)
    load_at_start = os.getloadavg()  # before the bench itself loads the machine
    print(
        f"bench: {config.n} members, {config.rounds} round(s) per side, "
        f"{config.concurrency} reviews in flight, batches of {config.batch_size}, data in {home}; "
        f"load average at start {' '.join(f'{x:.2f}' for x in load_at_start)}",
        flush=True,
    )
    try:
        await bench.start()
        # Warm both workers (imports, sandbox, caches) with a small cycle each, not measured.
        warm = bench.members[:6]
        for side in config.sides:
            await bench.round(side, -1, True, warm)
        profile = bench.start_profiler() if config.profile else None
        rounds: list[Round] = []
        for number in range(config.rounds):
            order = ("bare", "napreview") if number % 2 == 0 else ("napreview", "bare")
            order = tuple(side for side in order if side in config.sides)
            for position, side in enumerate(order):
                done = await bench.round(side, number, position == 0, bench.members)
                rounds.append(done)
                print(
                    f"  round {number + 1} {side:9s}: {done.seconds:7.2f} s, "
                    f"{done.reviews_per_second:6.2f} reviews/s, start {done.cycle_start_s:.2f} s, "
                    f"load at start {done.load_at_start[0]:.2f}",
                    flush=True,
                )
        nap = [r for r in rounds if r.side == "napreview"]
        bare = [r for r in rounds if r.side == "bare"]
        sample = sorted(bench.members)[:: max(1, len(bench.members) // 5)][:5]
        sides = {
            side: (
                summarise_side(
                    runs,
                    _side_history(bench, runs, sample),
                    measure.peak_rss_mb(bench.workers[side].pid),
                )
                if runs
                else None
            )
            for side, runs in (("napreview", nap), ("bare", bare))
        }
        # After the histories are read (the follow-ups are started again here).
        for side, runs in (("napreview", nap), ("bare", bare)):
            summary = sides[side]
            if summary is not None:
                last = runs[-1].cycle
                summary["follow_up_alone"] = await bench.follow_ups_alone(side, last, bench.members)
        cli = letters = None
        if nap:  # the command line first: the letters' figure stores letters of its own
            cli = bench.command_line(nap[-1].cycle, sample[0])
            letters = await bench.letters(nap[-1].cycle)
        assert bench.server is not None
        ratios = [
            n.reviews_per_second / b.reviews_per_second for n, b in zip(nap, bare, strict=False)
        ]
        results = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": measure.machine(),
            "load_average": {
                "start": [round(x, 2) for x in load_at_start],
                "end": [round(x, 2) for x in os.getloadavg()],
            },
            "config": {
                "n": config.n,
                "rounds": config.rounds,
                "concurrency": config.concurrency,
                "batch_size": config.batch_size,
                "poll_s": config.poll,
                "sides": list(config.sides),
                "deliver_letters": config.deliver_letters,
            },
            # What a review costs in CPU (worker with its PDF process, server and the people's
            # side together), bare over napreview: what a saturated machine gives.
            "cpu_ratio": (
                round(_cpu_per_review(bare) / _cpu_per_review(nap), 3) if bare and nap else None
            ),
            # Reviews per second, napreview over bare, median of the rounds: this run's
            # throughput, which depends on what else the machine did meanwhile.
            "ratio": round(statistics.median(ratios), 3) if ratios else None,
            "ratios_by_round": [round(r, 3) for r in ratios],
            **sides,
            "letters": letters,
            "command_line": cli,
            "server_peak_rss_mb": round(measure.peak_rss_mb(bench.server.pid), 1),
            "databases_mb": {
                "temporal": round(measure.file_mb(home / "temporal.db"), 1),
                "napreview": round(measure.file_mb(home / "napreview.db"), 1),
            },
            "rounds": [r.summary() for r in rounds],
        }
        if profile is not None:
            results["profile"] = str(profile.relative_to(ROOT))
        results["targets"] = targets(results)
        return results
    finally:
        await bench.stop()


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    n = results["config"]["n"]
    nap = results["napreview"]
    if nap is None:  # the bare side alone: nothing of napreview's to hold to a target
        return []
    wanted = (
        TARGET_CPU_RATIO if results["config"]["deliver_letters"] else TARGET_CPU_RATIO_DELIVERY_OFF
    )
    cpu_ratio = results["cpu_ratio"]
    calls = results["command_line"]["calls_s"]
    found = [
        ("CPU per review, bare/napreview", f">= {wanted}", cpu_ratio,
         cpu_ratio is not None and cpu_ratio >= wanted),
        ("history events per review", f"<= {TARGET_EVENTS}", nap["history"]["review_events_max"],
         nap["history"]["review_events_max"] <= TARGET_EVENTS),
        ("history KB per review", f"<= {TARGET_HISTORY_KB}", nap["history"]["review_kb_max"],
         nap["history"]["review_kb_max"] <= TARGET_HISTORY_KB),
        ("slowest command-line call (s), cycle status included", f"< {TARGET_CLI}",
         max(calls.values()), max(calls.values()) < TARGET_CLI),
        ("worker peak RSS (MB)", f"< {TARGET_WORKER_RSS_MB}", nap["worker_peak_rss_mb"],
         nap["worker_peak_rss_mb"] < TARGET_WORKER_RSS_MB),
    ]  # fmt: skip
    if n <= 100:
        found.append(
            ("cycle start, alone (s)", f"< {TARGET_CYCLE_START_83}", nap["cycle_start_s"],
             nap["cycle_start_s"] < TARGET_CYCLE_START_83)
        )  # fmt: skip
    return [{"name": a, "target": b, "value": c, "met": bool(d)} for a, b, c, d in found]


_EMPTY_SIDE: dict[str, Any] = {
    "reviews_per_second": "-",
    "step_to_next_stage_p50_s": "-",
    "step_to_next_stage_p95_s": "-",
    "cycle_start_s": "-",
    "cycle_counted_s": "-",
    "history": {
        key: "-"
        for key in (
            "review_events_max",
            "review_kb_max",
            "follow_up_events_max",
            "follow_up_kb_max",
            "cycle_runs",
            "cycle_events_total",
            "cycle_kb_max_run",
        )
    },
    "cpu_seconds_per_review": {"worker": "-", "server": "-", "driver": "-"},
    "worker_peak_rss_mb": "-",
    "follow_up_alone": {"worker": "-", "server": "-", "driver": "-", "seconds": "-"},
}


def _delivery(config: dict[str, Any]) -> str:
    if config.get("deliver_letters", True):
        return "emailed from the outbox (a PDF for the final feedback and summary)"
    return "filed only (NAPREVIEW_DELIVER_LETTERS=false)"


def report(results: dict[str, Any]) -> str:
    m = results["machine"]
    nap, bare = results["napreview"] or _EMPTY_SIDE, results["bare"] or _EMPTY_SIDE
    load = results["load_average"]
    lines = [
        f"make bench, {results['config']['n']} members, {results['when']}",
        f"machine: {m['nproc']} cores, {m['cpu']}, Python {m['python']}, "
        f"temporalio {m['temporalio']}, temporal CLI {m['temporal_cli']}",
        f"load average (1, 5, 15 min) at start {load['start']}, at end {load['end']}",
        "letters: " + _delivery(results["config"]),
        "",
        f"{'':34s}{'napreview':>12s}{'bare':>12s}",
    ]

    def row(label: str, a: object, b: object = "") -> None:
        lines.append(f"{label:34s}{a!s:>12s}{b!s:>12s}")

    row("CPU per review, bare/napreview", results["cpu_ratio"], "")
    row("reviews per second", nap["reviews_per_second"], bare["reviews_per_second"])
    row("  ratio (median of rounds)", results["ratio"], "")
    row("step -> next stage p50 (s)", nap["step_to_next_stage_p50_s"],
        bare["step_to_next_stage_p50_s"])  # fmt: skip
    row("step -> next stage p95 (s)", nap["step_to_next_stage_p95_s"],
        bare["step_to_next_stage_p95_s"])  # fmt: skip
    row("cycle start alone: last review (s)", nap["cycle_start_s"], bare["cycle_start_s"])
    row("cycle start: counted (s)", nap["cycle_counted_s"], bare["cycle_counted_s"])
    row("history events per review (max)", nap["history"]["review_events_max"],
        bare["history"]["review_events_max"])  # fmt: skip
    row("history KB per review (max)", nap["history"]["review_kb_max"],
        bare["history"]["review_kb_max"])  # fmt: skip
    row("follow-up history events (max)", nap["history"]["follow_up_events_max"],
        bare["history"]["follow_up_events_max"])  # fmt: skip
    row("follow-up history KB (max)", nap["history"]["follow_up_kb_max"],
        bare["history"]["follow_up_kb_max"])  # fmt: skip
    row("cycle history runs", nap["history"]["cycle_runs"], bare["history"]["cycle_runs"])
    row("cycle history events (all runs)", nap["history"]["cycle_events_total"],
        bare["history"]["cycle_events_total"])  # fmt: skip
    row("cycle history KB (largest run)", nap["history"]["cycle_kb_max_run"],
        bare["history"]["cycle_kb_max_run"])  # fmt: skip
    for part in ("worker", "server", "driver"):
        row(f"CPU s per review: {part}", nap["cpu_seconds_per_review"][part],
            bare["cpu_seconds_per_review"][part])  # fmt: skip
    row("worker peak RSS (MB)", nap["worker_peak_rss_mb"], bare["worker_peak_rss_mb"])
    for part in ("worker", "server", "driver"):
        row(f"follow-up alone, CPU s: {part}", nap["follow_up_alone"][part],
            bare["follow_up_alone"][part])  # fmt: skip
    lines.append("")
    if results["letters"] is not None:
        letters = results["letters"]
        lines.append(
            f"letters per CPU second, whole cost (context, render, store and files, PDF where "
            f"one goes, email): {letters['whole_cost_per_second']}; rendering alone "
            f"{letters['rendered_per_second']}"
        )
    cli, dbs = results["command_line"], results["databases_mb"]
    if cli is not None:
        lines.append(f"import cli.app: {cli['import_cli_app_s']} s; command-line calls (s):")
        lines.append(f"  {'':38s}{'wall':>8s}{'CPU':>8s}")
        for name, seconds in cli["calls_s"].items():
            lines.append(f"  napreview {name:28s}{seconds:>8}{cli['calls_cpu_s'][name]:>8}")
    lines.append(
        f"server peak RSS {results['server_peak_rss_mb']} MB; databases: temporal "
        f"{dbs['temporal']} MB, napreview {dbs['napreview']} MB"
    )
    lines.append("")
    lines.append("targets:")
    for t in results["targets"]:
        verdict = "met   " if t["met"] else "MISSED"
        lines.append(f"  {verdict} {t['name']}: {t['value']} (target {t['target']})")
    return "\n".join(lines)


def main() -> None:
    config = Config()
    home = Path(tempfile.mkdtemp(prefix="napreview-bench-"))
    try:
        results = asyncio.run(run_bench(config, home))
    except BaseException:
        # A failed run keeps its data (workers' log, both databases) to be looked at.
        print(f"bench failed; its data stays in {home} (workers.log, temporal.db)", file=sys.stderr)
        raise
    if not config.keep:
        shutil.rmtree(home, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(results, indent=2)
    for name in ("latest.json", f"{config.name}.json"):
        (RESULTS / name).write_text(text + "\n")
    print()
    print(report(results))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
