"""A review's timeline, read from Temporal's event history (DESIGN §8, §10.2 `audit`).

Raw history events say which activity ran and which signal arrived, not which person acted for
which member. The commands carry the acting person, the activities carry the letters' digests,
the CEDAW rating and the re-draw seeds, and the `project_review` inputs carry the stage: this
module turns them into one line per thing an auditor asks about. Refusals an update validator
made never reach history; the command line records them in the store, and they are merged in
here by time. A refused signal leaves only its arrival in history; its outcome comes from a
replay of the history (see `audit.replay`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from temporalio.api.common.v1 import Payloads
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter

from rules.digest import sha256_of
from schemas.cedaw import CedawSummary
from schemas.letters import LetterRef, LetterRequest
from schemas.review import (
    CycleInput,
    CyclePlan,
    RedrawOutcome,
    RedrawRequest,
    ReviewInput,
    ReviewProjection,
)
from workflows import contract

M = TypeVar("M", bound=BaseModel)

# Where the step came from: what the history or the store says about it.
ACCEPTED, REFUSED, PENDING, UNKNOWN = "accepted", "refused", "pending", "unknown"

# Store refusals further than this from a refused update in history are different attempts.
SAME_REFUSAL_WINDOW = timedelta(minutes=10)


class TimelineEvent(BaseModel):
    """One line of the timeline; `event_id` is null for what the store recorded."""

    event_id: int | None
    time: datetime
    kind: str
    stage: str | None
    actor: dict[str, str | None] | None
    detail: dict[str, Any]
    summary: str


class Timeline(BaseModel):
    """The §10.2 `audit` shape, with the workflow's type and status added."""

    workflow_id: str
    run_id: str
    workflow_type: str
    status: str
    events: list[TimelineEvent]
    sha256: str


class StoredRefusal(BaseModel):
    """A refusal the command line recorded in the store (a validator's refusal never reaches
    history). Built from `store.models.RefusalRow` with `from_attributes=True`."""

    at: datetime
    actor: str
    role: str | None = None
    step: str
    reason: str


@dataclass(frozen=True)
class SignalOutcome:
    """What the workflow made of one signal, as a replay of its history shows."""

    signal: str
    finished: bool
    refusals: tuple[str, ...] = ()


def timeline_digest(events: Sequence[TimelineEvent]) -> str:
    """SHA-256 of the canonical JSON of the events, as `sha256` in the §10.2 shape."""
    return sha256_of([e.model_dump(mode="json") for e in events])


def build_timeline(
    history: WorkflowHistory,
    refusals: Sequence[StoredRefusal] = (),
    signals: Sequence[SignalOutcome] | None = None,
    people: Mapping[str, str] | None = None,
) -> Timeline:
    """The timeline of one workflow run; `signals` from a replay tell refused signals apart.

    History names people by opaque person ids; ``people`` (person id → email, from the store)
    says who they are, so a corrected address shows everywhere at once.
    """
    reader = _Reader(signals, people or {})
    for event in history.events:
        reader.read(event)
    reader.finish()
    events = _merge(reader.events, list(refusals), people or {})
    return Timeline(
        workflow_id=history.workflow_id,
        run_id=history.run_id if history.events else "",
        workflow_type=reader.workflow_type,
        status=reader.status,
        events=events,
        sha256=timeline_digest(events),
    )


# --------------------------------------------------------------------------- reading history


_payloads = pydantic_data_converter.payload_converter
_durations = TypeAdapter(timedelta)


def _decode(payloads: Payloads) -> Any:
    """The first value of a payload list as plain JSON data (None when absent or unreadable)."""
    try:
        values = _payloads.from_payloads(list(payloads.payloads), None)
    except Exception:  # noqa: BLE001 - an unreadable payload is shown as absent, not fatal
        return None
    return values[0] if values else None


def _decode_one(payload: Any) -> Any:
    """One payload (a search attribute's value) as plain data, or None."""
    if payload is None:
        return None
    try:
        return _payloads.from_payloads([payload])[0]
    except Exception:  # noqa: BLE001 - an unreadable value says nothing
        return None


