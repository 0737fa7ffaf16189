"""Reads one run's event history into timeline events (their words come later, audit/words.py).

Raw history events say which activity ran and which signal arrived, not which person acted for
which member. The commands carry the acting person, the activities carry the letters' digests,
the CEDAW rating and the re-draw seeds, and the stage comes from the search attributes the
review publishes: this module turns them into one event per thing an auditor asks about, with
everything its sentence needs in `detail`, so the sentence can be written in any language.

A refused signal leaves only its arrival in history; what the workflow made of it comes from a
replay (`SignalOutcome`s, in history order per signal name). Where there is none, the event says
why its outcome is not known.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from temporalio.api.history.v1 import HistoryEvent

from napreview.audit.model import (
    ACCEPTED,
    IGNORED,
    PENDING,
    REFUSED,
    UNKNOWN,
    SignalOutcome,
    TimelineEvent,
)
from napreview.audit.payloads import decode_first, decode_one
from napreview.audit.signatures import HOLDS, StepSignature
from napreview.audit.words import describe_duration
from napreview.schemas.cedaw import CedawSummary
from napreview.schemas.follow_up import DrawnItems, FollowUpInput, FollowUpTaken
from napreview.schemas.letters import LetterRef, LetterRequest
from napreview.schemas.refusals import Reason
from napreview.schemas.review import (
    CycleInput,
    CyclePlan,
    RedrawOutcome,
    RedrawRequest,
    ReviewFinished,
    ReviewInput,
    ReviewProjection,
)
from napreview.workflows import contract

M = TypeVar("M", bound=BaseModel)

# Why an outcome is not known (detail "unknown_because"; audit/words.py says it in words).
NO_REPLAY = "no_replay"
REPLAY_FAILED = "replay_failed"
# Why a signal was ignored (detail "ignored_because").
NO_HANDLER = "no_handler"

_STEP_KINDS = {
    "sign_off": "decision",
    "extend": "extension",
    "withdraw": "withdrawal",
    "cancel": "cancellation",
    "cancel_cycle": "cancellation",
}
# The letter that labels the timer before it: a review's notices, and a follow-up's about its
# progress report.
_NOTICES = {
    "reminder": "reminder",
    "overdue": "overdue",
    "report_reminder": "reminder",
    "report_overdue": "overdue",
}
# "p-1a2b (focal point of DEU)", as a workflow names the sender of a refused signal.
_SENDER = re.compile(r"^(?P<who>\S+)(?: \((?P<role>[a-z ]+?)(?: of (?P<member>\S+))?\))?$")


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


def actor_of(value: Any) -> dict[str, str | None] | None:
    """Who a command names: the person id (older histories: the email), role and member."""
    if not isinstance(value, dict):
        return None
    person = value.get("person_id") or None
    email = value.get("email") or None
    if not (person or email):
        return None
    return {
        "person_id": person,
        "email": email,
        "role": value.get("role"),
        "member": value.get("member"),
    }


def sender_actor(sender: str | None) -> dict[str, str | None] | None:
    """The sender a workflow recorded for a refusal, as an actor (None for "unknown sender")."""
    found = _SENDER.match(sender or "")
    if not found or found["who"] == "unknown":
        return None
    who = found["who"]
    role = found["role"].replace(" ", "_") if found["role"] else None
    return {
        "person_id": who if who.startswith("p-") else None,
        "email": who if "@" in who else None,
        "role": role,
        "member": found["member"],
    }


def _reason(value: Any) -> dict[str, Any] | None:
    """A refusal's code and parameters, as reviews since schemas/refusals.Reason send them with
    the English (None for older refusals, which have the English alone)."""
    try:
        return Reason.model_validate(value).model_dump(mode="json") if value else None
    except ValidationError:
        return None


class HistoryReader:
    """Walks the history once, keeping the stage and what each pending activity was asked."""

    def __init__(
        self,
        signals: Sequence[SignalOutcome] | None,
        unknown_because: str,
        signatures: Mapping[int, StepSignature],
        last_task_event: int,
    ) -> None:
        self.events: list[TimelineEvent] = []
        self.workflow_type = ""
        self.status = "running"
        self.stage: str | None = None
        self.round = 1
        self.overdue = False
        self.scheduled: dict[int, tuple[str, Any]] = {}
        self.updates: dict[str, int] = {}
        self.reviewer_change_actor: dict[str, str | None] | None = None
        self.outcomes: dict[str, deque[SignalOutcome]] | None = None
        if signals is not None:
            self.outcomes = {}
            for outcome in signals:
                self.outcomes.setdefault(outcome.signal, deque()).append(outcome)
        self.unknown_because = unknown_because
        self.signatures = signatures
        self.last_task_event = last_task_event
        self.unlabelled_timer: int | None = None
        self.next_round: int | None = None

    def add(
        self,
        event: HistoryEvent,
        kind: str,
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
                summary="",
            )
        )
        return len(self.events) - 1

    @property
    def _follow_up(self) -> bool:
        return self.workflow_type == contract.FOLLOW_UP_WORKFLOW

    def read(self, event: HistoryEvent) -> None:
        which = event.WhichOneof("attributes")
        if which is None:
            return
        handler = getattr(self, f"_on_{which.removesuffix('_event_attributes')}", None)
        if handler is not None:
            handler(event, getattr(event, which))

    # --- the run itself ---

    def _on_workflow_execution_started(self, event: HistoryEvent, a: Any) -> None:
        self.workflow_type = a.workflow_type.name
        value = decode_first(a.input)
        if self.workflow_type == contract.CYCLE_WORKFLOW:
            self._cycle_started(event, value)
            return
        if self._follow_up:
            self._follow_up_started(event, value)
            return
        inp = _as(ReviewInput, value)
        if inp is None:
            self.add(event, "started", {"workflow_type": self.workflow_type, "input": value})
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
            "trusted_keys": sorted(inp.trusted_keys),
        }
        self.add(event, "started", detail)

    def _cycle_started(self, event: HistoryEvent, value: Any) -> None:
        inp = _as(CycleInput, value)
        if inp is None:
            self.add(event, "started", {"workflow_type": self.workflow_type, "input": value})
            return
        s = inp.settings
        detail: dict[str, Any] = {
            "cycle": s.cycle,
            "members": s.members,
            "reviewers_per_member": s.reviewers_per_member,
            "seed": s.seed,
            "chair": s.chair,
            "max_rounds": s.max_rounds,
            "continued": inp.plan is not None,
        }
        if inp.plan is not None:
            detail.update(started=inp.started, finished=len(inp.finished))
        self.add(event, "started", detail, actor_of(s.started_by.model_dump(mode="json")))

    def _follow_up_started(self, event: HistoryEvent, value: Any) -> None:
        inp = _as(FollowUpInput, value)
        if inp is None:
            self.add(event, "started", {"workflow_type": self.workflow_type, "input": value})
            return
        detail = {
            "follow_up": True,
            "cycle": inp.cycle,
            "member": inp.member,
            "chair": inp.chair,
            "review_approved_at": inp.started_at.isoformat() if inp.started_at else None,
            "supported": inp.sources.supported,
            "continued": inp.carried is not None,
            "trusted_keys": sorted(inp.trusted_keys),
        }
        self.add(event, "started", detail)

    def _on_workflow_execution_completed(self, event: HistoryEvent, a: Any) -> None:
        self.status = "completed"
        value = decode_first(a.result)
        detail: dict[str, Any] = {}
        taken = _as(FollowUpTaken, value) if self._follow_up else None
        if taken is not None:
            detail = {"follow_up_closed": taken.closed, "reports": taken.period - 1}
        elif isinstance(value, dict) and "outcome" in value:
            detail = {"outcome": value.get("outcome"), "rounds": value.get("rounds")}
        elif isinstance(value, dict) and "outcomes" in value:
            detail = {
                "outcomes": value.get("outcomes"),
                "total": value.get("total"),
                "cancelled": value.get("cancelled"),
            }
        self.add(event, "completed", detail)

    def _on_workflow_execution_failed(self, event: HistoryEvent, a: Any) -> None:
        self.status = "failed"
        self.add(event, "failed", {"message": a.failure.message})

    def _on_workflow_execution_terminated(self, event: HistoryEvent, a: Any) -> None:
        self.status = "terminated"
        self.add(event, "terminated", {"reason": a.reason, "identity": a.identity})

    def _on_workflow_execution_canceled(self, event: HistoryEvent, a: Any) -> None:
        self.status = "cancelled"
        self.add(event, "cancelled")

    def _on_workflow_execution_timed_out(self, event: HistoryEvent, a: Any) -> None:
        self.status = "timed_out"
        self.add(event, "timed_out")

    def _on_workflow_execution_continued_as_new(self, event: HistoryEvent, a: Any) -> None:
        self.status = "continued_as_new"
        self.add(event, "continued_as_new", {"new_run_id": a.new_execution_run_id})

    def _on_workflow_task_failed(self, event: HistoryEvent, a: Any) -> None:
        self.add(event, "workflow_task_failed", {"message": a.failure.message})

    # --- people's steps ---

    def _on_workflow_execution_signaled(self, event: HistoryEvent, a: Any) -> None:
        value = decode_first(a.input)
        name = a.signal_name
        if name == "review_finished":
            self._review_finished(event, value)
            return
        outcome, reason, sender = self._signal_outcome(event, name)
        command = value if isinstance(value, dict) else {}
        actor = actor_of(command.get("actor")) or sender_actor(sender)
        extra: dict[str, Any] = {}
        if value is None:
            extra["readable"] = False
        elif not isinstance(command.get("actor"), dict):
            extra["input"] = value
        self._step(event, name, command, "signal", outcome, reason, actor, extra)

    def _review_finished(self, event: HistoryEvent, value: Any) -> None:
        """A review telling its cycle it ended. One the cycle's handler cannot decode is dropped
        by the SDK before any handler runs: it takes no outcome from the replay."""
        if _as(ReviewFinished, value) is None:
            detail = {"signal": "review_finished", "readable": False, "outcome": IGNORED}
            self.add(event, "review_finished", detail | {"ignored_because": NO_HANDLER})
            return
        self._signal_outcome(event, "review_finished")  # keep the per-name order
        self.add(event, "review_finished", dict(value))

    def _signal_outcome(self, event: HistoryEvent, name: str) -> tuple[str, str | None, str | None]:
        """(outcome, refusal or why unknown, sender the workflow recorded) for the next signal
        of this name in history."""
        if self.outcomes is None:
            return UNKNOWN, self.unknown_because, None
        queue = self.outcomes.get(name)
        if not queue:
            if event.event_id > self.last_task_event:
                return PENDING, None, None  # arrived after the workflow's last task
            # Replayed in full, and no handler ran for it: the workflow has none.
            return IGNORED, NO_HANDLER, None
        found = queue.popleft()
        if found.refusals:
            return REFUSED, found.refusals[0], found.senders[0] if found.senders else None
        return (ACCEPTED if found.finished else PENDING), None, None

    def _on_workflow_execution_update_accepted(self, event: HistoryEvent, a: Any) -> None:
        request = a.accepted_request
        value = decode_first(request.input.args)
        name = request.input.name.removeprefix("do_")
        command = value if isinstance(value, dict) else {}
        index = self._step(event, name, command, "update", PENDING)
        self.updates[request.meta.update_id or a.protocol_instance_id] = index

    def _on_workflow_execution_update_completed(self, event: HistoryEvent, a: Any) -> None:
        index = self.updates.get(a.meta.update_id)
        if index is None:
            return
        line = self.events[index]
        line.detail["completed_event_id"] = event.event_id
        if a.outcome.HasField("failure"):
            failure = a.outcome.failure
            line.kind = REFUSED
            line.detail.update(outcome=REFUSED, refusal=failure.message)
            reason = _reason(decode_first(failure.application_failure_info.details))
            if reason is not None:
                line.detail["reason"] = reason
        else:
            line.detail["outcome"] = ACCEPTED

    def _step(
        self,
        event: HistoryEvent,
        step: str,
        command: dict[str, Any],
        via: str,
        outcome: str,
        reason: str | None = None,
        actor: dict[str, str | None] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> int:
        actor = actor or actor_of(command.get("actor"))
        detail = {k: v for k, v in command.items() if k not in ("actor", "proof")}
        if isinstance(command.get("proof"), dict):
            detail["signed_with"] = command["proof"].get("key_id")
        detail.update(extra or {})
        detail.update(step=step, via=via, outcome=outcome)
        if outcome == REFUSED and reason is not None:
            detail["refusal"] = reason
        elif outcome == UNKNOWN and reason is not None:
            detail["unknown_because"] = reason
        elif outcome == IGNORED and reason is not None:
            detail["ignored_because"] = reason
        signature = self.signatures.get(event.event_id)
        if signature is not None:
            detail["signature"] = signature.verdict
            if signature.verdict != HOLDS and signature.reason:
                detail["signature_problem"] = signature.reason
        if step in ("replace_reviewer", "recuse", "reassign_reviewer"):
            self.reviewer_change_actor = actor
        if step == "sign_off" and command.get("decision") == "return_for_revision":
            self.next_round = self.round + 1
        kind = REFUSED if outcome in (REFUSED, IGNORED) else _STEP_KINDS.get(step, "step")
        return self.add(event, kind, detail, actor)

    # --- activities ---

    def _on_activity_task_scheduled(self, event: HistoryEvent, a: Any) -> None:
        name = a.activity_type.name
        value = decode_first(a.input)
        self.scheduled[event.event_id] = (name, value)
        if name == contract.PROJECT_REVIEW:
            projection = _as(ReviewProjection, value)
            if projection is not None:
                self._moved(event, projection.stage.value, projection.round, projection.overdue)

    def _on_upsert_workflow_search_attributes(self, event: HistoryEvent, a: Any) -> None:
        """The stage and overdue flag as the review published them (reviews since v2 write the
        store's projection as a local activity, which leaves only a marker)."""
        fields = a.search_attributes.indexed_fields
        stage = decode_one(fields.get(contract.NAP_STAGE.name))
        overdue = decode_one(fields.get(contract.NAP_OVERDUE.name))
        if not isinstance(stage, str):
            return
        round_ = self.round
        if stage == "self_assessment" and self.next_round:
            round_, self.next_round = self.next_round, None
        self._moved(event, stage, round_, bool(overdue))

    def _moved(self, event: HistoryEvent, stage: str, round_: int, overdue: bool) -> None:
        if stage != self.stage or round_ != self.round:
            self.stage, self.round = stage, round_
            # A follow-up has progress reports, not rounds.
            detail = {"stage": stage} if self._follow_up else {"stage": stage, "round": round_}
            self.add(event, "stage", detail)
        if overdue != self.overdue:
            self.overdue = overdue
            if overdue:
                self.add(event, "overdue", {"overdue": True})
            else:
                self.add(event, "overdue_cleared", {"overdue": False})

    def _on_activity_task_completed(self, event: HistoryEvent, a: Any) -> None:
        name, request = self.scheduled.get(a.scheduled_event_id, ("", None))
        result = decode_first(a.result)
        if name == contract.SEND_LETTER:
            self._letter(event, _as(LetterRequest, request), _as(LetterRef, result))
        elif name == contract.RUN_CEDAW_CHECK:
            summary = _as(CedawSummary, result)
            if summary is not None:
                self.add(event, "cedaw", summary.model_dump(mode="json"))
        elif name == contract.REDRAW_REVIEWER:
            self._redraw(event, _as(RedrawRequest, request), _as(RedrawOutcome, result))
        elif name == contract.PREPARE_CYCLE:
            plan = _as(CyclePlan, result)
            if plan is not None:
                self.add(event, "draw", plan.model_dump(mode="json"))
        elif name == contract.WITHDRAW_REVIEWS:
            self.add(event, "withdrawals_sent", {"reviews": result})
        elif name == contract.DRAW_FOLLOW_UP:
            drawn = _as(DrawnItems, result)
            if drawn is not None:
                self._items_drawn(event, drawn)

    def _on_activity_task_failed(self, event: HistoryEvent, a: Any) -> None:
        name, _request = self.scheduled.get(a.scheduled_event_id, ("", None))
        self.add(event, "activity_failed", {"activity": name, "message": a.failure.message})

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
        if request is not None:
            detail.update(
                round=request.round,
                recipient_member=request.recipient_member or request.member,
                addressee=request.addressee.value,
                deadline=request.deadline,
            )
        self.add(event, "letter", detail)
        notice = _NOTICES.get(ref.kind.value)
        if self.unlabelled_timer is not None and notice is not None:
            self.events[self.unlabelled_timer].detail["notice"] = notice
            self.unlabelled_timer = None

    def _items_drawn(self, event: HistoryEvent, drawn: DrawnItems) -> None:
        """The items a follow-up follows, by where they come from, and how often the member
        reports on them."""
        sources: dict[str, int] = {}
        for seed in drawn.seeds:
            sources[seed.source.value] = sources.get(seed.source.value, 0) + 1
        detail = {
            "items": [seed.key for seed in drawn.seeds],
            "sources": sources,
            "interval_seconds": int(drawn.terms.interval.total_seconds()),
            "reminder_seconds": int(drawn.terms.reminder.total_seconds()),
        }
        self.add(event, "items_drawn", detail)

    def _redraw(
        self, event: HistoryEvent, request: RedrawRequest | None, outcome: RedrawOutcome | None
    ) -> None:
        if request is None or outcome is None:
            return
        detail = {
            "why": request.why,
            "previous": request.leaving,
            "chosen": outcome.chosen,
            "seed": request.seed,
            "relaxed": outcome.relaxed,
        }
        self.add(event, "redraw", detail, self.reviewer_change_actor)

    # --- timers and children ---

    def _on_timer_started(self, event: HistoryEvent, a: Any) -> None:
        fires = _time(event) + a.start_to_fire_timeout.ToTimedelta()
        self.add(event, "timer_set", {"timer_id": a.timer_id, "fires_at": fires.isoformat()})

    def _on_timer_fired(self, event: HistoryEvent, a: Any) -> None:
        self.unlabelled_timer = self.add(event, "timer_fired", {"timer_id": a.timer_id})

    def _on_start_child_workflow_execution_initiated(self, event: HistoryEvent, a: Any) -> None:
        if a.workflow_type.name == contract.FOLLOW_UP_WORKFLOW:
            self.add(event, "follow_up_started", {"workflow_id": a.workflow_id})
            return
        inp = _as(ReviewInput, decode_first(a.input))
        if inp is None:
            self.add(event, "review_started", {"workflow_id": a.workflow_id})
            return
        detail = {
            "workflow_id": a.workflow_id,
            "member": inp.member.code,
            "reviewers": inp.reviewers,
            "seed": inp.seed,
        }
        self.add(event, "review_started", detail)

    def _on_start_child_workflow_execution_failed(self, event: HistoryEvent, a: Any) -> None:
        self.add(event, "review_start_failed", {"workflow_id": a.workflow_id, "cause": a.cause})
