"""How every fault case ends: the reviews finished as the people drove them, every history (each
run of each review, the cycle) replays against today's code, every
accepted submission and every letter is in the store once, every letter file matches its stored
digest, and every letter was delivered to the outbox once."""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory

from napreview.audit.replay import replay
from napreview.bench.drain import deliveries_drained
from napreview.letters.files import letter_folder, letter_stem, recipient_key
from napreview.schemas.letters import LetterKind
from napreview.schemas.review import CycleSummary, ReviewSummary, Stage
from napreview.services import steps
from napreview.services.repair import task_failing
from napreview.settings import Settings
from napreview.store.records import Store
from napreview.workflows import contract


@dataclass
class Soundness:
    """What the checks counted, for the test's report."""

    reviews: int = 0
    runs: int = 0
    events: int = 0
    replayed: int = 0
    documents: int = 0
    letters: int = 0
    files: int = 0
    delivered: int = 0
    retries: int = 0
    by_outcome: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        return (
            f"{self.reviews} reviews ({dict(self.by_outcome)}), {self.runs} review runs, "
            f"{self.events} review events, {self.replayed} histories replayed, "
            f"{self.documents} documents, {self.letters} letters, {self.files} files, "
            f"{self.delivered} delivered, {self.retries} activity attempts retried"
        )


def stored_documents(store: Store, cycle: str, member: str | None = None) -> Counter[str]:
    """The documents in the store for a cycle (or one review of it), by kind: those the reviews
    took, and any a step lost to a fault left behind."""
    return store.documents.count(cycle, member)


async def where_they_stand(client: Client, cycle: str, members: list[str], keep_in: Path) -> str:
    """For a failure: each review's stage, its failing task if any and its last events; every
    run's history is kept in `keep_in` as JSON, to be replayed and added to tests/histories."""
    keep_in.mkdir(parents=True, exist_ok=True)
    lines = []
    for member in members:
        workflow_id = contract.review_workflow_id(cycle, member)
        try:
            state = await asyncio.wait_for(steps.review_state(client, cycle, member), 5)
            where = f"{state.stage.value} round {state.round}"
        except Exception as err:  # a review that does not answer says so
            where = f"no answer ({type(err).__name__})"
        failing = await task_failing(client, workflow_id)
        histories = await runs_of(client, workflow_id)
        for run, history in enumerate(histories, 1):
            (keep_in / f"{member}-run{run}.json").write_text(history.to_json())
        last = [EventType.Name(e.event_type) for e in histories[-1].events[-4:]]
        pending = await pending_activities(client, workflow_id)
        lines.append(
            f"{member}: {where}; failing task: {failing}; pending activities: {pending}; "
            f"last events {last}"
        )
    return f"reviews not finished (histories kept in {keep_in}):\n" + "\n".join(lines)


async def pending_activities(client: Client, workflow_id: str) -> list[str]:
    """Each activity the review waits on: its type, attempt and last failure."""
    described = await client.get_workflow_handle(workflow_id).describe()
    return [
        f"{a.activity_type.name} attempt {a.attempt} ({a.last_failure.message or 'no failure'})"
        for a in described.raw_description.pending_activities
    ]


async def runs_of(client: Client, workflow_id: str) -> list[WorkflowHistory]:
    """Every run of a workflow, first to last, following continue-as-new back from the latest."""
    found: list[WorkflowHistory] = []
    run_id: str | None = None
    while True:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        found.append(history)
        started = history.events[0].workflow_execution_started_event_attributes
        if not started.continued_execution_run_id:
            return found[::-1]
        run_id = started.continued_execution_run_id


def retried(histories: list[WorkflowHistory]) -> int:
    """Activity attempts that failed or were lost before the one history recorded."""
    return sum(
        e.activity_task_started_event_attributes.attempt - 1
        for h in histories
        for e in h.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    )


async def assert_replays(client: Client, workflow_id: str, workflows=None) -> list[WorkflowHistory]:
    histories = await runs_of(client, workflow_id)
    for history in histories:
        report = await (replay(history) if workflows is None else replay(history, workflows))
        assert report.deterministic, f"{workflow_id} run {history.run_id}: {report.error}"
    return histories


