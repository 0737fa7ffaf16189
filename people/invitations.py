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

from napreview.letters.smtp import refused_recipients, send_by_smtp
from napreview.people.accounts import INVITATION_LIFETIME, RESET_LIFETIME, Accounts
from napreview.settings import Settings
from napreview.store.records import Store

INVITE = "invite"
RESET = "reset"
LANGUAGES = ("en", "fr", "es")

_SUBJECTS = {
    INVITE: {
        "en": "Your access to the WPS Focal Points Network review portal",
        "fr": "Votre accès au portail des examens du Réseau des points focaux FPS",
        "es": "Su acceso al portal de exámenes de la Red de Coordinadores MPS",
    },
    RESET: {
        "en": "Choosing a new password for the review portal",
        "fr": "Choix d'un nouveau mot de passe pour le portail des examens",
        "es": "Elección de una nueva contraseña para el portal de exámenes",
    },
}
_BODIES = {
    INVITE: {
        "en": "UN Women, as secretariat of the Women, Peace and Security Focal Points Network, "
        "invites you to the Network's review portal.\n\nTo choose your password, open this "
        "link before {expires} (UTC); it works once:\n\n{link}\n",
        "fr": "ONU Femmes, en sa qualité de secrétariat du Réseau des points focaux Femmes, paix "
        "et sécurité, vous invite à utiliser le portail des examens du Réseau.\n\nPour choisir "
        "votre mot de passe, veuillez ouvrir ce lien avant le {expires} (UTC) ; il n'est "
        "valable qu'une fois :\n\n{link}\n",
        "es": "ONU Mujeres, en su calidad de secretaría de la Red de Coordinadores sobre las "
        "Mujeres, la Paz y la Seguridad, le invita a utilizar el portal de exámenes de la Red."
        "\n\nPara elegir su contraseña, abra este enlace antes del {expires} (UTC); solo puede "
        "utilizarse una vez:\n\n{link}\n",
    },
    RESET: {
        "en": "A new password was requested for your account on the review portal. To choose "
        "it, open this link before {expires} (UTC); it works once:\n\n{link}\n\nIf you did not "
        "ask for it, you may disregard this message.\n",
        "fr": "Un nouveau mot de passe a été demandé pour votre compte sur le portail des "
        "examens. Pour le choisir, veuillez ouvrir ce lien avant le {expires} (UTC) ; il n'est "
        "valable qu'une fois :\n\n{link}\n\nSi vous n'êtes pas à l'origine de cette demande, "
        "vous pouvez ne pas tenir compte de ce message.\n",
        "es": "Se ha solicitado una nueva contraseña para su cuenta en el portal de exámenes. "
        "Para elegirla, abra este enlace antes del {expires} (UTC); solo puede utilizarse una "
        "vez:\n\n{link}\n\nSi usted no la ha solicitado, puede hacer caso omiso de este "
        "mensaje.\n",
    },
}


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
    body = _BODIES[purpose][language].format(link=link, expires=expires.strftime("%Y-%m-%d %H:%M"))
    to = email.strip().lower()
    path, not_sent = deliver_account_message(settings, to, _SUBJECTS[purpose][language], body)
    return SentLink(email=to, link=link, expires_at=expires, message=path, not_sent=not_sent)


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
