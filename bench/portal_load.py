"""`make bench-portal` (`python -m bench.portal_load`): the portal under load, as people feel it,
and the command-line calls, on the 83- and the 10,000-member cycle (issue #23).

A finished cycle of BENCH_N members (83 by default; `make bench-portal` runs 83 and 10,000) is
written straight into a store of the bench's own: the read model (every review completed, with
its stage history), the draw, and five letters per review, plus BENCH_OTHER_LETTERS letters of
other cycles, so the focal point's home page is measured against a store much larger than its
own letters. Then `napreview up` serves that store as shipped (the Temporal server, the worker
and the portal each in a process of their own, SQLite records, loopback), and a small real cycle
(five members, BENCH_LIVE) is started on it for the review page, which asks its review's
workflow. BENCH_CLIENTS (default 1,10,50) signed-in clients each ask BENCH_REQUESTS pages in a
row (CSRF honoured at sign-in): at most that many requests at once. Pages: the secretariat's
cycle page, a review page, the focal point's and the secretariat's home pages, and sign-in (the
password check itself, argon2 on purpose slow). The load average is read before each run.

Prints p50 / p95 / max per page and client count, the 5xx and other failures, and the median
wall and CPU seconds of the command-line calls, and writes bench/results/portal-n<N>.json.
BENCH_PARTS=command-line times the command-line calls alone (no page is asked) and writes
bench/results/cli-n<N>.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from bench import measure
from bench.synthetic import add_synthetic_members
from napreview.people.accounts import EXAMPLE_PASSWORD, Accounts
from napreview.people.examples import SECRETARIAT_EMAIL, example_focal_point_email
from napreview.services.installation import Store, open_store, seed
from napreview.store.tables import LetterRow, ReviewRow, ReviewStageRow
from napreview.web.web import SESSION_COOKIE

RESULTS = Path(__file__).parent / "results"
NAPREVIEW = Path(sys.executable).parent / "napreview"
STAGES = ("self_assessment", "peer_review", "cedaw_check", "sign_off", "completed")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LIVE_MEMBERS = ("DEU", "FRA", "MEX", "NAM", "JPN")
WARM_CONNECTIONS = 8


def _env(name: str, default: str) -> str:
    return os.environ.get(name) or default


def fill(store: Store, cycle: str, n: int, other_letters: int) -> list[str]:
    """A finished cycle of ``n`` members in the read model, its draw, its letters, and letters
    of other cycles; returns the members."""
    add_synthetic_members(store, n)
    members = [m.code for m in store.members.all()][:n]
    reviewers = {m: [members[(i + k) % n] for k in (1, 2, 3)] for i, m in enumerate(members)}
    store.cycles.record(
        cycle=cycle,
        seed=1,
        reviewers_per_member=3,
        chair="NAM",
        settings={"cycle": cycle},
        draw_sha256="0" * 64,
        started_by="bench",
        reviewers=reviewers,
        relaxed={},
    )
    t0 = datetime.now(UTC) - timedelta(days=90)
    with store.engine.begin() as db:
        db.execute(
            insert(ReviewRow),
            [
                {
                    "cycle_id": cycle,
                    "member_code": m,
                    "stage": "completed",
                    "round": 1,
                    "overdue": False,
                    "cedaw_rating": "partial",
                    "updated_at": t0 + timedelta(days=80),
                    "deadline": None,
                    "reviewers": [
                        {"member": r, "status": "submitted", "due": None, "overdue": False}
                        for r in reviewers[m]
                    ],
                    "answers_due": None,
                    "unanswered": 0,
                    "at": t0 + timedelta(days=80),
                }
                for m in members
            ],
        )
        db.execute(
            insert(ReviewStageRow),
            [
                {
                    "cycle_id": cycle,
                    "member_code": m,
                    "stage": stage,
                    "round": 1,
                    "at": t0 + timedelta(days=k * 20, minutes=i),
                }
                for i, m in enumerate(members)
                for k, stage in enumerate(STAGES)
            ],
        )
    _letters(store, cycle, members)
    for batch in range(0, other_letters, 5 * n):
        _letters(store, f"{cycle}-old{batch}", members[: min(n, (other_letters - batch) // 5)])
    return members


def _letters(store: Store, cycle: str, members: list[str]) -> None:
    """Five letters per review, with bodies of a real letter's size."""
    body = "A letter of the review. " * 400
    rows = [
        {
            "id": uuid.uuid4().hex[:16],
            "idempotency_key": f"review-{cycle}-{m}/{kind}/1/{m}",
            "kind": kind,
            "cycle_id": cycle,
            "member_code": m,
            "round": 1,
            "recipient": example_focal_point_email(m),
            "recipient_member": m,
            "recipient_name": f"Focal point of {m}",
            "copy_to": [],
            "cc": [],
            "language": "en",
            "subject": f"Review {cycle}: {kind}",
            "body_text": body,
            "body_html": f"<p>{body}</p>",
            "sha256": "0" * 64,
            "template": f"en/{kind}.j2",
            "template_version": "0" * 64,
            "inputs_sha256": "0" * 64,
            "delivery_state": "filed",
            "delivery_attempts": 1,
        }
        for m in members
        for kind in ("invitation", "reminder", "review_request", "returned", "final_feedback")
    ]
    with store.engine.begin() as db:
        db.execute(insert(LetterRow), rows)


