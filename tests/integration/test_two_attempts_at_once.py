"""Two attempts of one activity at once, on SQLite and PostgreSQL. An attempt its timeout gave up
on while it waited for a locked database goes on when the lock goes, beside the retry that
replaced it (seen in CI: a self-assessment's plan written by both, the second refused as a
broken unique key, and the review failed for good). The second to write must find the row the
first wrote and take the step as the first did."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from napreview.activities.cedaw import CedawActivities
from napreview.activities.review import ReviewActivities
from napreview.schemas.examples import example_self_assessment
from napreview.schemas.review import AcceptDocument, CedawCheckRequest, ReviewProjection, Stage
from napreview.schemas.submissions import DocumentKind
from napreview.store.records import Store

from ..helpers import fp

CYCLE = "2031"


@contextmanager
def another_attempt_writes_first(store: Store, table: str, attempt: Callable[[], Any]):  # type: ignore[no-untyped-def]
    """Start ``attempt`` (the other attempt, whole, in a thread of its own as a worker runs it)
    just before this one's first INSERT into ``table``: after this one read that no row was
    there, before it writes its own. This one goes on once the other has finished, or once it
    waits for SQLite's write lock (a write that holds what it read, BEGIN IMMEDIATE, takes its
    turn after this one: there the two cannot interleave)."""
    ran: list[Any] = []
    mine = threading.get_ident()
    settled = threading.Event()

    def other() -> None:
        try:
            ran.append(attempt())
        finally:
            settled.set()

    def before(conn, cursor, statement: str, *args: object) -> None:  # type: ignore[no-untyped-def]
        sql = statement.lstrip().upper()
        if threading.get_ident() != mine:
            if sql.startswith("BEGIN IMMEDIATE"):
                settled.set()  # waits its turn for the lock this attempt holds
        elif not thread and sql.startswith(f"INSERT INTO {table.upper()} "):
            thread.append(threading.Thread(target=other))
            thread[0].start()
            settled.wait()

    thread: list[threading.Thread] = []
    event.listen(store.engine, "before_cursor_execute", before)
    try:
        yield ran
    finally:
        for t in thread:
            t.join()
        event.remove(store.engine, "before_cursor_execute", before)
    assert thread, f"no attempt wrote into {table}"


def _self_assessment_request(store: Store) -> AcceptDocument:
    body = example_self_assessment(store.members.get("DEU")).model_dump(mode="json")
    document = store.documents.save(
        kind=DocumentKind.SELF_ASSESSMENT,
        cycle=CYCLE,
        member="DEU",
        submitted_by=fp("DEU"),
        body=body,
    )
    return AcceptDocument(
        cycle=CYCLE, member="DEU", kind=DocumentKind.SELF_ASSESSMENT.value, document=document
    )


def test_a_self_assessment_accepted_by_two_attempts_at_once_is_taken(any_store):
    request = _self_assessment_request(any_store)
    activities = ReviewActivities(any_store)
    with another_attempt_writes_first(
        any_store, "naps", lambda: activities.accept_document(request)
    ) as other:
        receipt = activities.accept_document(request)
    assert receipt == other[0]
    naps = any_store.documents.naps("DEU")
    assert [n.title for n in naps] == [request_title(any_store, request)]


def test_a_cedaw_check_run_by_two_attempts_at_once_gives_one_result(any_store):
    accepted = _self_assessment_request(any_store)
    ReviewActivities(any_store).accept_document(accepted)
    request = CedawCheckRequest(cycle=CYCLE, member="DEU", self_assessment=accepted.document)
    activities = CedawActivities(any_store)
    with another_attempt_writes_first(
        any_store, "cedaw_results", lambda: activities.run_cedaw_check(request)
    ) as other:
        summary = activities.run_cedaw_check(request)
    assert summary == other[0]


def request_title(store: Store, request: AcceptDocument) -> str:
    return str(store.documents.get(request.document.id).body["nap"]["title"])


def test_a_review_first_projected_by_two_attempts_at_once_is_in_the_read_model(any_store):
    projection = ReviewProjection(
        cycle=CYCLE, member="DEU", stage=Stage.SELF_ASSESSMENT, round=1, overdue=False
    )
    activities = ReviewActivities(any_store)
    with another_attempt_writes_first(
        any_store, "reviews", lambda: activities.project_review(projection)
    ):
        activities.project_review(projection)
    record = any_store.reviews.get(CYCLE, "DEU")
    assert record is not None and record.stage is Stage.SELF_ASSESSMENT
    assert [s.stage for s in any_store.reviews.stages(CYCLE, ["DEU"])["DEU"]] == [
        Stage.SELF_ASSESSMENT
    ]
