"""Every signed step of a history checked again, offline (issue #11 item 3).

A review trusts a step only when the front end's Ed25519 signature over it holds for a key the
review trusts at that moment (schemas/proof.py). Everything needed to check that again is in the
history itself: the public keys the workflow was started with (its input), each key rotation
(`trust_key` / `distrust_key` updates), and each command with its proof. So an auditor re-checks
every signature from an export, with no database and no Temporal, using the very function the
workflow used.

The start is checked too (workflows/start.py): a run is napreview's when the server says an
earlier run continued it, or its cycle started it, or its input carries a front end's signature
made when it started, with a key the workers vouched for (their answer is in history, the
``front_end_keys`` local activity's result). A run that the workflow itself ended as not started
by napreview, or whose start does not check out, fails the audit. A run from before starts were
checked (no ``signed-start`` patch in its history) is said to be so.

What is checked for a step is the signature and the key; not the freshness window, which the
workflow measured against its own clock when the step arrived (a step too old was refused, and
the timeline says so). A signed message seen twice is a replay: the second is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from pydantic import BaseModel, ValidationError
from temporalio.api.history.v1 import HistoryEvent

from napreview.audit.payloads import decode_first
from napreview.schemas.follow_up import FollowUpInput
from napreview.schemas.proof import Proof, verify
from napreview.schemas.review import (
    CycleCancel,
    CycleInput,
    DistrustKey,
    ReviewInput,
    TrustKey,
)
from napreview.workflows import contract
from napreview.workflows.follow_up_rules import STEPS as FOLLOW_UP_STEPS
from napreview.workflows.review_steps import STEPS

# Verdicts, as the export and the timeline write them.
HOLDS = "holds"
UNSIGNED = "unsigned"
FAILS = "fails"
REPLAYED = "replayed"
UNREADABLE = "unreadable"

# Starts, as the verdict says them.
STARTED_BY_NAPREVIEW = "napreview started this run"
BEFORE_START_CHECKS = "its start was not checked (a run from before starts were checked)"
SIGNED_START_PATCH = "signed-start"  # workflows/start.py SIGNED_START (the sandbox's module)

# Commands by step name, for every workflow: the review, the cycle, the follow-up.
MODELS: dict[str, type[BaseModel]] = {
    name: step.command for name, step in (STEPS | FOLLOW_UP_STEPS).items()
}
MODELS["cancel_cycle"] = CycleCancel


@dataclass(frozen=True)
class StepSignature:
    """What one step's proof says, re-checked."""

    event_id: int
    step: str
    via: str
    person_id: str | None
    key_id: str | None
    verdict: str
    reason: str | None = None
    update_id: str | None = None

    @property
    def signed(self) -> bool:
        return self.key_id is not None


@dataclass
class SignatureReport:
    """The signatures of one workflow run, in history order."""

    workflow_id: str
    keys_at_start: dict[str, str] = field(default_factory=dict)
    key_changes: list[dict[str, Any]] = field(default_factory=list)
    steps: list[StepSignature] = field(default_factory=list)
    # How the run was started: STARTED_BY_NAPREVIEW, BEFORE_START_CHECKS, or why it was not.
    start: str = BEFORE_START_CHECKS

    @property
    def started_by_napreview(self) -> bool:
        return self.start in (STARTED_BY_NAPREVIEW, BEFORE_START_CHECKS)

    @property
    def signing(self) -> bool:
        """False for a run started before commands were signed: nothing to check."""
        return bool(self.keys_at_start) or any(s.signed for s in self.steps)

    @property
    def signed(self) -> list[StepSignature]:
        return [s for s in self.steps if s.signed]

    def by_event(self) -> dict[int, StepSignature]:
        return {s.event_id: s for s in self.steps}

    def as_json(self) -> dict[str, Any]:
        return {
            "workflow_id": self.workflow_id,
            "signing": self.signing,
            "start": self.start,
            "started_by_napreview": self.started_by_napreview,
            "keys_at_start": self.keys_at_start,
            "key_changes": self.key_changes,
            "steps": [
                {
                    "event_id": s.event_id,
                    "step": s.step,
                    "via": s.via,
                    "person_id": s.person_id,
                    "key_id": s.key_id,
                    "verdict": s.verdict,
                    "reason": s.reason,
                }
                for s in self.steps
            ],
        }


