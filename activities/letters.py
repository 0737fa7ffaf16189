"""Sending a letter: load it if it is stored already, else compose it from the store (letters/
compose.py), render it and store it once; file a copy, and start its delivery.

Delivery runs in a workflow of its own (``deliver-<letter id>``), so that a mail outage never
holds up a review and the review workflows' histories stay as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from temporalio import activity
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from napreview.letters.compose import Sender, addressee_key, compose, new_letter
from napreview.letters.context import LetterContext
from napreview.letters.files import file_letter
from napreview.letters.render import render_letter
from napreview.schemas.delivery import (
    DELIVERY_WORKFLOW,
    DeliveryRequest,
    DeliveryState,
    delivery_workflow_id,
)
from napreview.schemas.letters import LetterKind, LetterRef, LetterRequest
from napreview.store.letters import Letter
from napreview.store.records import Store
from napreview.workflows import contract


def _today() -> date:
    return datetime.now(UTC).date()


class LetterActivities:
    """``client`` and ``task_queue`` let the activity start each letter's delivery; without a
    client (the activity tested alone) letters are stored and filed, and stay queued.
    ``sender`` is the installation's portal address and signatory (the defaults without)."""

    def __init__(
        self,
        store: Store,
        letters_dir: Path,
        client: Client | None = None,
        task_queue: str | None = None,
        clock: Callable[[], date] = _today,
        sender: Sender | None = None,
    ) -> None:
        self.store = store
        self.letters_dir = letters_dir
        self.client = client
        self.task_queue = task_queue
        self.clock = clock
        self.sender = sender or Sender()

    @activity.defn(name=contract.SEND_LETTER)
    async def send_letter(self, request: LetterRequest) -> LetterRef:
        """Render and store the letter once per idempotency key (a retry finds the stored one),
        make its files right, and start its delivery once."""
        letter = await asyncio.to_thread(self.store_and_file, request)
        if self.client is not None and letter.delivery_state == DeliveryState.QUEUED.value:
            await self._start_delivery(letter.id)
        # History names the addressee by member code (or "secretariat"), not by address.
        return LetterRef(
            id=letter.id,
            kind=LetterKind(letter.kind),
            recipient=addressee_key(request),
            sha256=letter.sha256,
        )

    def store_and_file(self, request: LetterRequest) -> Letter:
        key = request.idempotency_key
        letter = self.store.letters.find(key)
        if letter is None:
            composed = compose(self.store, request, self.clock(), self.sender)
            rendered = render_letter(composed.context)
            letter, _created = self.store.letters.store(
                key, new_letter(request, composed, rendered)
            )
        # Checked on every attempt: a file left wrong by a full or read-only disk is rewritten.
        file_letter(self.letters_dir, letter)
        return letter

    def context_for(self, request: LetterRequest) -> LetterContext:
        """The context the letter would be rendered from today (golden tests, the bench)."""
        return compose(self.store, request, self.clock(), self.sender).context

    async def _start_delivery(self, letter_id: str) -> None:
        assert self.client is not None
        # A retried attempt finds the delivery under way or done: id reuse is rejected.
        with contextlib.suppress(WorkflowAlreadyStartedError):
            await self.client.start_workflow(
                DELIVERY_WORKFLOW,
                DeliveryRequest(letter_id=letter_id),
                id=delivery_workflow_id(letter_id),
                task_queue=self.task_queue or activity.info().task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
