"""Sending one message to the configured SMTP server: the one place napreview speaks SMTP, for
letters (the delivery activity) and account messages (invitations, password resets) alike."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from napreview.settings import Settings


async def send_by_smtp(settings: Settings, message: EmailMessage) -> tuple[dict, str]:
    """Send through ``settings.smtp_*``; returns (recipients refused, the server's reply to DATA).

    aiosmtplib's errors go to the caller, who knows whether a refusal is final for its message.
    """
    security = settings.smtp_security
    return await aiosmtplib.send(
        message,
        hostname=settings.smtp_host,
        port=settings.smtp_port or (465 if security == "tls" else 587),
        username=settings.smtp_username,
        password=settings.smtp_password,
        use_tls=security == "tls",
        start_tls=security == "starttls",
        timeout=settings.smtp_timeout,
    )


def refused_recipients(err: aiosmtplib.SMTPRecipientsRefused) -> str:
    """Each refused address with the server's code and words, as a reason people read."""
    return "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in err.recipients)