def _as(model: type[M], value: Any) -> M | None:
    """The value as a schema model, or None when an older or other shape does not fit."""
    if value is None:
        return None
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _time(event: HistoryEvent) -> datetime:
    return event.event_time.ToDatetime(tzinfo=UTC)


class _Reader:
    """Walks the history once, keeping the stage and what each pending activity was asked."""

    def __init__(self, signals: Sequence[SignalOutcome] | None, people: Mapping[str, str]) -> None:
        self.people = people
        self.events: list[TimelineEvent] = []
        self.workflow_type = ""
        self.status = "running"
        self.stage: str | None = None
        self.round = 1
        self.overdue = False
        self.scheduled: dict[int, tuple[str, Any]] = {}
        self.updates: dict[str, int] = {}
        self.reviewer_change_actor: dict[str, str | None] | None = None
        self.signals = list(signals) if signals is not None else None
        self.next_signal = 0
        self.unlabelled_timer: int | None = None
        self.next_round: int | None = None

    def add(
        self,
        event: HistoryEvent,
        kind: str,
        summary: str,
        detail: dict[str, Any] | None = None,
        actor: dict[str, str | None] | None = None,
    ) -> int:
        self.events.append(
            TimelineEvent(
                event_id=event.event_id,
                time=_time(event),
                kind=kind,
                stage=self.stage,
                actor=actor,
                detail=detail or {},
                summary=summary,
            )
        )
        return len(self.events) - 1

    def read(self, event: HistoryEvent) -> None:
        which = event.WhichOneof("attributes")
        if which is None:
            return
        handler = getattr(self, f"_on_{which.removesuffix('_event_attributes')}", None)
        if handler is not None:
            handler(event, getattr(event, which))

    def finish(self) -> None:
        """Steps whose handler has not finished when the history ends are still in progress."""
        for event in self.events:
            if event.detail.get("outcome") == PENDING:
                event.summary = event.summary.replace("— pending", "— still in progress")

    # --- the run itself ---

    def _on_workflow_execution_started(self, event: HistoryEvent, a: Any) -> None:
        self.workflow_type = a.workflow_type.name
        value = _decode(a.input)
        if self.workflow_type == contract.CYCLE_WORKFLOW:
            self._cycle_started(event, value)
            return
        inp = _as(ReviewInput, value)
        if inp is None:
            self.add(event, "started", f"Workflow {self.workflow_type} started", {"input": value})
            return
        detail = {
            "cycle": inp.cycle,
            "member": inp.member.code,
            "member_name": inp.member.name,
            "reviewers": inp.reviewers,
            "seed": inp.seed,
            "chair": inp.chair,
            "durations": {
                name: describe_duration(getattr(inp.durations, name))
                for name in ("self_assessment", "peer_review", "sign_off", "reminder")
            },
            "max_rounds": inp.max_rounds,
            "cycle_workflow_id": inp.cycle_workflow_id,
        }
        self.add(
            event,
            "started",
            f"Review of {inp.member.name} ({inp.member.code}) in cycle {inp.cycle} started; "
            f"reviewers {', '.join(inp.reviewers) or 'none'} drawn with seed {inp.seed}",
            detail,
        )

    def _cycle_started(self, event: HistoryEvent, value: Any) -> None:
        inp = _as(CycleInput, value)
        if inp is None:
            self.add(event, "started", "Cycle workflow started", {"input": value})
            return
        s = inp.settings
        members = f"{len(s.members)} members" if s.members is not None else "every member"
        detail = {
            "cycle": s.cycle,
            "members": s.members,
            "reviewers_per_member": s.reviewers_per_member,
            "seed": s.seed,
            "chair": s.chair,
            "max_rounds": s.max_rounds,
            "continued": inp.plan is not None,
        }
        actor = _actor(s.started_by.model_dump(mode="json"), self.people)
        if inp.plan is not None:
            detail.update(started=inp.started, finished=len(inp.finished))
            summary = (
                f"Cycle {s.cycle} continued in a new run: {inp.started} reviews started, "
                f"{len(inp.finished)} finished"
            )
        else:
            summary = (
                f"Cycle {s.cycle} started by {describe_actor(actor)}: {members}, "
                f"{s.reviewers_per_member} reviewers each, seed {s.seed}, chair {s.chair}"
            )
        self.add(event, "started", summary, detail, actor)

    def _on_workflow_execution_completed(self, event: HistoryEvent, a: Any) -> None:
        self.status = "completed"
        value = _decode(a.result)
        detail: dict[str, Any] = {}
        if isinstance(value, dict) and "outcome" in value:
            detail = {"outcome": value.get("outcome"), "rounds": value.get("rounds")}
            summary = f"Review ended: {value.get('outcome')} after {value.get('rounds')} round(s)"
        elif isinstance(value, dict) and "outcomes" in value:
            detail = {
                "outcomes": value.get("outcomes"),
                "total": value.get("total"),
                "cancelled": value.get("cancelled"),
            }
            outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(value["outcomes"].items()))
            summary = f"Cycle ended ({outcomes or 'no reviews'})"
        else:
            summary = "Workflow completed"
        self.add(event, "completed", summary, detail)

    def _on_workflow_execution_failed(self, event: HistoryEvent, a: Any) -> None:
        self.status = "failed"
        self.add(event, "failed", f"Workflow failed: {a.failure.message}")

    def _on_workflow_execution_terminated(self, event: HistoryEvent, a: Any) -> None:
        self.status = "terminated"
        self.add(
            event,
            "terminated",
            f"Workflow terminated by {a.identity or 'an operator'}: {a.reason or 'no reason'}",
            {"reason": a.reason, "identity": a.identity},
        )

    def _on_workflow_execution_canceled(self, event: HistoryEvent, a: Any) -> None:
        self.status = "cancelled"
        self.add(event, "cancelled", "Workflow cancelled")

    def _on_workflow_execution_timed_out(self, event: HistoryEvent, a: Any) -> None:
        self.status = "timed_out"
        self.add(event, "timed_out", "Workflow timed out")

    def _on_workflow_execution_continued_as_new(self, event: HistoryEvent, a: Any) -> None:
        self.status = "continued_as_new"
        self.add(
            event,
            "continued_as_new",
            f"Continued in a new run {a.new_execution_run_id}",
            {"new_run_id": a.new_execution_run_id},
        )

    def _on_workflow_task_failed(self, event: HistoryEvent, a: Any) -> None:
        self.add(
            event,
            "workflow_task_failed",
            f"The worker could not run a workflow task: {a.failure.message}",
            {"message": a.failure.message},
        )

    # --- people's steps ---

    def _on_workflow_execution_signaled(self, event: HistoryEvent, a: Any) -> None:
        value = _decode(a.input)
        name = a.signal_name
        if name == "review_finished" and isinstance(value, dict):
            self.add(
                event,
                "review_finished",
                f"Review of {value.get('member')} ended {value.get('outcome')}"
                + (f" (CEDAW {value['cedaw_rating']})" if value.get("cedaw_rating") else ""),
                dict(value),
            )
            return
        outcome, reason = self._signal_outcome(name)
        if not (isinstance(value, dict) and isinstance(value.get("actor"), dict)):
            self.add(event, "signal", f"Signal {name} received", {"signal": name, "input": value})
            return
        self._step(event, name, value, "signal", outcome, reason)

    def _signal_outcome(self, name: str) -> tuple[str, str | None]:
        if self.signals is None:
            return UNKNOWN, None
        if self.next_signal < len(self.signals) and self.signals[self.next_signal].signal == name:
            found = self.signals[self.next_signal]
            self.next_signal += 1
            if found.refusals:
                return REFUSED, found.refusals[0]
            return (ACCEPTED if found.finished else PENDING), None
        return UNKNOWN, None

    def _on_workflow_execution_update_accepted(self, event: HistoryEvent, a: Any) -> None:
        request = a.accepted_request
        value = _decode(request.input.args)
        name = request.input.name.removeprefix("do_")
        index = self._step(event, name, value if isinstance(value, dict) else {}, "update", PENDING)
        self.updates[request.meta.update_id or a.protocol_instance_id] = index

    def _on_workflow_execution_update_completed(self, event: HistoryEvent, a: Any) -> None:
        index = self.updates.get(a.meta.update_id)
        if index is None:
            return
        line = self.events[index]
        line.detail["completed_event_id"] = event.event_id
        if a.outcome.HasField("failure"):
            reason = a.outcome.failure.message
            line.kind = REFUSED
            line.detail.update(outcome=REFUSED, refusal=reason)
            line.summary = line.summary.replace("— pending", f"— refused: {reason}")
        else:
            line.detail["outcome"] = ACCEPTED
            line.summary = line.summary.replace("— pending", "— accepted")

    def _step(
        self,
        event: HistoryEvent,
        step: str,
        command: dict[str, Any],
        via: str,
        outcome: str,
        reason: str | None = None,
    ) -> int:
        actor = _actor(command.get("actor"), self.people)
        detail = {k: v for k, v in command.items() if k not in ("actor", "proof")}
        if command.get("proof"):
            detail["signed_with"] = command["proof"].get("key_id")
        detail.update(step=step, via=via, outcome=outcome)
        if reason is not None:
            detail["refusal"] = reason
        if step in ("replace_reviewer", "recuse", "reassign_reviewer"):
            self.reviewer_change_actor = actor
        if step == "sign_off" and command.get("decision") == "return_for_revision":
            self.next_round = self.round + 1
        what = describe_step(step, command)
        said = {
            ACCEPTED: "accepted",
            REFUSED: f"refused: {reason}",
            PENDING: "pending",
            UNKNOWN: "outcome not known (the history could not be replayed)",
        }[outcome]
        kind = REFUSED if outcome == REFUSED else _STEP_KINDS.get(step, "step")
        return self.add(event, kind, f"{what} by {describe_actor(actor)} — {said}", detail, actor)

    # --- activities ---

    def _on_activity_task_scheduled(self, event: HistoryEvent, a: Any) -> None:
        name = a.activity_type.name
        value = _decode(a.input)
        self.scheduled[event.event_id] = (name, value)
        if name == contract.PROJECT_REVIEW:
            self._projection(event, _as(ReviewProjection, value))

    def _projection(self, event: HistoryEvent, projection: ReviewProjection | None) -> None:
        if projection is not None:
            self._moved(event, projection.stage.value, projection.round, projection.overdue)

    def _on_upsert_workflow_search_attributes(self, event: HistoryEvent, a: Any) -> None:
        """The stage and overdue flag as the review published them (reviews since v2 write the
        store's projection only when they end)."""
        fields = a.search_attributes.indexed_fields
        stage = _decode_one(fields.get(contract.NAP_STAGE.name))
        overdue = _decode_one(fields.get(contract.NAP_OVERDUE.name))
        if not isinstance(stage, str):
            return
        round_ = self.round
        if stage == "self_assessment" and self.next_round:
            round_, self.next_round = self.next_round, None
        self._moved(event, stage, round_, bool(overdue))

    def _moved(self, event: HistoryEvent, stage: str, round_: int, overdue: bool) -> None:
        if stage != self.stage or round_ != self.round:
            self.stage, self.round = stage, round_
            self.add(
                event,
                "stage",
                f"Stage: {STAGE_NAMES.get(stage, stage)} (round {round_})",
                {"stage": stage, "round": round_},
            )
        if overdue != self.overdue:
            self.overdue = overdue
            if overdue:
                self.add(event, "overdue", "Flagged overdue", {"overdue": True})
            else:
                self.add(event, "overdue_cleared", "No longer overdue", {"overdue": False})

    def _on_activity_task_completed(self, event: HistoryEvent, a: Any) -> None:
        name, request = self.scheduled.get(a.scheduled_event_id, ("", None))
        result = _decode(a.result)
        if name == contract.SEND_LETTER:
            self._letter(event, _as(LetterRequest, request), _as(LetterRef, result))
        elif name == contract.RUN_CEDAW_CHECK:
            self._cedaw(event, _as(CedawSummary, result))
        elif name == contract.REDRAW_REVIEWER:
            self._redraw(event, _as(RedrawRequest, request), _as(RedrawOutcome, result))
        elif name == contract.PREPARE_CYCLE:
            self._draw(event, _as(CyclePlan, result))
        elif name == contract.WITHDRAW_REVIEWS:
            self.add(
                event,
                "withdrawals_sent",
                f"Withdrawal sent to {result} open review(s)",
                {"reviews": result},
            )

    def _on_activity_task_failed(self, event: HistoryEvent, a: Any) -> None:
        name, _request = self.scheduled.get(a.scheduled_event_id, ("", None))
        self.add(
            event,
            "activity_failed",
            f"{name} did not succeed: {a.failure.message}",
            {"activity": name, "message": a.failure.message},
        )

    def _letter(
        self, event: HistoryEvent, request: LetterRequest | None, ref: LetterRef | None
    ) -> None:
        if ref is None:
            return
        detail: dict[str, Any] = {
            "id": ref.id,
            "kind": ref.kind.value,
            "recipient": ref.recipient,
            "sha256": ref.sha256,
        }
        deadline = ""
        if request is not None:
            detail.update(
                round=request.round,
                recipient_member=request.recipient_member or request.member,
                addressee=request.addressee.value,
                deadline=request.deadline,
            )
            if request.deadline:
                deadline = f", deadline {request.deadline}"
        self.add(
            event,
            "letter",
            f"{_LETTER_NAMES.get(ref.kind.value, ref.kind.value)} letter stored for "
            f"{_addressee(ref.recipient)}{deadline} (SHA-256 {ref.sha256[:12]}…)",
            detail,
        )
        if self.unlabelled_timer is not None and ref.kind.value in ("reminder", "overdue"):
            timer = self.events[self.unlabelled_timer]
            timer.detail["notice"] = ref.kind.value
            timer.summary = (
                "Reminder due: timer fired"
                if ref.kind.value == "reminder"
                else "Deadline passed: timer fired"
            )
            self.unlabelled_timer = None

    def _cedaw(self, event: HistoryEvent, summary: CedawSummary | None) -> None:
        if summary is None:
            return
        self.add(
            event,
            "cedaw",
            f"CEDAW linkage check: {summary.rating.value} ({summary.gaps} gap(s), "
            f"{summary.findings} finding(s))",
            summary.model_dump(mode="json"),
        )

    def _redraw(
        self, event: HistoryEvent, request: RedrawRequest | None, outcome: RedrawOutcome | None
    ) -> None:
        if request is None or outcome is None:
            return
        relaxed = f"; rules relaxed: {', '.join(outcome.relaxed)}" if outcome.relaxed else ""
        why = _LEAVING.get(request.why, request.why)
        self.add(
            event,
            "redraw",
            f"Reviewer {request.leaving} {why}; {outcome.chosen} drawn in its place with seed "
            f"{request.seed}{relaxed}",
            {
                "why": request.why,
                "previous": request.leaving,
                "chosen": outcome.chosen,
                "seed": request.seed,
                "relaxed": outcome.relaxed,
            },
            self.reviewer_change_actor,
        )

    def _draw(self, event: HistoryEvent, plan: CyclePlan | None) -> None:
        if plan is None:
            return
        self.add(
            event,
            "draw",
            f"Review troika drawn for {len(plan.members)} members with seed {plan.seed} "
            f"(draw SHA-256 {plan.draw_sha256[:12]}…, {plan.relaxations} rule relaxation(s))",
            plan.model_dump(mode="json"),
        )

    # --- timers and children ---

    def _on_timer_started(self, event: HistoryEvent, a: Any) -> None:
        fires = _time(event) + a.start_to_fire_timeout.ToTimedelta()
        self.add(
            event,
            "timer_set",
            f"Timer set for {fires:%Y-%m-%d %H:%M} UTC (next reminder or deadline)",
            {"timer_id": a.timer_id, "fires_at": fires.isoformat()},
        )

    def _on_timer_fired(self, event: HistoryEvent, a: Any) -> None:
        self.unlabelled_timer = self.add(
            event, "timer_fired", "Timer fired", {"timer_id": a.timer_id}
        )

    def _on_start_child_workflow_execution_initiated(self, event: HistoryEvent, a: Any) -> None:
        inp = _as(ReviewInput, _decode(a.input))
        if inp is None:
            self.add(event, "review_started", f"Child workflow {a.workflow_id} started")
            return
        self.add(
            event,
            "review_started",
            f"Review of {inp.member.code} started: reviewers {', '.join(inp.reviewers)} "
            f"(seed {inp.seed})",
            {
                "workflow_id": a.workflow_id,
                "member": inp.member.code,
                "reviewers": inp.reviewers,
                "seed": inp.seed,
            },
        )

    def _on_start_child_workflow_execution_failed(self, event: HistoryEvent, a: Any) -> None:
        self.add(
            event,
            "review_start_failed",
            f"Review {a.workflow_id} could not start ({a.cause})",
            {"workflow_id": a.workflow_id},
        )


