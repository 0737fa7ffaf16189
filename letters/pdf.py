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
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from napreview.letters.files import sha256_text, write_atomically


def letter_pdf(html: str) -> bytes:
    """The letter's HTML laid out on A4 pages (the layout's print styles apply)."""
    from weasyprint import HTML  # imported when needed: it loads Pango

    return HTML(string=html).write_pdf()


@functools.cache
def _pool() -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )


def _die_with_parent(parent: int) -> None:
    """In the PDF process: end as soon as the worker that started it is gone, however it went
    (a SIGKILL leaves no time to stop the pool). Otherwise every killed worker leaves a layout
    process, and the resource tracker it holds open, running for good."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def stop_layout_process() -> None:
    """End the PDF process, if one was started (a process that lays out letters in passing,
    like a test session, stops it before it checks that it leaves nothing behind)."""
    if _pool.cache_info().currsize:
        _pool().shutdown(wait=True, cancel_futures=True)
        _pool.cache_clear()


async def letter_pdf_elsewhere(html: str) -> bytes:
    """:func:`letter_pdf` in the PDF process."""
    return await asyncio.get_running_loop().run_in_executor(_pool(), letter_pdf, html)


async def letter_pdf_kept(folder: Path, html: str) -> bytes:
    """The PDF of this HTML, laid out once: kept in ``folder`` under the HTML's SHA-256, so a
    retried delivery (a mail server down for an hour) or a second reader does not lay the
    same letter out again. A letter's bodies never change once stored, so neither does its
    PDF; a changed HTML is another file."""
    path = folder / f"{sha256_text(html)}.pdf"
    try:
        return await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        pass
    pdf = await letter_pdf_elsewhere(html)
    await asyncio.to_thread(write_atomically, path, pdf)
    return pdf
