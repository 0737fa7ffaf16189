"""Following a completed review's recommendations, for both doors: start a follow-up, read it,
change an item or send a progress report (with documents as evidence: services/evidence.py),
acknowledge a report, export the items; and a member's items with their status and tags for
whoever builds on them (indicators, the CEDAW report draft)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from napreview.people.signing import signer
from napreview.schemas.cedaw import Finding
from napreview.schemas.follow_up import (
    AcknowledgeReport,
    Evidence,
    FollowUpInput,
    FollowUpItem,
    FollowUpTaken,
    FollowUpTerms,
    ItemStatus,
    ItemUpdate,
    ProgressReport,
    SubmitProgressReport,
    Tags,
    UpdateItem,
)
from napreview.schemas.members import Actor
from napreview.schemas.refusals import Reason
from napreview.schemas.review import Command, Stage
from napreview.services import access, evidence, follow_up_files
from napreview.services.attachments import DEFAULT_LIMIT_MB
from napreview.services.errors import NotFoundError, StepRefused
from napreview.services.exports import Cell, Table
from napreview.services.refusals import record_refusal, require_secretariat
from napreview.services.steps import refusal_of, review_state
from napreview.store.follow_ups import FollowUpRecord
from napreview.store.records import Store
from napreview.temporal.updates import execute_update
from napreview.workflows import contract
from napreview.workflows.follow_up_rules import finding_ref, search_attributes, sources_of


@dataclass(frozen=True)
class Started:
    """What became of one member's follow-up when the secretariat asked to start it."""

    member: str
    started: bool
    why: str = ""


@dataclass(frozen=True)
class ItemView:
    """One item as people read it: its wording and where it stands."""

    cycle: str
    member: str
    key: str
    source: str
    text: str
    status: ItemStatus
    lead_institution: str | None
    target_date: date | None
    tags: Tags
    evidence: list[Evidence]

    def as_json(self) -> dict[str, object]:
        return {
            "cycle": self.cycle,
            "member": self.member,
            "key": self.key,
            "source": self.source,
            "text": self.text,
            "status": self.status.value,
            "lead_institution": self.lead_institution,
            "target_date": self.target_date.isoformat() if self.target_date else None,
            "tags": self.tags.model_dump(mode="json"),
            "evidence": [e.model_dump(mode="json", exclude_none=True) for e in self.evidence],
        }


async def start(
    client: Client,
    store: Store,
    actor: Actor,
    cycle: str,
    members: Sequence[str] | None,
    task_queue: str,
    terms: FollowUpTerms | None = None,
) -> list[Started]:
    """Start the follow-up of each completed review of the cycle (or of ``members``) that has
    none yet: reviews completed before follow-ups existed. ``terms``: how often the cycle's
    members report, kept for every follow-up of the cycle drawn from now on."""
    await asyncio.to_thread(require_secretariat, store, actor, "start_follow_up", cycle)
    settings = await asyncio.to_thread(store.cycles.settings, cycle)  # NotFoundError
    if terms is not None:
        await asyncio.to_thread(store.follow_ups.set_terms, cycle, terms)
    if members is None:  # those approved and not followed up yet
        records = await asyncio.to_thread(store.reviews.of_cycle, cycle)
        followed = {
            r.state.member for r in await asyncio.to_thread(store.follow_ups.of_cycle, cycle)
        }
        members = [
            r.member for r in records if r.stage is Stage.COMPLETED and r.member not in followed
        ]
    keys = signer().public_keys()
    await asyncio.to_thread(store.front_end_keys.vouch_for, keys)
    return [
        await _start_one(client, store, actor, cycle, m, settings["chair"], keys, task_queue)
        for m in members
    ]


