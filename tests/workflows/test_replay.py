"""Recorded histories of real reviews replay with the current workflow code (DESIGN §8).

The files under tests/histories/ were recorded by tests/record_histories.py. If a test here
fails after a change to a workflow, that change would break reviews already running: make it
with `workflow.patched` instead (see README), or re-record only if nothing has been released.
No server is needed: replay and timelines run offline.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter

from napreview.audit.export import export_bundle
from napreview.audit.replay import history_from_json, replay
from napreview.audit.signatures import STARTED_BY_NAPREVIEW, check_signatures
from napreview.audit.timeline import (
    StoredRefusal,
    Timeline,
    build_timeline,
    timeline_digest,
)
from napreview.audit.verify import verify_export
from napreview.schemas.review import StepTaken
from napreview.workflows import contract
from napreview.workflows.cycle import CycleWorkflow

HISTORIES = Path(__file__).parents[1] / "histories"
RECORDED = [
    "review-completed.json",
    "review-returned.json",
    "review-withdrawn.json",
    "review-overdue.json",
    "cycle-cancelled.json",
]
# The same kinds re-recorded on 2026-12-04 under the code released then, so that every branch of
# the `napreview-v2` patch is replayed too (the files above were recorded before it existed).
RELEASED = [f"released-2026-12-04/{name}" for name in RECORDED]
# Recorded again the same evening under every patch of that day ('read-model',
# 'answer-when-settled', 'signed-start', 'documents-signed'), so their branches replay too.
PATCHED = [f"patched-2026-12-04/{name}" for name in RECORDED]
# Recorded while a worker was killed three times mid-cycle (../shared/evidence): a query reached a
# worker without the review cached while a workflow task waited, so a peer-review update ran after
# an activity result in the same task. The SDK alone cannot replay them (sdk-python #1591).
KILLED_WORKER = [
    "replay-after-worker-kill/review-k3-DEU.json",
    "replay-after-worker-kill/review-k3-FRA.json",
    "replay-after-worker-kill/review-k3-MEX.json",
    "replay-after-worker-kill/review-k3-NOR.json",
]
# One workflow task ran the handler of a signal (its document taken under the review's lock), then
# accepted peer-review updates sent at the same moment, then went on after letters written: the
# signal's work before the updates is the SDK's own order, so the updates are not late
# (tests/faults/test_duplicate_steps.py).
SIGNALS_FIRST = ["replay-signals-before-updates/review-dup-MEX.json"]
# Recorded while `napreview up` was killed twelve times (../shared/evidence, issue #20 item 2): a
# query answered by a fresh worker applied an activity result that finished an earlier peer
# review before the task that accepted the next ones (sdk-python #1591 again, a shape the shim
# now covers).
STUCK_AFTER_UP_KILLED = [
    "stuck-after-up-killed/stuck-review-killup-AU.json",
    "stuck-after-up-killed/stuck-review-killup3-GEO.json",
]

# Recorded under patch 'follow-up' (issue #22): a review approved that starts its follow-up, and
# that follow-up from its draw to its close (an item changed, a refused acknowledgement, a
# progress report and its acknowledgement).
FOLLOW_UP = [
    "follow-up-2026-12-04/review-completed.json",
    "follow-up-2026-12-04/follow-up-closed.json",
]


def load(name: str) -> WorkflowHistory:
    return history_from_json((HISTORIES / name).read_text(encoding="utf-8"))


async def timeline_of(name: str, refusals: list[StoredRefusal] | None = None) -> Timeline:
    history = load(name)
    report = await replay(history)
    return build_timeline(history, refusals or [], report.signals)


def kinds(timeline: Timeline) -> list[str]:
    return [e.kind for e in timeline.events]


def test_every_kind_of_review_is_recorded():
    assert sorted(p.name for p in HISTORIES.glob("*.json")) == sorted(RECORDED)


@pytest.mark.parametrize(
    "name",
    RECORDED
    + RELEASED
    + PATCHED
    + KILLED_WORKER
    + SIGNALS_FIRST
    + STUCK_AFTER_UP_KILLED
    + FOLLOW_UP,
)
async def test_recorded_history_replays_with_the_current_code(name):
    history = load(name)
    report = await replay(history)
    assert report.error is None
    assert report.deterministic
    assert report.workflow_id.startswith(("review-", "cycle-", "follow-up-"))


@workflow.defn(name=contract.REVIEW_WORKFLOW, sandboxed=False)
class ReviewThatWaitsFirst:
    """A 'new version' of the review that waits a day before anything else."""

    @workflow.run
    async def run(self, inp: dict) -> None:
        await workflow.sleep(timedelta(days=1))


async def test_a_changed_review_workflow_fails_replay():
    report = await replay(load("review-completed.json"), [CycleWorkflow, ReviewThatWaitsFirst])
    assert not report.deterministic
    assert "Nondeterminism" in (report.error or "")


async def test_completed_review_names_every_person_and_digest():
    timeline = await timeline_of("review-completed.json")
    assert timeline.status == "completed"
    assert timeline.sha256 == timeline_digest(timeline.events)
    submitted = [
        e
        for e in timeline.events
        if e.kind == "step" and e.detail["step"] == "submit_self_assessment"
    ]
    # Recorded before person ids: the history itself names the email.
    assert [e.actor for e in submitted] == [
        {"person_id": None, "email": "fp.deu@example.org", "role": "focal_point", "member": "DEU"}
    ]
    assert submitted[0].stage == "self_assessment"
    assert "Self-assessment submitted by fp.deu@example.org (focal point of DEU)" in (
        submitted[0].summary
    )
    # The signal from France's focal point was refused by the workflow; the replay says why.
    refused = [e for e in timeline.events if e.kind == "refused"]
    by_france = [e for e in refused if e.actor and e.actor["email"] == "fp.fra@example.org"]
    assert by_france[0].detail["via"] == "signal"
    assert "only the secretariat" in by_france[0].detail["refusal"]
    # An update the handler refused (a document the store does not hold) is in history too.
    handler = [e for e in refused if e.detail["via"] == "update"]
    assert handler and "no document" in handler[0].detail["refusal"]
    redraw = next(e for e in timeline.events if e.kind == "redraw")
    assert redraw.actor and redraw.actor["member"] == "DEU"
    assert isinstance(redraw.detail["seed"], int) and redraw.detail["chosen"]
    letters = [e for e in timeline.events if e.kind == "letter"]
    assert letters[0].detail["kind"] == "invitation"
    assert letters[-1].detail["kind"] == "final_feedback"
    assert all(len(e.detail["sha256"]) == 64 for e in letters)
    assert next(e for e in timeline.events if e.kind == "cedaw").detail["rating"]
    decision = next(e for e in timeline.events if e.kind == "decision")
    assert decision.detail["decision"] == "approve" and decision.actor["role"] == "secretariat"
    extension = next(e for e in timeline.events if e.kind == "extension")
    assert extension.detail["reason"] and "7d" in extension.summary


async def test_returned_review_shows_both_rounds():
    timeline = await timeline_of("review-returned.json")
    decisions = [e.detail["decision"] for e in timeline.events if e.kind == "decision"]
    assert decisions == ["return_for_revision", "approve"]
    stages = [(e.detail["stage"], e.detail["round"]) for e in timeline.events if e.kind == "stage"]
    assert ("self_assessment", 2) in stages and stages[-1] == ("completed", 2)
    letters = [e.detail["kind"] for e in timeline.events if e.kind == "letter"]
    assert "returned" in letters


async def test_withdrawn_review_shows_who_withdrew_and_why():
    timeline = await timeline_of("review-withdrawn.json")
    withdrawal = next(e for e in timeline.events if e.kind == "withdrawal")
    assert withdrawal.actor["email"] == "secretariat@example.org"
    assert withdrawal.detail["reason"] == "Membership suspended"
    assert timeline.events[-1].detail["outcome"] == "withdrawn"


async def test_overdue_review_shows_reminder_deadline_and_extension_in_order():
    timeline = await timeline_of("review-overdue.json")
    fired = [e.detail.get("notice") for e in timeline.events if e.kind == "timer_fired"]
    assert fired[:2] == ["reminder", "overdue"]
    order = kinds(timeline)
    assert order.index("overdue") < order.index("extension") < order.index("overdue_cleared")
    refused = next(e for e in timeline.events if e.kind == "refused")
    assert (
        refused.detail["via"] == "signal"
        and "only the focal point of Germany" in refused.detail["refusal"]
    )


async def test_cycle_history_shows_the_draw_and_the_cancellation():
    timeline = await timeline_of("cycle-cancelled.json")
    draw = next(e for e in timeline.events if e.kind == "draw")
    assert draw.detail["seed"] == 7 and len(draw.detail["draw_sha256"]) == 64
    assert kinds(timeline).count("review_started") == 6
    cancel = next(e for e in timeline.events if e.kind == "cancellation")
    assert cancel.actor["role"] == "secretariat" and cancel.detail["outcome"] == "accepted"
    assert timeline.status == "completed"


async def test_store_refusals_are_merged_by_time_and_not_repeated():
    history = load("review-completed.json")
    plain = build_timeline(history)
    handler = next(e for e in plain.events if e.kind == "refused" and e.detail["via"] == "update")
    peer_review = next(e for e in plain.events if e.detail.get("stage") == "peer_review")
    recorded = [
        # what the command line stored for the handler's refusal: already in history
        StoredRefusal(
            at=handler.time + timedelta(milliseconds=20),
            actor="fp.deu@example.org",
            role="focal_point",
            step="submit_self_assessment",
            reason=handler.detail["refusal"],
        ),
        # a validator's refusal, just before the review moved on to peer review
        StoredRefusal(
            at=peer_review.time - timedelta(microseconds=1),
            actor="fp.fra@example.org",
            role="focal_point",
            step="submit_self_assessment",
            reason="fp.fra@example.org is not the focal point of Germany",
        ),
    ]
    timeline = build_timeline(history, recorded)
    from_store = [e for e in timeline.events if e.event_id is None]
    assert len(from_store) == 1
    position = timeline.events.index(from_store[0])
    # placed before the first history event that happened after it, and after all others
    assert all(e.time <= from_store[0].time for e in timeline.events[:position])
    assert timeline.events[position + 1].event_id == peer_review.event_id
    assert from_store[0].stage == "self_assessment"
    assert from_store[0].kind == "refused" and from_store[0].actor["email"] == "fp.fra@example.org"
    assert timeline.sha256 != plain.sha256


async def test_without_a_replay_signal_outcomes_are_unknown_not_guessed():
    timeline = build_timeline(load("review-completed.json"))
    extend = next(e for e in timeline.events if e.detail.get("step") == "extend")
    assert extend.detail["outcome"] == "unknown"
    assert extend.kind == "extension"


async def test_an_export_of_a_review_from_before_signing_says_it_carries_no_signatures(tmp_path):
    history = load("review-completed.json")
    timeline = await timeline_of("review-completed.json")
    letters = [e.detail["id"] for e in timeline.events if e.kind == "letter"]
    export_bundle(tmp_path / "bundle", history, timeline, [], sorted(set(letters)))
    verdict = verify_export(tmp_path / "bundle")
    assert verdict.intact, verdict.problems
    assert verdict.signatures is not None and verdict.signatures.ok
    assert verdict.signatures.describe() == (
        "This history is from before commands were signed: it carries no signatures."
    )
    signatures = json.loads((tmp_path / "bundle" / "signatures.json").read_text())
    assert signatures["signing"] is False and signatures["keys_at_start"] == {}
    assert all(s["verdict"] == "unsigned" for s in signatures["steps"])


def test_an_update_answer_from_before_step_taken_reads_as_step_taken():
    """Workers of an older release answer a step with the whole review state; the front doors
    of this release read it as StepTaken (README: upgrade them before the workers)."""
    history = history_from_json((HISTORIES / "review-completed.json").read_text())
    answers = [
        event.workflow_execution_update_completed_event_attributes.outcome.success.payloads[0]
        for event in history.events
        if event.HasField("workflow_execution_update_completed_event_attributes")
        and event.workflow_execution_update_completed_event_attributes.outcome.HasField("success")
    ]
    assert answers
    converter = pydantic_data_converter.payload_converter
    taken = [converter.from_payload(answer, StepTaken) for answer in answers]
    assert taken[-1].stage.value == "completed" and taken[-1].member == "DEU"
    assert all(t.round >= 1 for t in taken)


@pytest.mark.parametrize("name", PATCHED)
def test_the_audit_finds_each_recorded_run_started_by_napreview(name):
    """Recorded under 'signed-start': the cycle by its signed start, each review as its child."""
    history = load(name)
    report = check_signatures(history.workflow_id, history.events)
    assert report.start == STARTED_BY_NAPREVIEW