async def signed_in(base: str, email: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=120)
    page = await client.get("/sign-in")
    token = CSRF.search(page.text)
    form = {"email": email, "password": EXAMPLE_PASSWORD, "next": "/"}
    if token:
        form["csrf_token"] = token.group(1)
    answer = await client.post("/sign-in", data=form)
    if answer.status_code != 303 or SESSION_COOKIE not in client.cookies:
        await client.aclose()
        raise RuntimeError(f"{email} could not sign in: {answer.status_code}")
    return client


async def load(base: str, path: str, email: str, clients: int, requests: int) -> dict[str, Any]:
    """``clients`` signed-in people, each asking ``path`` ``requests`` times in a row."""
    people = [await signed_in(base, email) for _ in range(clients)]
    times: list[float] = []
    statuses: dict[str, int] = {}
    load_before = os.getloadavg()

    async def one(client: httpx.AsyncClient) -> None:
        for _ in range(requests):
            started = time.perf_counter()
            try:
                answer = await client.get(path)
                status = str(answer.status_code)
            except httpx.HTTPError as err:  # no answer: named, never counted as the server's 5xx
                status = type(err).__name__
            times.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(one(c) for c in people))
    wall = time.perf_counter() - started
    for client in people:
        await client.aclose()
    return _figures(times, statuses, wall, load_before)


async def sign_ins(base: str, emails: list[str], requests: int) -> dict[str, Any]:
    """One person per address signing in ``requests`` times each (the form, then the
    password), all at once: people signing in, not one account signed into from fifty places
    (overlapping sign-ins to one account count against its lockout, on purpose)."""
    times: list[float] = []
    statuses: dict[str, int] = {}
    load_before = os.getloadavg()

    async def one(email: str) -> None:
        for _ in range(requests):
            started = time.perf_counter()
            try:
                client = await signed_in(base, email)
                await client.aclose()
                status = "200"
            except (httpx.HTTPError, RuntimeError) as err:
                status = type(err).__name__
            times.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(one(email) for email in emails))
    return _figures(times, statuses, time.perf_counter() - started, load_before)


def _figures(
    times: list[float], statuses: dict[str, int], wall: float, load: tuple[float, ...]
) -> dict[str, Any]:
    """``statuses``: HTTP statuses, or the name of what went wrong when there was no answer
    (a refused sign-in, a connection the server closed): those are ``failed``, and only an
    answer of 500 or more is one of the server's errors."""
    return {
        "requests": len(times),
        "p50_s": round(measure.percentile(times, 0.5), 3),
        "p95_s": round(measure.percentile(times, 0.95), 3),
        "max_s": round(max(times), 3),
        "per_second": round(len(times) / wall, 1),
        "statuses": dict(sorted(statuses.items())),
        "server_errors": sum(v for k, v in statuses.items() if k.isdigit() and int(k) >= 500),
        "failed": sum(v for k, v in statuses.items() if not k.isdigit()),
        "load_at_start": [round(x, 2) for x in load],
    }