_STEP_KINDS = {
    "sign_off": "decision",
    "extend": "extension",
    "withdraw": "withdrawal",
    "cancel": "cancellation",
    "cancel_cycle": "cancellation",
}

STAGE_NAMES = {
    "self_assessment": "self-assessment",
    "peer_review": "peer review",
    "cedaw_check": "CEDAW check",
    "sign_off": "sign-off",
    "completed": "completed",
    "withdrawn": "withdrawn",
}

_LEAVING = {
    "replaced": "substituted at the reviewed member's request",
    "recused": "recused itself",
    "reassigned": "reassigned by the secretariat",
}

_LETTER_NAMES = {
    "invitation": "Invitation",
    "reminder": "Reminder",
    "overdue": "Overdue notice",
    "review_request": "Review request",
    "reviewer_change": "Reviewer change notice",
    "returned": "Returned-for-revision",
    "final_feedback": "Final feedback",
    "withdrawal": "Withdrawal",
    "cycle_summary": "Cycle summary",
}


# --------------------------------------------------------------------------- words


def _actor(value: Any, people: Mapping[str, str]) -> dict[str, str | None] | None:
    """Who acted: the person id history carries, resolved to an email through the store
    (older histories carry the email itself)."""
    if not isinstance(value, dict):
        return None
    person = value.get("person_id") or None
    email = value.get("email") or (people.get(person) if person else None)
    if not (person or email):
        return None
    return {
        "person_id": person,
        "email": email,
        "role": value.get("role"),
        "member": value.get("member"),
    }