def step_of_update(name: str) -> str:
    """The step an update carries: `do_sign_off` → `sign_off`; the cycle's `cancel` →
    `cancel_cycle`."""
    return "cancel_cycle" if name == "cancel" else name.removeprefix("do_")


def check_signatures(workflow_id: str, events: Iterable[HistoryEvent]) -> SignatureReport:
    """Walk one run's history and re-check every signed step against the keys trusted then."""
    return _Checker(workflow_id).walk(events)


class _Checker:
    def __init__(self, workflow_id: str) -> None:
        self.report = SignatureReport(workflow_id=workflow_id)
        self.trusted: dict[str, str] = {}
        self.cycle = ""
        self.seen: dict[str, int] = {}  # nonce → event id of the first step that carried it
        self.key_updates: dict[str, tuple[int, TrustKey | DistrustKey]] = {}
        self.start: _Start | None = None

    def walk(self, events: Iterable[HistoryEvent]) -> SignatureReport:
        for event in events:
            which = event.WhichOneof("attributes")
            if which == "workflow_execution_started_event_attributes":
                self._started(event)
            elif which == "marker_recorded_event_attributes" and self.start is not None:
                self.start.marker(event)
            elif which == "workflow_execution_failed_event_attributes" and self.start is not None:
                failure = event.workflow_execution_failed_event_attributes.failure
                if failure.application_failure_info.type == contract.NOT_STARTED_BY_NAPREVIEW:
                    self.start.refused = failure.message
            elif which == "workflow_execution_signaled_event_attributes":
                a = event.workflow_execution_signaled_event_attributes
                if a.signal_name in MODELS:
                    self._step(event, a.signal_name, "signal", decode_first(a.input))
            elif which == "workflow_execution_update_accepted_event_attributes":
                request = event.workflow_execution_update_accepted_event_attributes
                step = step_of_update(request.accepted_request.input.name)
                if step in MODELS:
                    update_id = request.accepted_request.meta.update_id
                    value = decode_first(request.accepted_request.input.args)
                    self._step(event, step, "update", value, update_id)
            elif which == "workflow_execution_update_completed_event_attributes":
                self._key_change_completed(event)
        if self.start is not None:
            self.report.start = self.start.verdict()
        return self.report

    def _started(self, event: HistoryEvent) -> None:
        a = event.workflow_execution_started_event_attributes
        value = decode_first(a.input)
        keys: dict[str, str] = {}
        self.start = _Start(self.report.workflow_id, event, value)
        name = a.workflow_type.name
        if name in (contract.REVIEW_WORKFLOW, contract.FOLLOW_UP_WORKFLOW):
            # A review and its follow-up: the keys they were started with, or carried into a
            # continued run.
            one = _model(ReviewInput if name == contract.REVIEW_WORKFLOW else FollowUpInput, value)
            if one is not None:
                self.cycle = one.cycle
                carried = one.carried.trusted_keys if one.carried else None
                keys = dict(carried if carried is not None else one.trusted_keys)
        elif name == contract.CYCLE_WORKFLOW:
            cycle = _model(CycleInput, value)
            if cycle is not None:
                self.cycle = cycle.settings.cycle
                given = cycle.trusted_keys
                keys = dict(given if given is not None else cycle.settings.trusted_keys)
        self.trusted = dict(keys)
        self.report.keys_at_start = dict(keys)

    def _step(
        self, event: HistoryEvent, step: str, via: str, value: Any, update_id: str | None = None
    ) -> None:
        actor = value.get("actor") if isinstance(value, dict) else None
        person = actor.get("person_id") or actor.get("email") if isinstance(actor, dict) else None
        proof = value.get("proof") if isinstance(value, dict) else None
        key_id = proof.get("key_id") if isinstance(proof, dict) else None
        command = _model(MODELS[step], value)
        base: dict[str, Any] = {
            "event_id": event.event_id,
            "step": step,
            "via": via,
            "person_id": person or None,
            "key_id": key_id,
            "update_id": update_id,
        }
        if command is None:
            self.report.steps.append(
                StepSignature(
                    **base,
                    verdict=UNREADABLE,
                    reason="The command cannot be read as a napreview step.",
                )
            )
            return
        verdict, reason = self._verdict(step, command, event.event_id)
        self.report.steps.append(StepSignature(**base, verdict=verdict, reason=reason))
        if verdict == HOLDS and isinstance(command, TrustKey | DistrustKey) and update_id:
            self.key_updates[update_id] = (event.event_id, command)

    def _verdict(self, step: str, command: BaseModel, event_id: int) -> tuple[str, str | None]:
        forwarded = getattr(command, "cycle_cancel", None)
        if isinstance(forwarded, CycleCancel) and getattr(command, "proof", None) is None:
            # A withdrawal the cycle forwarded: it carries the secretariat's signed cancel.
            cycle_id = contract.cycle_workflow_id(self.cycle)
            return self._check(forwarded.proof, "cancel_cycle", cycle_id, forwarded, event_id)
        proof = getattr(command, "proof", None)
        return self._check(proof, step, self.report.workflow_id, command, event_id)

    def _check(
        self,
        proof: Proof | None,
        step: str,
        workflow_id: str,
        command: BaseModel,
        event_id: int,
    ) -> tuple[str, str | None]:
        if proof is None:
            return UNSIGNED, "The step carries no signature."
        # The freshness window is the workflow's business; the signature's is checked here.
        reason = verify(proof, step, workflow_id, command, self.trusted, proof.at)
        if reason is not None:
            return FAILS, reason.english()
        first = self.seen.setdefault(proof.nonce, event_id)
        if first != event_id:
            return REPLAYED, f"The same signed message was already received (event {first})."
        return HOLDS, None

    def _key_change_completed(self, event: HistoryEvent) -> None:
        a = event.workflow_execution_update_completed_event_attributes
        found = self.key_updates.pop(a.meta.update_id, None)
        if found is None or a.outcome.HasField("failure"):
            return
        accepted_at, command = found
        if isinstance(command, TrustKey):
            self.trusted[command.key_id] = command.public_key
            change = {"change": "trust", "key_id": command.key_id, "public_key": command.public_key}
        else:
            self.trusted.pop(command.key_id, None)
            change = {"change": "distrust", "key_id": command.key_id}
        self.report.key_changes.append(
            {"event_id": accepted_at, "completed_event_id": event.event_id, **change}
        )


