"""A letter as PDF, from its HTML (WeasyPrint; fonts from the system, e.g. Debian's
fonts-liberation2 and fonts-dejavu-core).

Layout is CPU-heavy Python: it runs in a process of its own, so that it never holds the worker's
interpreter lock while workflow tasks wait (Temporal's deadlock detector fails a workflow task
that cannot run for two seconds).
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def letter_pdf(html: str) -> bytes:
    """The letter's HTML laid out on A4 pages (the layout's print styles apply)."""
    from weasyprint import HTML  # imported when needed: it loads Pango

    return HTML(string=html).write_pdf()


@functools.cache
def _pool() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


async def letter_pdf_elsewhere(html: str) -> bytes:
    """:func:`letter_pdf` in the PDF process."""
    return await asyncio.get_running_loop().run_in_executor(_pool(), letter_pdf, html)
