"""Sending a letter: load it if it is stored already, else compose it from the store (letters/
compose.py), render it and store it once; file a copy, and try its delivery.

The letter waits in the store, queued, until the outbox delivers it (letters/outbox.py): this
activity tries it at once, and the worker's drainer retries it while the mail server is away,
so that a mail outage never holds up a review, no workflow is started per letter, and the
review workflows' histories stay as they are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from temporalio import activity

from napreview.letters.compose import Sender, addressee_key, compose, new_letter
from napreview.letters.context import LetterContext
from napreview.letters.files import file_letter
from napreview.letters.outbox import CLAIM, Outbox
from napreview.letters.render import render_letter
from napreview.schemas.delivery import DeliveryState
from napreview.schemas.letters import LetterKind, LetterRef, LetterRequest
from napreview.store.letters import Letter
from napreview.store.records import Store
from napreview.workflows import contract

# How long the activity waits for the letter's first attempt; a slower one (a mail server taking
# its time) goes on beside it, so the review moves on meanwhile.
FIRST_ATTEMPT_WAIT = 10.0


def _today() -> date:
    return datetime.now(UTC).date()


class LetterActivities:
    """``outbox`` delivers each letter; without one (delivery off, the activity tested alone)
    letters are stored and filed, and stay queued. ``sender`` is the installation's portal
    address and signatory (the defaults without)."""

    def __init__(
        self,
        store: Store,
        letters_dir: Path,
        outbox: Outbox | None = None,
        clock: Callable[[], date] = _today,
        sender: Sender | None = None,
    ) -> None:
        self.store = store
        self.letters_dir = letters_dir
        self.outbox = outbox
        self.clock = clock
        self.sender = sender or Sender()

    @activity.defn(name=contract.SEND_LETTER)
    async def send_letter(self, request: LetterRequest) -> LetterRef:
        """Render and store the letter once per idempotency key (a retry finds the stored one),
        make its files right, and try its delivery (the outbox sends it once)."""
        letter, created = await asyncio.to_thread(self.stored_and_filed, request)
        if self.outbox is not None and letter.delivery_state == DeliveryState.QUEUED.value:
            await self.outbox.send_soon(letter.id, FIRST_ATTEMPT_WAIT, held=created)
        # History names the addressee by member code (or "secretariat"), not by address.
        return LetterRef(
            id=letter.id,
            kind=LetterKind(letter.kind),
            recipient=addressee_key(request),
            sha256=letter.sha256,
        )

    def store_and_file(self, request: LetterRequest) -> Letter:
        return self.stored_and_filed(request)[0]

    def stored_and_filed(self, request: LetterRequest) -> tuple[Letter, bool]:
        """The letter, and whether this attempt stored it. With an outbox, a new letter is
        stored held by this attempt for the outbox's claim: should its first delivery attempt
        fail before it records anything (the database locked), the hold runs out and the
        drainer tries the letter; a letter stored held by nobody would wait for ever."""
        key = request.idempotency_key
        letter = self.store.letters.find(key)
        created = False
        if letter is None:
            composed = compose(self.store, request, self.clock(), self.sender)
            rendered = render_letter(composed.context)
            new = new_letter(request, composed, rendered)
            if self.outbox is not None:
                new = replace(new, delivery_due_at=self.outbox.clock() + CLAIM)
            letter, created = self.store.letters.store(key, new)
        # Checked on every attempt: a file left wrong by a full or read-only disk is rewritten.
        file_letter(self.letters_dir, letter)
        return letter, created

    def context_for(self, request: LetterRequest) -> LetterContext:
        """The context the letter would be rendered from today (golden tests, the bench)."""
        return compose(self.store, request, self.clock(), self.sender).context