async def _start_one(
    client: Client,
    store: Store,
    actor: Actor,
    cycle: str,
    member: str,
    chair: str,
    keys: dict[str, str],
    task_queue: str,
) -> Started:
    review = await review_state(client, cycle, member)  # NotFoundError
    if review.stage is not Stage.COMPLETED:
        why = Reason(code="review_not_completed", params={"member": member, "cycle": cycle})
        said = await asyncio.to_thread(
            record_refusal, store, cycle, member, actor, "start_follow_up", why
        )
        return Started(member, False, said)
    sources = sources_of(review)
    if not sources.cycle:  # a review from before its state named them
        sources = sources.model_copy(update={"cycle": cycle, "member": member})
    inp = FollowUpInput(
        cycle=cycle,
        member=member,
        chair=chair,
        sources=sources,
        trusted_keys=keys,
        started_at=review.finished_at,
    )
    workflow_id = contract.follow_up_workflow_id(cycle, member)
    try:
        await client.start_workflow(
            contract.FOLLOW_UP_WORKFLOW,
            signer().sign("start_follow_up", workflow_id, inp),
            id=workflow_id,
            task_queue=task_queue,
            # A follow-up an operator terminated may be started again; a running or closed
            # one stands.
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            search_attributes=search_attributes(inp),
        )
    except WorkflowAlreadyStartedError:
        why = Reason(code="follow_up_started", params={"member": member, "cycle": cycle})
        said = await asyncio.to_thread(
            record_refusal, store, cycle, member, actor, "start_follow_up", why
        )
        return Started(member, False, said)
    return Started(member, True)


# ---------------------------------------------------------------- reading


def read(store: Store, actor: Actor, cycle: str, member: str) -> FollowUpRecord:
    """A follow-up as it last published itself; read by whoever reads the review."""
    access.require_review(store, actor, cycle, member)
    found = store.follow_ups.get(cycle, member)
    if found is None:
        raise NotFoundError(
            f"There is no follow-up of {member} in cycle {cycle} yet; it starts when the review "
            f"is approved ('napreview follow-up start {cycle} {member}' for one approved before)."
        )
    return found


def findings(store: Store, record: FollowUpRecord) -> dict[str, Finding]:
    """The CEDAW findings the follow-up's items come from, by the reference the items name them
    by (for each reader's language: the item keeps the English)."""
    result_id = record.state.cedaw_result_id
    if result_id is None:
        return {}
    with contextlib.suppress(NotFoundError):
        return {finding_ref(f): f for f in store.cedaw.get(result_id).findings}
    return {}


def exists(store: Store, cycle: str, member: str) -> bool:
    """Whether the review has a follow-up to link to (one approved before follow-ups existed
    has none until the secretariat starts it)."""
    return store.follow_ups.get(cycle, member) is not None


def views(record: FollowUpRecord) -> list[ItemView]:
    s = record.state
    return [_view(s.cycle, s.member, item, record.texts.get(item.key, "")) for item in s.items]


def _view(cycle: str, member: str, item: FollowUpItem, text: str) -> ItemView:
    return ItemView(
        cycle=cycle,
        member=member,
        key=item.key,
        source=item.source.value,
        text=text,
        status=item.status,
        lead_institution=item.lead_institution,
        target_date=item.target_date,
        tags=item.tags,
        evidence=list(item.evidence),
    )


def items_of_member(store: Store, member: str) -> list[ItemView]:
    """Every item of a member's follow-ups, the latest cycle first, with status and tags."""
    return [view for record in store.follow_ups.of_member(member) for view in views(record)]


def export(store: Store, actor: Actor, cycle: str, member: str | None = None) -> Table:
    """The items of a cycle's follow-ups the person reads (or one member's), one row each."""
    if member is not None:
        records = [read(store, actor, cycle, member)]
    else:
        readable = access.readable_reviews(store, actor, cycle)
        records = [
            r
            for r in store.follow_ups.of_cycle(cycle)
            if readable is None or r.state.member in readable
        ]
    rows: list[list[Cell]] = [
        [
            v.cycle,
            v.member,
            v.key,
            v.source,
            v.text,
            v.status.value,
            v.lead_institution or "",
            v.target_date.isoformat() if v.target_date else "",
            v.tags.pillar or "",
            v.tags.gr30_paragraph or "",
            v.tags.cedaw_article or "",
            v.tags.sdg_target or "",
            " ".join(e.label for e in v.evidence),
        ]
        for record in records
        for v in views(record)
    ]
    header = [
        "cycle",
        "member",
        "item",
        "source",
        "recommendation",
        "status",
        "lead_institution",
        "target_date",
        "pillar",
        "gr30_paragraph",
        "cedaw_article",
        "sdg_target",
        "evidence",
    ]
    name = f"follow-up-{cycle}" + (f"-{member}" if member else "")
    return Table(name, header, rows)


# ---------------------------------------------------------------- steps