async def assert_sound(
    client: Client,
    store: Store,
    settings: Settings,
    cycle: str,
    outcomes: dict[str, Stage],
    *,
    timeout: float = 240.0,
) -> Soundness:
    """The whole cycle ended as ``outcomes`` says, with nothing lost and nothing twice."""
    seen = Soundness()
    summaries: dict[str, ReviewSummary] = {}
    for member, outcome in outcomes.items():
        handle = client.get_workflow_handle(
            contract.review_workflow_id(cycle, member), result_type=ReviewSummary
        )
        summary = await asyncio.wait_for(handle.result(), timeout)
        assert summary.outcome is outcome, f"{member}: {summary.outcome} instead of {outcome}"
        summaries[member] = summary
        seen.by_outcome[summary.outcome.value] += 1
    seen.reviews = len(summaries)
    cycle_handle = client.get_workflow_handle(
        contract.cycle_workflow_id(cycle), result_type=CycleSummary
    )
    cycle_summary = await asyncio.wait_for(cycle_handle.result(), timeout)
    assert cycle_summary.total == len(outcomes)
    assert cycle_summary.outcomes == dict(Counter(o.value for o in outcomes.values()))

    # Every history replays: each run of each review, and the cycle's.
    for member in outcomes:
        histories = await assert_replays(client, contract.review_workflow_id(cycle, member))
        seen.runs += len(histories)
        seen.events += sum(len(h.events) for h in histories)
        seen.retries += retried(histories)
        seen.replayed += len(histories)
    seen.replayed += len(await assert_replays(client, contract.cycle_workflow_id(cycle)))

    # Every accepted submission once, and in the store as accepted.
    for member, summary in summaries.items():
        ids = [d.id for d in summary.self_assessments]
        if summary.outcome is Stage.COMPLETED:
            assert len(ids) == summary.rounds, f"{member}: self-assessments {ids}"
            assert len(summary.peer_reviews) >= 1
        assert len(set(ids)) == len(ids), f"{member}: a self-assessment taken twice"
        reviews = list(summary.peer_reviews.values())
        assert len({d.id for d in reviews}) == len(reviews)
        for ref in summary.self_assessments:
            document = store.documents.get(ref.id)
            assert (document.kind, document.member, document.sha256) == (
                "self_assessment",
                member,
                ref.sha256,
            )
        for reviewer, ref in summary.peer_reviews.items():
            document = store.documents.get(ref.id)
            assert (document.kind, document.member, document.reviewer, document.sha256) == (
                "peer_review",
                member,
                reviewer,
                ref.sha256,
            )
        seen.documents += len(ids) + len(reviews)

    # Every letter once: each stored letter is one a review (or the cycle) took, none twice.
    rows = store.letters.with_bodies(cycle)
    taken = [ref for s in summaries.values() for ref in s.letters]
    if cycle_summary.summary_letter:
        taken.append(cycle_summary.summary_letter)
    assert len({r.id for r in taken}) == len(taken), "a review took one letter twice"
    stored = {row.id: row for row in rows}
    assert sorted(stored) == sorted(r.id for r in taken), (
        "stored letters no review took: "
        + ", ".join(
            sorted(
                f"{row.idempotency_key}"
                for i, row in stored.items()
                if i not in {r.id for r in taken}
            )
        )
    )
    for ref in taken:
        assert stored[ref.id].sha256 == ref.sha256
    keys = Counter(
        (r.member_code, r.kind, r.round, recipient_key(r))
        for r in rows
        if r.kind not in (LetterKind.REMINDER, LetterKind.OVERDUE, LetterKind.REVIEWER_CHANGE)
    )
    assert not [k for k, n in keys.items() if n > 1], f"letters twice: {keys.most_common(3)}"
    seen.letters = len(rows)

    # Every letter file matches its stored digest; nothing else is in the letters folder.
    expected: dict[Path, str] = {}
    for row in rows:
        stem = letter_stem(row.kind, row.round, recipient_key(row), row.id)
        folder = letter_folder(settings.letters_dir, row)
        expected[folder / f"{stem}.txt"] = row.sha256
        expected[folder / f"{stem}.html"] = hashlib.sha256(row.body_html.encode()).hexdigest()
    on_disk = {p for p in (settings.letters_dir / cycle).rglob("*") if p.is_file()}
    assert on_disk == set(expected), (
        f"missing {sorted(str(p) for p in set(expected) - on_disk)}; "
        f"unexpected {sorted(str(p) for p in on_disk - set(expected))}"
    )
    for path, digest in expected.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{path} differs"
    seen.files = len(expected)

    # Every letter delivered once: the outbox (in the store) drained, whoever sent each letter
    # (its activity, or a drainer after a worker died holding it), one message per letter,
    # named by its id.
    try:
        await deliveries_drained(store, cycle, interval=0.5, timeout=timeout)
    except TimeoutError as timed_out:
        waiting = [
            f"{r.id} {r.kind} {r.member_code}: {r.delivery_attempts} attempts, {r.delivery_detail}"
            for r in store.letters.list(cycle=cycle)
            if r.delivery_state == "queued"
        ]
        raise AssertionError(f"{timed_out}:\n" + "\n".join(waiting)) from None
    messages = sorted(p.stem for p in settings.outbox_dir.glob("*.eml"))
    assert sorted(stored) == [m for m in messages if m in stored]
    assert {row.id: row.delivery_state for row in store.letters.list(cycle=cycle)} == dict.fromkeys(
        stored, "filed"
    )
    seen.delivered = len(rows)
    return seen
