"""No file left behind by a follow-up's steps (services/follow_up_files.py): what a refused step
kept is removed at once, and what a front end that died left is swept once no follow-up holds it,
a follow-up that does not answer keeping its files. The store on SQLite and PostgreSQL; the
refusals and the sweep against the real dev server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from napreview.schemas.follow_up import ItemStatus, ItemUpdate, ProgressReport
from napreview.schemas.members import Actor, Role
from napreview.services import evidence, follow_up, follow_up_files
from napreview.services.errors import StepRefused
from napreview.store.records import Store
from napreview.store.tables import FollowUpEvidenceRow, FollowUpReportRow
from napreview.workflows import contract

from ..conftest import running_worker
from ..helpers import SECRETARIAT, complete_review, fp, start_cycle
from ..workflows.test_follow_up import follow_up_when
from .test_audit import MEMBERS
from .test_cli import napreview  # noqa: F401 (a fixture)
from .test_follow_up_cli import _in_thread

PDF = b"%PDF-1.7\n the national budget line for the action plan"
ODT = ("evidence.odt", "application/vnd.oasis.opendocument.text", b"PK\x03\x04 a report")
SECRETARIAT_ACTOR = Actor(person_id="p-sec", role=Role.SECRETARIAT)
LONG_AGO = datetime.now(UTC) - timedelta(days=8)


def _kept(store: Store) -> set[str]:
    """The ids of every document and report body the store keeps."""
    with store.engine.connect() as db:
        return set(db.scalars(select(FollowUpEvidenceRow.id))) | set(
            db.scalars(select(FollowUpReportRow.id))
        )


def _stored_long_ago(store: Store, *ids: str) -> None:
    with store.engine.begin() as db:
        db.execute(
            update(FollowUpEvidenceRow)
            .where(FollowUpEvidenceRow.id.in_(ids))
            .values(uploaded_at=LONG_AGO)
        )
        db.execute(
            update(FollowUpReportRow)
            .where(FollowUpReportRow.id.in_(ids))
            .values(created_at=LONG_AGO)
        )


# --------------------------------------------------------------------------- the store


def test_a_refused_steps_files_are_removed_and_nothing_else(any_store):
    refused, earlier = any_store.follow_ups.keep_evidence("2027", "DEU", [ODT, ODT], "fp")
    body = any_store.follow_ups.keep_report("2027", "DEU", ProgressReport(), "p-deu")
    other = any_store.follow_ups.keep_report("2027", "DEU", ProgressReport(), "p-deu")
    any_store.follow_ups.discard([refused.id], body.id)
    assert _kept(any_store) == {earlier.id, other.id}


def test_files_stored_before_a_moment_are_found_by_follow_up_and_swept(any_store):
    old, recent = any_store.follow_ups.keep_evidence("2027", "DEU", [ODT, ODT], "fp")
    (mex,) = any_store.follow_ups.keep_evidence("2027", "MEX", [ODT], "fp")
    body = any_store.follow_ups.keep_report("2027", "DEU", ProgressReport(), "p-deu")
    _stored_long_ago(any_store, old.id, mex.id, body.id)
    before = datetime.now(UTC) - timedelta(days=7)
    assert sorted(any_store.follow_ups.kept_before(before)) == sorted(
        [(old.id, "2027", "DEU"), (mex.id, "2027", "MEX"), (body.id, "2027", "DEU")]
    )
    # Only what is asked for, and only if stored before the moment (a step may be on its way).
    assert any_store.follow_ups.sweep([old.id, body.id, recent.id], before) == 2
    assert _kept(any_store) == {recent.id, mex.id}


async def test_the_sweep_removes_only_what_an_answering_follow_up_does_not_hold(any_store):
    held_file, orphan = any_store.follow_ups.keep_evidence("2027", "DEU", [ODT, ODT], "fp")
    (unasked,) = any_store.follow_ups.keep_evidence("2027", "MEX", [ODT], "fp")
    (gone,) = any_store.follow_ups.keep_evidence("2027", "NAM", [ODT], "fp")
    (recent,) = any_store.follow_ups.keep_evidence("2027", "DEU", [ODT], "fp")
    _stored_long_ago(any_store, held_file.id, orphan.id, unasked.id, gone.id)
    answers = {"DEU": frozenset({held_file.id}), "MEX": None, "NAM": frozenset()}

    async def held(cycle: str, member: str) -> frozenset[str] | None:
        return answers[member]

    with pytest.raises(StepRefused):  # the secretariat's, and recorded
        await follow_up_files.sweep(any_store, any_store.people.actor(fp("DEU")), held)
    assert [r.step for r in any_store.refusals.of_review(None, None)][-1:] == [
        "sweep_follow_up_files"
    ]
    swept = await follow_up_files.sweep(any_store, SECRETARIAT_ACTOR, held)
    assert (swept.removed, swept.taken, swept.unasked) == (2, 1, 1)
    assert _kept(any_store) == {held_file.id, unasked.id, recent.id}


# --------------------------------------------------------------------------- the dev server


async def test_refused_steps_leave_no_file_and_the_sweep_asks_the_follow_up(
    dev_env, store, tmp_path
):
    client = dev_env.client
    async with running_worker(client, store, tmp_path) as settings:
        cycle = await start_cycle(client, store, settings.task_queue, MEMBERS)
        await complete_review(client, store, cycle, "DEU")
        state = await follow_up_when(client, cycle, "DEU", lambda s: s.drawn, "items drawn")
        first = state.items[0].key
        germany = store.people.actor(fp("DEU"))
        budget = evidence.Upload("Budget 2027.pdf", PDF)

        # A report the follow-up refuses (an item no longer pursued needs a reason): neither its
        # document nor its body stays.
        body = ProgressReport(
            narrative="Dropped.", updates=[ItemUpdate(key=first, status=ItemStatus.NOT_PURSUED)]
        )
        with pytest.raises(StepRefused) as refused:
            await follow_up.report(client, store, germany, cycle, "DEU", body, {first: [budget]})
        assert refused.value.reason and refused.value.reason.code == "reason_needed"
        assert _kept(store) == set()
        # The same for a change to one item.
        with pytest.raises(StepRefused):
            await follow_up.update_item(
                client, store, germany, cycle, "DEU",
                ItemUpdate(key=first, status=ItemStatus.NOT_PURSUED), [budget],
            )  # fmt: skip
        assert _kept(store) == set()

        # A change taken keeps its document; a front end that died before sending its step
        # left another one behind.
        taken = await follow_up.update_item(
            client, store, germany, cycle, "DEU", ItemUpdate(key=first), [budget]
        )
        assert taken
        (held,) = _kept(store)
        (left,) = store.follow_ups.keep_evidence(cycle, "DEU", [ODT], fp("DEU"))
        _stored_long_ago(store, held, left.id)
        swept = await follow_up_files.sweep(
            store, SECRETARIAT_ACTOR, follow_up_files.held_by_follow_ups(client)
        )
        assert (swept.removed, swept.taken, swept.unasked) == (1, 1, 0)
        assert _kept(store) == {held}
        (left,) = store.follow_ups.keep_evidence(cycle, "DEU", [ODT], fp("DEU"))
        _stored_long_ago(store, left.id)

    # No worker: the follow-up does not answer, and keeps every file.
    silent = follow_up_files.held_by_follow_ups(client, wait=timedelta(seconds=1))
    swept = await follow_up_files.sweep(store, SECRETARIAT_ACTOR, silent)
    assert (swept.removed, swept.taken, swept.unasked) == (0, 0, 2)
    assert _kept(store) == {held, left.id}
    await client.get_workflow_handle(contract.follow_up_workflow_id(cycle, "DEU")).terminate(
        "end of test"
    )


async def test_follow_up_sweep_on_the_command_line(
    dev_env,
    store,
    napreview,  # noqa: F811
):
    """A follow-up that does not exist holds nothing."""
    (left,) = store.follow_ups.keep_evidence("2019", "DEU", [ODT], fp("DEU"))
    _stored_long_ago(store, left.id)
    refused = await _in_thread(napreview, "follow-up", "sweep", "--as", fp("DEU"))
    assert refused.exit_code == 3, refused.output
    swept = await _in_thread(napreview, "follow-up", "sweep", "--as", SECRETARIAT)
    assert swept.exit_code == 0, swept.output
    said = " ".join(swept.stdout.split())
    assert "1 file no follow-up took, stored before " in said
    assert "removed; 0 files held by their follow-up, kept." in said
    assert _kept(store) == set()
