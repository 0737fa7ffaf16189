"""Delivering stored letters: by SMTP when a server is configured, else to the outbox folder.

A letter waits in the store, queued, until it is delivered; nothing else holds it. Whoever
sends it first claims it there (``delivery_due_at`` moved past the end of the attempt): the
letter's own activity right after storing it, or the worker's drainer (:func:`keep_delivering`)
for a letter whose attempt failed or whose sender died. So two workers never send a letter at
once, and a worker killed mid-send leaves a claim that runs out, after which the letter is tried
again: the same message (Message-ID and Date from the letter), which mail systems recognise.

Each attempt records where the letter stands: sent with the server's reply, filed (written to
the outbox folder, not sent) with the file's path, failed with the reason of a permanent
refusal (a 5xx answer, no address, a header it cannot carry), or still queued with the reason
of an outage (no connection, a timeout, a 4xx answer, a full disk) and the time of its retry,
backing off from a second to once every five minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.errors import MessageError
from email.message import EmailMessage

import aiosmtplib

from napreview.letters.email import letter_message
from napreview.letters.files import write_atomically
from napreview.letters.pdf import letter_pdf_kept
from napreview.letters.smtp import refused_recipients, send_by_smtp
from napreview.schemas.delivery import DeliveryState
from napreview.schemas.letters import PDF_ATTACHED
from napreview.settings import Settings
from napreview.store.letters import Letter
from napreview.store.records import Store

log = logging.getLogger(__name__)

# How long a sender holds a letter: an attempt (the PDF laid out, one SMTP conversation) that
# has not ended by then is given up, and the letter is another sender's to try.
CLAIM = timedelta(minutes=2)
ATTEMPT_WITHIN = CLAIM - timedelta(seconds=30)
FIRST_RETRY = timedelta(seconds=1)
LAST_RETRY = timedelta(minutes=5)
# How often the drainer looks for letters due, and how many it takes at a time.
LOOK_EVERY = timedelta(seconds=5)
BATCH = 50


class _Refused(Exception):
    """A permanent refusal: the letter fails with this reason and is not tried again."""


class _Outage(Exception):
    """The letter could not go now: it stays queued and is tried again later."""


@dataclass(frozen=True)
class Attempt:
    state: DeliveryState
    detail: str


def retry_delay(attempts: int) -> timedelta:
    """After the ``attempts``-th failed attempt: 1 s, 2 s, 4 s … up to five minutes."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def _now() -> datetime:
    return datetime.now(UTC)


