"""One step for many reviews at once (the secretariat's overdue reviews): each review takes
the same signed step as one taken alone (services/steps.py), so each is checked, recorded or
refused on its own; one refused does not stop the others."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from pydantic import BaseModel
from temporalio.client import Client

from napreview.schemas.review import Command
from napreview.services import steps
from napreview.services.errors import StepRefused
from napreview.store.records import Store

# Reviews stepped at a time: enough to finish a cycle's overdue reviews in seconds, few enough
# not to crowd the server out of other people's steps.
AT_ONCE = 8


class Outcome(BaseModel):
    member: str
    done: bool
    refusal: str | None = None  # why it was refused, as the step said it


async def step_each(
    client: Client,
    store: Store,
    cycle: str,
    members: Sequence[str],
    step: str,
    command: Command,
) -> list[Outcome]:
    """Take ``step`` with this command on each member's review (each signed apart, for its
    own review), in member order."""
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(member: str) -> Outcome:
        async with gate:
            try:
                await steps.review_step(client, store, cycle, member, step, command)
            except StepRefused as refused:
                return Outcome(member=member, done=False, refusal=str(refused))
            return Outcome(member=member, done=True)

    return list(await asyncio.gather(*(one(m) for m in sorted(set(members)))))
