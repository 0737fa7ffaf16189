"""Invitations and password resets: a single-use link, kept hashed with its expiry, sent to the
person as a message. Shared by `napreview users invite` and the portal's people page."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import aiosmtplib

from napreview.letters.salutation import Addressable
from napreview.letters.smtp import refused_recipients, send_by_smtp
from napreview.people.account_messages import INVITE, account_message
from napreview.people.account_messages import RESET as RESET  # the portal asks for it here
from napreview.people.accounts import INVITATION_LIFETIME, RESET_LIFETIME, Accounts
from napreview.settings import Settings
from napreview.store.records import Store

LANGUAGES = ("en", "fr", "es")


@dataclass(frozen=True)
class SentLink:
    email: str
    link: str
    expires_at: datetime
    message: Path
    # Why the email could not be sent by SMTP (the link stands; pass it on by hand), or None.
    not_sent: str | None = None


def deliver_account_message(
    settings: Settings, to: str, subject: str, text: str
) -> tuple[Path, str | None]:
    """Send the message: by SMTP when a server is configured, as the letters go; always kept in
    the outbox folder as an .eml file too (the record, and the delivery when no SMTP is set).

    Returns the outbox file and, when SMTP was tried and failed, why. Unlike a letter, an account
    message is not retried by a workflow: the person asking is there to hear it failed.
    """
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="napreview.local")
    message.set_content(text)
    outbox = settings.outbox_dir
    outbox.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", to)
    path = outbox / f"{stamp}-account-{safe}.eml"
    path.write_bytes(bytes(message))
    if not settings.smtp_host:
        return path, None
    return path, _send_now(settings, message, to)


def _send_now(settings: Settings, message: EmailMessage, to: str) -> str | None:
    """SMTP from synchronous code: the command line, and the portal, which calls ``send_link``
    on a thread of its own (``asyncio.to_thread``)."""

    async def send() -> str | None:
        try:
            refused, _ = await send_by_smtp(settings, message)
        except aiosmtplib.SMTPRecipientsRefused as err:
            return refused_recipients(err)
        except aiosmtplib.SMTPResponseException as err:
            return f"the mail server answered {err.code} {err.message}"
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as err:
            return f"the mail server could not be reached ({type(err).__name__}: {err})"
        if to in refused:
            return f"{to}: {refused[to].code} {refused[to].message}"
        return None

    return asyncio.run(send())


def send_link(
    store: Store,
    email: str,
    purpose: str,
    *,
    base_url: str,
    settings: Settings,
    created_by: str | None,
    language: str | None = None,
    lifetime: timedelta | None = None,
) -> SentLink:
    """Create a single-use link for an invitation or a reset and send it to the person, in
    ``language`` if given, else in theirs (``language_for``)."""
    accounts = Accounts(store)
    lifetime = lifetime or (INVITATION_LIFETIME if purpose == INVITE else RESET_LIFETIME)
    token = accounts.create_link(email, purpose, created_by, lifetime)
    link = f"{base_url.rstrip('/')}/password/{token}"
    expires = datetime.now(UTC) + lifetime
    if language not in LANGUAGES:
        language = language_for(store, email)
    to = email.strip().lower()
    said = account_message(purpose, language, link, expires, settings, _person(store, to))
    path, not_sent = deliver_account_message(settings, to, said.subject, said.text)
    return SentLink(email=to, link=link, expires_at=expires, message=path, not_sent=not_sent)


def _person(store: Store, email: str) -> Addressable | None:
    """The focal point's record of the person, whose title and name the salutation uses; None
    for anyone else (the message then greets without a name)."""
    code = store.people.actor(email).member
    if not code:
        return None
    return next((f for f in store.focal_points.active(code) if f.email.lower() == email), None)


def language_for(store: Store, email: str, fallback: str = "en") -> str:
    """The language a message to this person is written in: the one they chose in the portal,
    else their member's correspondence language, else ``fallback`` (English if not one of
    ours)."""
    chosen = Accounts(store).language(email)
    if chosen in LANGUAGES:
        return chosen
    code = store.people.actor(email).member
    member = store.members.find(code) if code else None
    if member is not None:
        return member.language.value
    return fallback if fallback in LANGUAGES else "en"
