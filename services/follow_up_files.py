"""The files a follow-up's step keeps before it is sent (documents as evidence, a progress
report's body), so that the step names them by id and digest: none is left behind by a step the
follow-up refused, nor by a front end that died between keeping them and sending the step.

A refused step's files are removed at once (``discard``: the service knows it was refused).
The others are swept (``sweep``), like a review's documents (services/documents.py): each
follow-up holding files older than the grace period is asked what it took first, and one that
does not answer keeps them all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from temporalio.client import Client

from napreview.schemas.follow_up import EvidenceKind, FollowUpState, ItemUpdate
from napreview.schemas.members import Actor
from napreview.services.documents import SWEEP_GRACE, HeldBy, Swept, ask_holders, held_by
from napreview.services.refusals import require_secretariat
from napreview.services.steps import workflow_state
from napreview.store.records import Store
from napreview.workflows import contract


def documents_named(updates: Sequence[ItemUpdate]) -> set[str]:
    """The ids of the documents these updates name as evidence."""
    return {e.ref for u in updates for e in u.evidence if e.kind is EvidenceKind.DOCUMENT}


def discard(
    store: Store, named: Sequence[ItemUpdate], sent: Sequence[ItemUpdate], report_id: str | None
) -> None:
    """Remove what a refused step kept: the documents ``sent`` names that the person did not
    already name (``named``: those kept by an earlier step stay), and the report's body."""
    kept = documents_named(sent) - documents_named(named)
    store.follow_ups.discard(sorted(kept), report_id)


async def follow_up_state(client: Client, cycle: str, member: str) -> FollowUpState:
    """The follow-up as its workflow answers now (not as it last published itself)."""
    workflow_id = contract.follow_up_workflow_id(cycle, member)
    missing = f"There is no follow-up of {member} in cycle {cycle}."
    return await workflow_state(client, workflow_id, FollowUpState, missing)


def held_by_follow_ups(client: Client, wait: timedelta = timedelta(seconds=10)) -> HeldBy:
    """Asks each follow-up which files it took (see services/documents.held_by)."""

    async def files(cycle: str, member: str) -> frozenset[str]:
        return (await follow_up_state(client, cycle, member)).files_held()

    return held_by(files, wait)


async def sweep(store: Store, by: Actor, held: HeldBy, grace: timedelta = SWEEP_GRACE) -> Swept:
    """Remove the documents and report bodies no follow-up took, stored more than ``grace`` ago
    (secretariat only). ``Swept.taken``: those their follow-up holds, which stay."""
    await asyncio.to_thread(require_secretariat, store, by, "sweep_follow_up_files")
    before = datetime.now(UTC) - grace
    stored = await asyncio.to_thread(store.follow_ups.kept_before, before)
    answers = await ask_holders(stored, held)
    removed = await asyncio.to_thread(store.follow_ups.sweep, answers.doomed, before)
    return Swept(removed, len(answers.taken), answers.unasked, before)
