"""What a file beside a review may be, the name it is kept and downloaded under, a comment's
text, and how searches compare names: pure rules, no server."""

from __future__ import annotations

import pytest

from napreview.schemas.attachments import AttachmentKind, file_problem, kept_name, media_type
from napreview.services.inputs import UnfitText, fit_text
from napreview.services.search import folded
from napreview.web.downloads import disposition

PDF = b"%PDF-1.7\n%%EOF\n"
XLSX = b"PK\x03\x04" + b"\x00" * 40
MB = 1024 * 1024


def test_the_plan_is_a_pdf_and_what_backs_it_up_may_be_an_office_document():
    assert file_problem(AttachmentKind.NAP, "PAN.pdf", PDF, "application/pdf", MB) is None
    assert file_problem(AttachmentKind.NAP, "plan.xlsx", XLSX, None, MB) == "wrong_type"
    framework = AttachmentKind.MONITORING_FRAMEWORK
    assert file_problem(framework, "Indicateurs.xlsx", XLSX, "", MB) is None
    assert media_type("Indicateurs.xlsx").endswith("spreadsheetml.sheet")


def test_a_file_is_what_its_bytes_say_not_what_its_name_claims():
    annex = AttachmentKind.ANNEX
    assert file_problem(annex, "annex.pdf", b"MZ\x90\x00", "application/pdf", MB) == "wrong_type"
    assert file_problem(annex, "annex.docx", PDF, None, MB) == "wrong_type"
    assert file_problem(annex, "annex.pdf", PDF, "text/html", MB) == "wrong_type"
    assert file_problem(annex, "annex.exe", b"MZ", None, MB) == "wrong_type"
    assert file_problem(annex, "annex.pdf", b"", None, MB) == "empty"
    assert file_problem(annex, "annex.pdf", PDF + b"x" * MB, None, MB) == "too_large"


def test_a_file_keeps_the_name_it_was_given_without_folders():
    assert kept_name("C:\\Users\\fp\\PAN-Sénégal-2025.pdf") == "PAN-Sénégal-2025.pdf"
    assert kept_name("../../etc/pass:wd.pdf") == "passwd.pdf"
    long = kept_name("a" * 300 + ".pdf")
    assert len(long) == 255 and long.endswith(".pdf")


def test_a_download_is_named_as_uploaded_in_every_browser():
    header = disposition("PAN-Sénégal-2025.pdf")
    assert 'filename="PAN-Senegal-2025.pdf"' in header
    assert "filename*=UTF-8''PAN-S%C3%A9n%C3%A9gal-2025.pdf" in header
    assert disposition('a"b.pdf').startswith('attachment; filename="ab.pdf";')


def test_a_comment_keeps_its_paragraphs_and_nothing_else_that_cannot_be_kept():
    assert fit_text("comment", "  Bonjour,\r\n\r\nle cadre de suivi ?\t ", 100) == (
        "Bonjour,\n\nle cadre de suivi ?"
    )
    with pytest.raises(UnfitText) as empty:
        fit_text("comment", " \n ", 100)
    assert empty.value.problem == "missing"
    with pytest.raises(UnfitText) as nul:
        fit_text("comment", "a\x00b", 100)
    assert nul.value.problem == "control"
    with pytest.raises(UnfitText) as long:
        fit_text("comment", "x" * 101, 100)
    assert long.value.problem == "too_long" and long.value.limit == 100


def test_searches_compare_names_without_accents_or_case():
    assert folded("Sénégal") == folded("SENEGAL") == "senegal"
    assert folded("Perú") == "peru"