async def update_item(
    client: Client,
    store: Store,
    actor: Actor,
    cycle: str,
    member: str,
    update: ItemUpdate,
    files: Sequence[evidence.Upload] = (),
    *,
    limit_mb: int = DEFAULT_LIMIT_MB,
) -> FollowUpTaken:
    """Change one item; ``files``: documents kept as its evidence first (removed again if the
    follow-up refuses the change)."""
    step = "update_item"
    updates = await asyncio.to_thread(
        evidence.attach, store, actor, cycle, member, step, [update], {update.key: files},
        limit_mb=limit_mb,
    )  # fmt: skip
    cmd = UpdateItem(actor=actor, update=updates[0])
    return await _step_keeping(client, store, cycle, member, step, cmd, [update], updates)


async def report(
    client: Client,
    store: Store,
    actor: Actor,
    cycle: str,
    member: str,
    body: ProgressReport,
    files: Mapping[str, Sequence[evidence.Upload]] | None = None,
    *,
    limit_mb: int = DEFAULT_LIMIT_MB,
) -> FollowUpTaken:
    """Keep the documents sent as evidence (``files`` by item key) and the report's body, then
    send the step that names them by id and digest (removing them again if it is refused)."""
    step = "submit_progress_report"
    updates = await asyncio.to_thread(
        evidence.attach, store, actor, cycle, member, step, body.updates, files or {},
        limit_mb=limit_mb,
    )  # fmt: skip
    kept = body.model_copy(update={"updates": updates})
    ref = await asyncio.to_thread(store.follow_ups.keep_report, cycle, member, kept, actor.ref)
    cmd = SubmitProgressReport(actor=actor, report=ref, updates=updates)
    return await _step_keeping(
        client, store, cycle, member, step, cmd, body.updates, updates, ref.id
    )


async def acknowledge(
    client: Client,
    store: Store,
    actor: Actor,
    cycle: str,
    member: str,
    period: int,
    comments: str = "",
) -> FollowUpTaken:
    cmd = AcknowledgeReport(actor=actor, period=period, comments=comments)
    return await _step(client, store, cycle, member, "acknowledge_report", cmd)


async def _step_keeping(
    client: Client,
    store: Store,
    cycle: str,
    member: str,
    step: str,
    command: Command,
    named: Sequence[ItemUpdate],
    sent: Sequence[ItemUpdate],
    report_id: str | None = None,
) -> FollowUpTaken:
    """Send a step that names files kept for it; if the follow-up refuses it (or is gone), they
    are removed: nothing names them. Any other failure leaves them, as the step may have been
    taken: the sweep asks the follow-up later (services/follow_up_files.py)."""
    try:
        return await _step(client, store, cycle, member, step, command)
    except (StepRefused, NotFoundError):
        await asyncio.to_thread(follow_up_files.discard, store, named, sent, report_id)
        raise


async def _step(
    client: Client, store: Store, cycle: str, member: str, step: str, command: Command
) -> FollowUpTaken:
    """Send a step as an update, so a refusal reaches the person at once; record refusals (a
    validator's refusal never reaches history)."""
    workflow_id = contract.follow_up_workflow_id(cycle, member)
    handle = client.get_workflow_handle(workflow_id)
    signed = signer().sign(step, workflow_id, command)
    try:
        return await execute_update(handle, f"do_{step}", signed, FollowUpTaken)
    except WorkflowUpdateFailedError as err:
        cause = err.cause
        if isinstance(cause, ApplicationError) and cause.type == contract.REFUSED:
            why = _naming_item(refusal_of(cause), command)
            await asyncio.to_thread(
                record_refusal, store, cycle, member, command.actor, step, why,
                english=cause.message,
            )  # fmt: skip
            raise StepRefused(cause.message, why if isinstance(why, Reason) else None) from None
        raise
    except RPCError as err:
        if err.status != RPCStatusCode.NOT_FOUND:
            raise
        found = await asyncio.to_thread(store.follow_ups.get, cycle, member)
        if found is None or found.state.closed_at is None:
            raise NotFoundError(f"There is no follow-up of {member} in cycle {cycle}.") from None
        on = found.state.closed_at.date().isoformat()
        why = Reason(code="follow_up_closed", params={"member": member, "cycle": cycle, "on": on})
        said = await asyncio.to_thread(
            record_refusal, store, cycle, member, command.actor, step, why
        )
        raise StepRefused(said, why) from None


def _naming_item(why: Reason | str, command: Command) -> Reason | str:
    """A refused change to one item, recorded with the item's key so that the follow-up's
    timeline can say which (the workflow's refusals name it only where their sentence does)."""
    if isinstance(why, Reason) and isinstance(command, UpdateItem) and "key" not in why.params:
        return why.model_copy(update={"params": {**why.params, "key": command.update.key}})
    return why
