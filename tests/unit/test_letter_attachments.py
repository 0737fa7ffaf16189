"""A letter's PDF is named for the people who file it (issue #19), in the letter's language:
the member, the review's cycle and the kind of letter, never an id."""

from __future__ import annotations

import datetime

import pytest

from napreview.letters.email import attachment_name, letter_message
from napreview.schemas.network import MEMBERS_BY_CODE
from napreview.store.letters import Letter


def letter(kind: str, member: str, language: str, cycle: str = "2027") -> Letter:
    return Letter(
        id="c9d51fbd83fb43c5",
        idempotency_key=f"review-{cycle}-{member}/{kind}/1/{member}",
        kind=kind,
        cycle_id=cycle,
        member_code=member,
        round=1,
        recipient="fp@example.org",
        recipient_name="A Focal Point",
        recipient_member=member,
        copy_to=[],
        cc=[],
        language=language,
        subject="Subject",
        body_text="Text",
        body_html="<p>HTML</p>",
        sha256="0" * 64,
        template=f"{language}/{kind}.j2",
        template_version="0" * 64,
        inputs_sha256="0" * 64,
        created_at=datetime.datetime(2027, 8, 30, tzinfo=datetime.UTC),
        delivery_state="queued",
        delivery_detail=None,
        delivery_attempts=0,
        delivered_at=None,
    )


@pytest.mark.parametrize(
    ("kind", "member", "language", "expected"),
    [
        ("final_feedback", "SEN", "en", "Senegal — review 2027 — final feedback.pdf"),
        ("final_feedback", "SEN", "fr", "Sénégal — examen 2027 — conclusions finales.pdf"),
        ("review_request", "PER", "es", "Perú — examen 2027 — solicitud de examen entre pares.pdf"),
        ("cycle_summary", "NAM", "en", "review 2027 — cycle summary.pdf"),
    ],
)
def test_the_pdf_is_named_for_the_member_the_cycle_and_the_letter_in_its_language(
    kind: str, member: str, language: str, expected: str
) -> None:
    row = letter(kind, member, language)
    assert attachment_name(row, MEMBERS_BY_CODE[member]) == expected
    message = letter_message(row, "secretariat@example.org", b"%PDF-", MEMBERS_BY_CODE[member])
    [pdf] = message.iter_attachments()
    assert pdf.get_filename() == expected


def test_no_character_a_file_system_refuses_reaches_the_name() -> None:
    row = letter("invitation", "SEN", "en", cycle="2027/b:c")
    name = attachment_name(row, MEMBERS_BY_CODE["SEN"])
    assert name == "Senegal — review 2027bc — invitation.pdf"