class _Start:
    """What one run's history says about how it was started (module docstring)."""

    def __init__(self, workflow_id: str, event: HistoryEvent, value: Any) -> None:
        a = event.workflow_execution_started_event_attributes
        self.workflow_id = workflow_id
        self.at = event.event_time.ToDatetime(tzinfo=UTC)
        self.continued = bool(a.continued_execution_run_id)
        self.parent = a.parent_workflow_execution.workflow_id or None
        self.workflow_type = a.workflow_type.name
        self.value = value
        # The run checked its start: reviews and cycles since the signed-start patch, every
        # follow-up (they came after it).
        self.checked = self.workflow_type == contract.FOLLOW_UP_WORKFLOW
        self.vouched: dict[str, str] | None = None  # the keys the workers vouched for
        self.refused: str | None = None  # the workflow's own refusal of its start

    def marker(self, event: HistoryEvent) -> None:
        a = event.marker_recorded_event_attributes
        if a.marker_name == "core_patch" and "patch-data" in a.details:
            patch = decode_first(a.details["patch-data"])
            if isinstance(patch, dict) and patch.get("id") == SIGNED_START_PATCH:
                self.checked = True
        elif a.marker_name == "core_local_activity" and "data" in a.details:
            data = decode_first(a.details["data"])
            if isinstance(data, dict) and data.get("activity_type") == contract.FRONT_END_KEYS:
                keys = decode_first(a.details["result"]) if "result" in a.details else None
                self.vouched = keys if isinstance(keys, dict) else {}

    def verdict(self) -> str:
        if self.refused is not None:
            return f"the workflow refused its start: {self.refused}"
        if not self.checked:
            return BEFORE_START_CHECKS
        if self.continued:
            return STARTED_BY_NAPREVIEW
        if self.workflow_type == contract.REVIEW_WORKFLOW:
            review = _model(ReviewInput, self.value)
            if review is None:
                return "its input cannot be read as a review's"
            if self.parent == contract.cycle_workflow_id(review.cycle):
                return STARTED_BY_NAPREVIEW
            step, model = "start_review", review
        elif self.workflow_type == contract.CYCLE_WORKFLOW:
            cycle = _model(CycleInput, self.value)
            if cycle is None:
                return "its input cannot be read as a cycle's"
            step, model = "start_cycle", cycle
        elif self.workflow_type == contract.FOLLOW_UP_WORKFLOW:
            follow_up = _model(FollowUpInput, self.value)
            if follow_up is None:
                return "its input cannot be read as a follow-up's"
            # An approved review starts its follow-up as its child; the secretariat, signed.
            if self.parent == contract.review_workflow_id(follow_up.cycle, follow_up.member):
                return STARTED_BY_NAPREVIEW
            step, model = "start_follow_up", follow_up
        else:
            return BEFORE_START_CHECKS  # only reviews, cycles and follow-ups check their start
        if self.vouched is None:
            return "no front-end key was looked up for its start"
        reason = verify(model.proof, step, self.workflow_id, model, self.vouched, self.at)
        return STARTED_BY_NAPREVIEW if reason is None else f"its start: {reason.english()}"