class Outbox:
    """``clock``: when it is (tests move it past a retry or a claim instead of waiting)."""

    def __init__(
        self, store: Store, settings: Settings, clock: Callable[[], datetime] = _now
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        # Attempts handed over by an activity that would not wait for them (kept referenced).
        self._running: set[asyncio.Task[Attempt | None]] = set()

    async def send_soon(self, letter_id: str, wait: float, *, held: bool = False) -> None:
        """Try the letter now, waiting at most ``wait`` seconds for the attempt: one that takes
        longer (a slow mail server) goes on in the background under its claim, so the review
        that wrote the letter is not held up. ``held``: the caller stored the letter already
        claimed (see :meth:`attempt`)."""
        attempt = asyncio.create_task(self.attempt(letter_id, held=held))
        self._running.add(attempt)
        attempt.add_done_callback(self._forget)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(attempt), wait)

    def _forget(self, attempt: asyncio.Task[Attempt | None]) -> None:
        self._running.discard(attempt)
        if not attempt.cancelled() and attempt.exception() is not None:
            # The claim runs out and the drainer tries the letter again.
            log.warning("A letter's attempt failed: %r", attempt.exception())

    async def attempt(self, letter_id: str, *, held: bool = False) -> Attempt | None:
        """One attempt at the letter, if it is queued and nobody holds it (else None).
        ``held``: the caller holds the letter's claim already (it stored the letter claimed).
        An attempt that fails on something else than the letter (the database away) leaves the
        claim to run out, after which the drainer tries the letter again."""
        if not held:
            now = self.clock()
            claimed = await asyncio.to_thread(
                self.store.letters.claim_delivery, letter_id, now, now + CLAIM
            )
            if not claimed:
                return None
        row = await asyncio.to_thread(self.store.letters.get, letter_id)
        try:
            state, detail = await asyncio.wait_for(
                self._deliver(row), ATTEMPT_WITHIN.total_seconds()
            )
        except _Refused as refusal:
            state, detail = DeliveryState.FAILED, str(refusal)
        except (_Outage, TimeoutError) as outage:
            reason = str(outage) or "the attempt took too long"
            log.warning("Letter %s not delivered yet: %s", row.id, reason)
            await asyncio.to_thread(
                self.store.letters.record_delivery,
                row.id,
                DeliveryState.QUEUED.value,
                f"retrying: {reason}",
                attempt=True,
                retry_at=self.clock() + retry_delay(row.delivery_attempts + 1),
            )
            return Attempt(DeliveryState.QUEUED, f"retrying: {reason}")
        await asyncio.to_thread(
            self.store.letters.record_delivery, row.id, state.value, detail, attempt=True
        )
        return Attempt(state, detail)

    async def _deliver(self, row: Letter) -> tuple[DeliveryState, str]:
        if not row.recipient:
            raise _Refused("no email address is recorded for the addressee")
        message = await self._message(row)
        if not self.settings.smtp_host:
            try:
                detail = await asyncio.to_thread(self._to_outbox, row, message)
            except OSError as err:  # a full or read-only disk
                raise _Outage(f"the outbox folder cannot be written: {err}") from err
            return DeliveryState.FILED, detail
        return DeliveryState.SENT, await self._by_smtp(row, message)

    async def _message(self, row: Letter) -> EmailMessage:
        """The letter as an email, its PDF laid out where one goes (once: kept by digest), built
        and written out once in a thread, off the event loop that runs workflow tasks. A header
        it cannot carry (a line break in a name recorded before names were checked) fails the
        letter, as no retry would ever mend it."""
        pdf = None
        if row.kind in PDF_ATTACHED:
            try:
                pdf = await letter_pdf_kept(self.settings.pdf_dir, row.body_html)
            except OSError as err:
                raise _Outage(f"the PDF cannot be kept: {err}") from err
        try:
            return await asyncio.to_thread(self._built, row, pdf)
        except (ValueError, TypeError, MessageError) as err:
            raise _Refused(f"the letter cannot be made into an email: {err}") from err

    def _built(self, row: Letter, pdf: bytes | None) -> EmailMessage:
        member = self.store.members.find(row.member_code)
        message = letter_message(row, self.settings.smtp_from, pdf, member)
        bytes(message)
        return message

    def _to_outbox(self, row: Letter, message: EmailMessage) -> str:
        """One .eml file per letter, named by its id: a retry rewrites the same file."""
        path = self.settings.outbox_dir / f"{row.id}.eml"
        write_atomically(path, bytes(message))
        return f"written to the outbox: {path.resolve()}"

    async def _by_smtp(self, row: Letter, message: EmailMessage) -> str:
        try:
            refused, reply = await send_by_smtp(self.settings, message)
        except aiosmtplib.SMTPRecipientsRefused as err:
            reasons = refused_recipients(err)
            if all(500 <= r.code < 600 for r in err.recipients):
                raise _Refused(f"recipient refused: {reasons}") from err
            raise _Outage(f"recipient deferred: {reasons}") from err
        except aiosmtplib.SMTPResponseException as err:
            if 500 <= err.code < 600:
                raise _Refused(f"refused by the server: {err.code} {err.message}") from err
            raise _Outage(f"{err.code} {err.message}") from err
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as err:
            raise _Outage(f"{type(err).__name__}: {err}") from err
        except (ValueError, MessageError) as err:  # an address the client cannot send to
            raise _Refused(f"the letter cannot be sent: {err}") from err
        if row.recipient in refused:
            answer = refused[row.recipient]
            raise _Refused(f"recipient refused: {row.recipient}: {answer.code} {answer.message}")
        detail = f"250 {reply.strip()}"  # the server's answer to DATA (250 is success)
        if refused:
            detail += "; not accepted in copy: " + ", ".join(
                f"{address} ({answer.code} {answer.message})" for address, answer in refused.items()
            )
        return detail

    async def drain(self) -> int:
        """Try every letter whose attempt is due, one after the other; returns how many."""
        due = await asyncio.to_thread(self.store.letters.due_for_delivery, self.clock(), BATCH)
        for letter_id in due:
            await self.attempt(letter_id)
        return len(due)

    async def finish(self) -> None:
        """Wait for the attempts handed over to the background (a worker stopping)."""
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)


async def keep_delivering(outbox: Outbox, stop: asyncio.Event) -> None:
    """The drainer: until ``stop`` is set, try the letters due every few seconds (at once again
    after a full batch). A failed look (the database away) is logged and the next one tries
    again; the letters stay queued in the store meanwhile."""
    while not stop.is_set():
        tried = 0
        try:
            tried = await outbox.drain()
        except Exception:  # noqa: BLE001 - the next look tries again; the worker serves on
            log.exception("the outbox: this look failed")
        if tried < BATCH:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), LOOK_EVERY.total_seconds())
    await outbox.finish()
