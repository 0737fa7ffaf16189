"""A stored letter as one email: text and HTML alternatives, the PDF attached, the Permanent
Mission in copy, and a Message-ID and Date derived from the letter, so every attempt sends the
same message."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from napreview.schemas.delivery import message_id
from napreview.store.letters import Letter


def letter_message(row: Letter, sender: str, pdf: bytes) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((row.recipient_name, row.recipient))
    if row.cc:
        message["Cc"] = ", ".join(row.cc)
    message["Subject"] = row.subject
    message["Message-ID"] = message_id(row.id)
    message["Date"] = format_datetime(row.created_at)
    message["Content-Language"] = row.language
    message.set_content(row.body_text, charset="utf-8")
    message.add_alternative(row.body_html, subtype="html", charset="utf-8")
    message.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=f"{row.kind}-{row.id}.pdf"
    )
    return message