def up(home: Path, port: int, portal_port: int) -> subprocess.Popen[str]:
    """`napreview up` on the bench's store, as a person starts it; returns once it serves."""
    process = subprocess.Popen(
        [str(NAPREVIEW), "up", "--home", str(home), "--port", str(port),
         "--portal-port", str(portal_port), "--headless"],
        env=_env_for(home, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    said = []
    for line in process.stdout:
        said.append(line)
        if "Ctrl-C stops" in line:
            # What `up` prints from now on (a page's error, a worker's warning) is kept in
            # up.log beside the store, and a full pipe never holds `up` up.
            threading.Thread(target=_keep, args=(process, home / "up.log"), daemon=True).start()
            return process
    raise RuntimeError("napreview up did not start:\n" + "".join(said))


def _keep(process: subprocess.Popen[str], log: Path) -> None:
    assert process.stdout is not None
    with log.open("a", encoding="utf-8") as kept:
        for line in process.stdout:
            kept.write(line)
            kept.flush()


def _env_for(home: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NAPREVIEW_")}
    env.update(NAPREVIEW_HOME=str(home), NAPREVIEW_TEMPORAL_ADDRESS=f"localhost:{port}")
    env.update(NAPREVIEW_PORTAL_FAILURE_DELAY="0", XDG_CONFIG_HOME=str(home / "config"))
    return env


def start_live_cycle(home: Path, port: int, cycle: str) -> None:
    """A small real cycle, for the review page (it asks its review's workflow)."""
    done = subprocess.run(
        [str(NAPREVIEW), "cycle", "start", cycle, "--members", ",".join(LIVE_MEMBERS),
         "--chair", "NAM", "--as", SECRETARIAT_EMAIL],
        env=_env_for(home, port),
        capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"the live cycle did not start: {done.stderr}")


async def wait_for(base: str, path: str, email: str, within: float = 120) -> None:
    """Until ``path`` answers 200 to a signed-in person (the portal up, the review started)."""
    deadline = time.monotonic() + within
    while True:
        try:
            client = await signed_in(base, email)
            try:
                if (await client.get(path)).status_code == 200:
                    return
            finally:
                await client.aclose()
        except (httpx.HTTPError, RuntimeError):
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not answer")
        await asyncio.sleep(0.5)


def command_line(home: Path, port: int, cycle: str, live: str) -> dict[str, Any]:
    """The command-line calls a person makes, against the same store and stack: median wall
    and CPU seconds of three runs each."""
    secretariat, focal_point = (
        ("--as", SECRETARIAT_EMAIL),
        ("--as", example_focal_point_email("DEU")),
    )
    calls = {
        "--help": ["--help"],
        "members list --json": ["members", "list", "--json"],
        "cycle status --json": ["cycle", "status", cycle, "--json", *secretariat],
        "cycle status (table)": ["cycle", "status", cycle, *secretariat],
        "cycle status --json (focal point)": ["cycle", "status", cycle, "--json", *focal_point],
        "tasks (focal point)": ["tasks", *focal_point],
        "letters list (focal point)": ["letters", "list", *focal_point],
        "review show --json": ["review", "show", live, "DEU", "--json", *secretariat],
        "cycle status --live --json": ["cycle", "status", live, "--live", "--json", *secretariat],
    }
    env = _env_for(home, port)
    timed = {name: measure.time_command([str(NAPREVIEW), *a], env) for name, a in calls.items()}
    for name, t in timed.items():
        print(f"  {name:36s} {t['seconds']:.3f} s wall, {t['cpu_seconds']:.3f} s CPU"
              + (f", exit {t['exit_code']}" if t["exit_code"] else ""), flush=True)  # fmt: skip
    return timed


async def run() -> dict[str, Any]:
    n = int(_env("BENCH_N", "83"))
    clients = [int(c) for c in _env("BENCH_CLIENTS", "1,10,50").split(",")]
    requests = int(_env("BENCH_REQUESTS", "5"))
    pages_too = "pages" in _env("BENCH_PARTS", "pages,command-line").split(",")
    other = int(_env("BENCH_OTHER_LETTERS", str(max(5 * n, 16000))))
    home = Path(tempfile.mkdtemp(prefix="napreview-portal-bench-"))
    store = open_store(f"sqlite:///{home / 'napreview.db'}")
    seed(store)
    cycle, live = "2019", _env("BENCH_LIVE", "2019-live")
    Accounts(store).give_example_passwords()  # as `napreview up` does on a trial installation
    # The Network's focal points, each with the example password, sign in as themselves.
    people = [example_focal_point_email(m.code) for m in store.members.all()]
    started = time.perf_counter()
    members = fill(store, cycle, n, other)
    filled = time.perf_counter() - started
    letters = len(members) * 5 + other
    print(f"portal bench: {n} members, {letters} letters in the store, filled in "
          f"{filled:.1f} s; data in {home}", flush=True)  # fmt: skip
    store.engine.dispose()
    port, portal_port = _free_port(), _free_port()
    base = f"http://127.0.0.1:{portal_port}"
    stack = up(home, port, portal_port)
    pages = {
        "cycle page (secretariat)": (f"/cycles/{cycle}", SECRETARIAT_EMAIL),
        "review page (secretariat)": (f"/reviews/{live}/DEU", SECRETARIAT_EMAIL),
        "home page (focal point)": ("/", example_focal_point_email("DEU")),
        "home page (secretariat)": ("/", SECRETARIAT_EMAIL),
    }
    results: dict[str, Any] = {}
    try:
        start_live_cycle(home, port, live)
        await wait_for(base, f"/reviews/{live}/DEU", SECRETARIAT_EMAIL)
        for name, (path, email) in pages.items() if pages_too else ():
            # Warm: templates compiled and caches filled in every portal process (the kernel
            # hands each new connection to one of them); a cold process compiling the same
            # templates in many threads at once holds a burst of pages for seconds, once.
            await load(base, path, email, WARM_CONNECTIONS, 2)
            for count in clients:
                found = await load(base, path, email, count, requests)
                results.setdefault(name, {})[str(count)] = found
                print(f"  {name:28s} {count:3d} clients: p50 {found['p50_s']:.3f} s, "
                      f"p95 {found['p95_s']:.3f} s, 5xx {found['server_errors']}, "
                      f"no answer {found['failed']}, "
                      f"load {found['load_at_start'][0]:.2f}", flush=True)  # fmt: skip
        for count in clients if pages_too else ():
            found = await sign_ins(base, people[:count], 2)
            results.setdefault("sign-in", {})[str(count)] = found
            print(f"  {'sign-in':28s} {count:3d} clients: p50 {found['p50_s']:.3f} s, "
                  f"p95 {found['p95_s']:.3f} s, failed {found['failed']}, "
                  f"load {found['load_at_start'][0]:.2f}", flush=True)  # fmt: skip
        load_before_calls = os.getloadavg()
        calls = command_line(home, port, cycle, live)
    finally:
        stack.send_signal(signal.SIGTERM)
        stack.wait(90)
        for database in (*home.glob("*.db"), *home.glob("*.db-*")):
            database.unlink()  # a gigabyte at 10,000 members; up.log stays
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": measure.machine(),
        "config": {
            "n": n,
            "letters_in_store": letters,
            "requests": requests,
            "served_by": "napreview up (server, worker, portal: three processes), SQLite",
        },
        "pages": results,
        "command_line": {
            "load_at_start": [round(x, 2) for x in load_before_calls],
            "calls": calls,
        },
    }


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    results = asyncio.run(run())
    RESULTS.mkdir(exist_ok=True)
    part = "portal" if results["pages"] else "cli"
    name = os.environ.get("BENCH_RESULT") or f"{part}-n{results['config']['n']}"
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