def describe_actor(actor: dict[str, str | None] | None) -> str:
    """'fp.deu@example.org (focal point of DEU)'."""
    if actor is None:
        return "someone not named"
    role = (actor.get("role") or "role not recorded").replace("_", " ")
    member = f" of {actor['member']}" if actor.get("member") else ""
    who = actor.get("email") or f"person {actor.get('person_id')} (no longer in the records)"
    return f"{who} ({role}{member})"


def _addressee(recipient: str) -> str:
    """Who a letter is for: history names a member's focal point by code (older histories
    hold the address itself); the letter in the store has the person's name and address."""
    if not recipient:
        return "nobody on record"
    if "@" in recipient:
        return recipient
    if recipient == "secretariat":
        return "the secretariat"
    return f"the focal point of {recipient}"


def describe_duration(value: timedelta) -> str:
    """'14d', '2h', '90s' as people write them on the command line."""
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _duration_text(value: Any) -> str:
    try:
        return describe_duration(_durations.validate_python(value))
    except ValidationError:
        return str(value)


def describe_step(step: str, command: dict[str, Any]) -> str:
    """What a step did, in words: 'Self-assessment submitted', 'Sign-off: approve'."""
    reason = f" ({command['reason']})" if command.get("reason") else ""
    if step == "submit_self_assessment":
        return "Self-assessment submitted"
    if step == "submit_peer_review":
        return "Peer review submitted"
    if step == "respond_to_recommendations":
        count = len(command.get("responses") or {})
        return f"Responses to {count} peer recommendation(s)" if count else "Responses"
    if step == "replace_reviewer":
        return f"Substitution of reviewer {command.get('reviewer', '')}".rstrip() + " requested"
    if step == "recuse":
        return "Recusal as reviewer"
    if step == "reassign_reviewer":
        return f"Reassignment of reviewer {command.get('reviewer', '')}".rstrip()
    if step == "sign_off":
        decision = command.get("decision")
        said = f"Sign-off: {decision.replace('_', ' ')}" if decision else "Sign-off"
        comments = str(command.get("comments") or "")
        if comments:
            said += f" (“{comments[:80]}{'…' if len(comments) > 80 else ''}”)"
        return said
    if step == "extend":
        by = f" by {_duration_text(command['by'])}" if command.get("by") else ""
        return f"Deadline extension{by}{reason}"
    if step == "withdraw":
        return f"Withdrawal{reason}"
    if step in ("cancel", "cancel_cycle"):
        return f"Cancellation of the cycle{reason}"
    if step == "start_cycle":
        return "Start of the cycle"
    return step.replace("_", " ").capitalize()