def _model(model: type[Any], value: Any) -> Any:
    if not isinstance(value, dict):
        return None
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


# --------------------------------------------------------------------------- the verdict

TAKEN = ("accepted", "pending", "unknown")


@dataclass(frozen=True)
class SignatureVerdict:
    """Whether every step the workflow took was signed with a key it trusted then.

    A step the workflow refused may well carry a bad signature (that is why it was refused):
    it is counted, not held against the record.
    """

    signing: bool
    signed: int
    holding: int
    taken_failing: tuple[StepSignature, ...]
    refused_failing: tuple[StepSignature, ...]
    start: str = BEFORE_START_CHECKS

    @property
    def started_by_napreview(self) -> bool:
        return self.start in (STARTED_BY_NAPREVIEW, BEFORE_START_CHECKS)

    @property
    def ok(self) -> bool:
        return self.started_by_napreview and not self.taken_failing

    def describe(self) -> str:
        if not self.started_by_napreview:
            return f"This run was not started by napreview: {self.start}."
        if not self.signing:
            return "This history is from before commands were signed: it carries no signatures."
        said = f"{self.signed} signed step(s), {self.holding} of them hold"
        if self.taken_failing:
            first = self.taken_failing[0]
            return (
                f"{said}; the first step not refused by the workflow whose signature does not "
                "hold: "
                f"{describe_step_signature(first)}"
            )
        said += "; every step the workflow took holds"
        if self.refused_failing:
            said += (
                f"; {len(self.refused_failing)} step(s) unsigned, unreadable or not holding "
                "were refused by the workflow (first: "
                f"{describe_step_signature(self.refused_failing[0])})"
            )
        return said + "."


def describe_step_signature(step: StepSignature) -> str:
    """'event 57 (sign_off signal from p-1a2b, key k2026…): The step's signature does not…'."""
    who = f" from {step.person_id}" if step.person_id else ""
    key = f", key {step.key_id}" if step.key_id else ""
    return f"event {step.event_id} ({step.step} {step.via}{who}{key}): {step.reason}"


def judge(report: SignatureReport, outcomes: dict[int, str]) -> SignatureVerdict:
    """The verdict on a run's signatures; ``outcomes`` maps an event id to what the workflow
    made of that step (accepted, refused, pending, unknown; absent counts as taken)."""
    failing = [s for s in report.steps if s.verdict != HOLDS]
    if not report.signing:
        failing = []
    taken = tuple(s for s in failing if outcomes.get(s.event_id, "accepted") in TAKEN)
    refused = tuple(s for s in failing if s not in taken)
    return SignatureVerdict(
        signing=report.signing,
        signed=len(report.signed),
        holding=sum(1 for s in report.steps if s.verdict == HOLDS),
        taken_failing=taken,
        refused_failing=refused,
        start=report.start,
    )
