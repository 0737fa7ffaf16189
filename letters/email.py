"""A stored letter as one email: text and HTML alternatives, the PDF attached to the letters
that go with one (schemas/letters.PDF_ATTACHED), the Permanent Mission in copy, and a Message-ID
and Date derived from the letter, so every attempt sends the same message."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from napreview.i18n.names import name_forms
from napreview.i18n.translator import translator
from napreview.schemas.delivery import message_id
from napreview.schemas.letters import LetterKind
from napreview.schemas.members import Member
from napreview.store.letters import Letter

# What no file name may hold on the systems the recipients save attachments on.
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def attachment_name(row: Letter, member: Member | None) -> str:
    """The PDF's name as a person files it, in the letter's language: "Senegal — review 2027 —
    final feedback.pdf", "Sénégal — examen 2027 — conclusions finales.pdf". The cycle summary,
    about every member, names none."""
    words = translator(row.language)
    parts = []
    if member is not None and row.kind != LetterKind.CYCLE_SUMMARY:
        parts.append(name_forms(member, row.language).short)
    # Translators: in the name of a letter's PDF ("Senegal — review 2027 — final feedback.pdf").
    parts.append(words.pgettext("attachment", "review {cycle}", cycle=row.cycle_id))
    parts.append(words.term("letter", row.kind))
    return _NOT_IN_FILE_NAMES.sub("", " — ".join(parts)) + ".pdf"


def letter_message(
    row: Letter, sender: str, pdf: bytes | None, member: Member | None
) -> EmailMessage:
    """``member``: the member reviewed, whose name the attachment bears; ``pdf`` None: no
    attachment."""
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
    if pdf is not None:
        message.add_attachment(
            pdf, maintype="application", subtype="pdf", filename=attachment_name(row, member)
        )
    return message
