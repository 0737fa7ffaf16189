"""A letter is laid out as PDF once (issue #23): WeasyPrint costs a tenth of a CPU second per
letter, so a retried delivery or a second reader finds the PDF kept under its HTML's digest."""

from __future__ import annotations

from pathlib import Path

import pytest

from napreview.letters import pdf as letter_pdf
from napreview.letters.email import letter_message

from .test_letter_attachments import letter


async def test_a_letter_is_laid_out_once_and_then_read_from_where_it_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laid_out: list[str] = []

    async def layout(html: str) -> bytes:
        laid_out.append(html)
        return b"%PDF-" + html.encode()

    monkeypatch.setattr(letter_pdf, "letter_pdf_elsewhere", layout)
    first = await letter_pdf.letter_pdf_kept(tmp_path, "<p>Final feedback</p>")
    again = await letter_pdf.letter_pdf_kept(tmp_path, "<p>Final feedback</p>")
    other = await letter_pdf.letter_pdf_kept(tmp_path, "<p>Cycle summary</p>")
    assert first == again == b"%PDF-<p>Final feedback</p>"
    assert other == b"%PDF-<p>Cycle summary</p>"
    assert laid_out == ["<p>Final feedback</p>", "<p>Cycle summary</p>"]
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in tmp_path.iterdir())


def test_a_notice_is_an_email_with_its_text_and_html_and_no_attachment() -> None:
    message = letter_message(letter("invitation", "SEN", "fr"), "wps@example.org", None, None)
    assert [part.get_content_type() for part in message.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
