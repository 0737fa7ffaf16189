"""Delivering a stored letter: by SMTP when a server is configured, else to the outbox folder.

Runs in the ``deliver-<letter id>`` workflow. Records the delivery state on the letter: sent with
the server's reply, filed (written to the outbox folder, not sent) with the file's path, or
failed with the reason of a permanent refusal. An outage (no connection,
a timeout, a 4xx answer) is raised as an ordinary error, so Temporal retries it until the server
is back; the message is the same on every attempt (Message-ID and Date from the letter).
"""

from __future__ import annotations

import asyncio
from email.errors import MessageError
from email.message import EmailMessage
from typing import NoReturn

import aiosmtplib
from temporalio import activity
from temporalio.exceptions import ApplicationError

from napreview.letters.email import letter_message
from napreview.letters.files import write_atomically
from napreview.letters.pdf import letter_pdf_kept
from napreview.letters.smtp import refused_recipients, send_by_smtp
from napreview.schemas.delivery import (
    DELIVER_LETTER,
    DELIVERY_REFUSED,
    DeliveryOutcome,
    DeliveryRequest,
    DeliveryState,
)
from napreview.schemas.letters import PDF_ATTACHED
from napreview.schemas.members import Member
from napreview.settings import Settings
from napreview.store.letters import Letter
from napreview.store.records import Store


class DeliveryActivities:
    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    @activity.defn(name=DELIVER_LETTER)
    async def deliver_letter(self, request: DeliveryRequest) -> DeliveryOutcome:
        row = await asyncio.to_thread(self.store.letters.get, request.letter_id)
        if row.delivery_state and DeliveryState(row.delivery_state).done:
            return _outcome(row.id, DeliveryState(row.delivery_state), row.delivery_detail or "")
        if not row.recipient:
            await self._refuse(row, "no email address is recorded for the addressee")
        pdf = None
        if row.kind in PDF_ATTACHED:
            pdf = await letter_pdf_kept(self.settings.pdf_dir, row.body_html)
        member = await asyncio.to_thread(self.store.members.find, row.member_code)
        message = await self._built(row, pdf, member)
        if not self.settings.smtp_host:
            state = DeliveryState.FILED
            detail = await asyncio.to_thread(self._to_outbox, row, message)
        else:
            state = DeliveryState.SENT
            detail = await self._by_smtp(row, message)
        await asyncio.to_thread(
            self.store.letters.record_delivery, row.id, state.value, detail, attempt=True
        )
        return _outcome(row.id, state, detail)

    async def _built(self, row: Letter, pdf: bytes | None, member: Member | None) -> EmailMessage:
        """The letter as an email, written out once to be sure it can be: a header it cannot
        carry (a line break in a name recorded before names were checked, an address that is
        none) fails the letter with the reason, as no retry would ever mend it. Built in a
        thread: encoding a PDF and two bodies is milliseconds the worker's event loop, which
        runs workflow tasks, should not wait on."""
        try:
            message = await asyncio.to_thread(self._message, row, pdf, member)
        except (ValueError, TypeError, MessageError) as err:
            await self._refuse(row, f"the letter cannot be made into an email: {err}")
        return message

    def _message(self, row: Letter, pdf: bytes | None, member: Member | None) -> EmailMessage:
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
                await self._refuse(row, f"recipient refused: {reasons}")
            await self._retry_later(row, f"recipient deferred: {reasons}")
            raise
        except aiosmtplib.SMTPResponseException as err:
            if 500 <= err.code < 600:
                await self._refuse(row, f"refused by the server: {err.code} {err.message}")
            await self._retry_later(row, f"{err.code} {err.message}")
            raise
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as err:
            await self._retry_later(row, f"{type(err).__name__}: {err}")
            raise
        except (ValueError, MessageError) as err:  # an address the client cannot send to
            await self._refuse(row, f"the letter cannot be sent: {err}")
        if row.recipient in refused:
            answer = refused[row.recipient]
            await self._refuse(
                row, f"recipient refused: {row.recipient}: {answer.code} {answer.message}"
            )
        detail = f"250 {reply.strip()}"  # the server's answer to DATA (250 is success)
        if refused:
            detail += "; not accepted in copy: " + ", ".join(
                f"{address} ({answer.code} {answer.message})" for address, answer in refused.items()
            )
        return detail

    async def _retry_later(self, row: Letter, reason: str) -> None:
        """Still queued, with the last reason; the caller re-raises so Temporal retries."""
        activity.logger.warning("Letter %s not delivered yet: %s", row.id, reason)
        await asyncio.to_thread(
            self.store.letters.record_delivery,
            row.id,
            "queued",
            f"retrying: {reason}",
            attempt=True,
        )

    async def _refuse(self, row: Letter, reason: str) -> NoReturn:
        """A permanent refusal: recorded as failed, and not retried."""
        await asyncio.to_thread(
            self.store.letters.record_delivery, row.id, "failed", reason, attempt=True
        )
        raise ApplicationError(reason, type=DELIVERY_REFUSED, non_retryable=True)


def _outcome(letter_id: str, state: DeliveryState, detail: str) -> DeliveryOutcome:
    return DeliveryOutcome(letter_id=letter_id, state=state, detail=detail)