# --------------------------------------------------------------------------- store refusals


def _merge(
    events: list[TimelineEvent], refusals: list[StoredRefusal], people: Mapping[str, str]
) -> list[TimelineEvent]:
    """Insert the store's refusals by time, leaving out those history already shows."""
    pending = sorted((r for r in refusals if not _shown_in_history(r, events)), key=lambda r: r.at)
    merged: list[TimelineEvent] = []
    stage: str | None = None
    for event in events:
        while pending and _aware(pending[0].at) < event.time:
            merged.append(_refusal_event(pending.pop(0), stage, people))
        merged.append(event)
        stage = event.stage
    merged.extend(_refusal_event(r, stage, people) for r in pending)
    return merged


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _shown_in_history(refusal: StoredRefusal, events: list[TimelineEvent]) -> bool:
    """A refusal inside an update handler is in history and in the store: show it once."""
    for event in events:
        if (
            event.kind == REFUSED
            and event.detail.get("via") == "update"
            and not event.detail.get("also_in_store")
            and event.detail.get("step") == refusal.step
            and event.actor
            and refusal.actor in (event.actor.get("email"), event.actor.get("person_id"))
            and event.detail.get("refusal") == refusal.reason
            and abs(_aware(refusal.at) - event.time) <= SAME_REFUSAL_WINDOW
        ):
            event.detail["also_in_store"] = True
            return True
    return False


def _refusal_event(
    refusal: StoredRefusal, stage: str | None, people: Mapping[str, str]
) -> TimelineEvent:
    person = refusal.actor if refusal.actor.startswith("p-") else None
    email = people.get(refusal.actor) if person else refusal.actor
    actor = {"person_id": person, "email": email, "role": refusal.role, "member": None}
    return TimelineEvent(
        event_id=None,
        time=_aware(refusal.at),
        kind=REFUSED,
        stage=stage,
        actor=actor,
        detail={
            "step": refusal.step,
            "via": "command",
            "outcome": REFUSED,
            "refusal": refusal.reason,
            "recorded_in": "store",
        },
        summary=(
            f"{describe_step(refusal.step, {})} by {describe_actor(actor)} — refused: "
            f"{refusal.reason}"
        ),
    )
