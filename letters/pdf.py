"""A letter as PDF, from its HTML (WeasyPrint; fonts from the system, e.g. Debian's
fonts-liberation2 and fonts-dejavu-core)."""

from __future__ import annotations


def letter_pdf(html: str) -> bytes:
    """The letter's HTML laid out on A4 pages (the layout's print styles apply)."""
    from weasyprint import HTML  # imported when needed: it loads Pango

    return HTML(string=html).write_pdf()
