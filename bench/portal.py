"""`python -m bench.portal`: the portal under load, as people feel it (issue #23).

A finished cycle of BENCH_N members (83 by default; 1,000 and 10,000 to see scale) is written
straight into a store of the bench's own: the read model (every review completed, with its
stage history), the draw, and five letters per review, plus BENCH_OTHER_LETTERS letters of other
cycles, so the focal point's home page is measured against a store much larger than its own
letters. The portal runs as `napreview portal` runs it (uvicorn, one process, SQLite records),
on loopback; no Temporal is needed for these pages. BENCH_CLIENTS (default 1,10,50) signed-in
clients each ask BENCH_REQUESTS pages in a row (CSRF honoured at sign-in), at most that many at
once; the load average is read before each run. Pages: the secretariat's cycle page, the focal
point's home page, and sign-in (the password check itself, argon2 on purpose slow).

Prints p50 / p95 / max per page and client count, the 5xx and other failures, and writes
bench/results/portal-n<N>.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
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
ROOT = Path(__file__).parent.parent
STAGES = ("self_assessment", "peer_review", "cedaw_check", "sign_off", "completed")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


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
    statuses: dict[int, int] = {}
    load_before = os.getloadavg()

    async def one(client: httpx.AsyncClient) -> None:
        for _ in range(requests):
            started = time.perf_counter()
            try:
                answer = await client.get(path)
                status = answer.status_code
            except httpx.HTTPError:
                status = 599
            times.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(one(c) for c in people))
    wall = time.perf_counter() - started
    for client in people:
        await client.aclose()
    return _figures(times, statuses, wall, load_before)


async def sign_ins(base: str, email: str, clients: int, requests: int) -> dict[str, Any]:
    """``clients`` people signing in ``requests`` times each (the form, then the password)."""
    times: list[float] = []
    statuses: dict[int, int] = {}
    load_before = os.getloadavg()

    async def one() -> None:
        for _ in range(requests):
            started = time.perf_counter()
            try:
                client = await signed_in(base, email)
                await client.aclose()
                status = 200
            except (httpx.HTTPError, RuntimeError):
                status = 599
            times.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(clients)))
    return _figures(times, statuses, time.perf_counter() - started, load_before)


def _figures(
    times: list[float], statuses: dict[int, int], wall: float, load: tuple[float, ...]
) -> dict[str, Any]:
    return {
        "requests": len(times),
        "p50_s": round(measure.percentile(times, 0.5), 3),
        "p95_s": round(measure.percentile(times, 0.95), 3),
        "max_s": round(max(times), 3),
        "per_second": round(len(times) / wall, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "server_errors": sum(v for k, v in statuses.items() if k >= 500),
        "load_at_start": [round(x, 2) for x in load],
    }


def serve(home: Path, port: int) -> subprocess.Popen[bytes]:
    """The portal as `napreview portal` serves it, in a process of its own."""
    env = dict(os.environ, NAPREVIEW_HOME=str(home), NAPREVIEW_PORTAL_FAILURE_DELAY="0")
    env["NAPREVIEW_DATABASE_URL"] = f"sqlite:///{home / 'napreview.db'}"
    code = (
        "import asyncio, sys\n"
        "from napreview.settings import Settings\n"
        "from napreview.web.config import load_portal_settings\n"
        "from napreview.web.server import serve_portal\n"
        "asyncio.run(serve_portal(Settings(), load_portal_settings(), '127.0.0.1', "
        f"{port}, asyncio.Event()))\n"
    )
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)


async def wait_up(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(300):
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError("the portal did not start")


async def run() -> dict[str, Any]:
    n = int(_env("BENCH_N", "83"))
    clients = [int(c) for c in _env("BENCH_CLIENTS", "1,10,50").split(",")]
    requests = int(_env("BENCH_REQUESTS", "5"))
    other = int(_env("BENCH_OTHER_LETTERS", str(max(5 * n, 16000))))
    home = Path(tempfile.mkdtemp(prefix="napreview-portal-bench-"))
    url = f"sqlite:///{home / 'napreview.db'}"
    store = open_store(url)
    seed(store)
    cycle = "2019"
    Accounts(store).give_example_passwords()  # as `napreview up` does on a trial installation
    started = time.perf_counter()
    members = fill(store, cycle, n, other)
    filled = time.perf_counter() - started
    print(f"portal bench: {n} members, {len(members) * 5 + other} letters in the store, "
          f"filled in {filled:.1f} s; data in {home}", flush=True)  # fmt: skip
    store.engine.dispose()
    port = int(_env("BENCH_PORT", "0")) or _free_port()
    base = f"http://127.0.0.1:{port}"
    portal = serve(home, port)
    pages = {
        "cycle page (secretariat)": (f"/cycles/{cycle}", SECRETARIAT_EMAIL),
        "home page (focal point)": ("/", example_focal_point_email("DEU")),
        "home page (secretariat)": ("/", SECRETARIAT_EMAIL),
    }
    results: dict[str, Any] = {}
    try:
        await wait_up(base)
        for name, (path, email) in pages.items():
            await load(base, path, email, 1, 2)  # warm: templates compiled, caches filled
            for count in clients:
                found = await load(base, path, email, count, requests)
                results.setdefault(name, {})[str(count)] = found
                print(f"  {name:28s} {count:3d} clients: p50 {found['p50_s']:.3f} s, "
                      f"p95 {found['p95_s']:.3f} s, 5xx {found['server_errors']}, "
                      f"load {found['load_at_start'][0]:.2f}", flush=True)  # fmt: skip
        for count in clients:
            found = await sign_ins(base, SECRETARIAT_EMAIL, count, 2)
            results.setdefault("sign-in", {})[str(count)] = found
            print(f"  {'sign-in':28s} {count:3d} clients: p50 {found['p50_s']:.3f} s, "
                  f"p95 {found['p95_s']:.3f} s, failed {found['server_errors']}, "
                  f"load {found['load_at_start'][0]:.2f}", flush=True)  # fmt: skip
    finally:
        portal.terminate()
        portal.wait(30)
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": measure.machine(),
        "config": {"n": n, "letters_in_store": len(members) * 5 + other, "requests": requests},
        "pages": results,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    results = asyncio.run(run())
    RESULTS.mkdir(exist_ok=True)
    name = os.environ.get("BENCH_RESULT") or f"portal-n{results['config']['n']}"
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
