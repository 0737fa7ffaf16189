"""Workflow code compiled once per release, not once per workflow.

The sandbox imports a workflow's module afresh for every workflow it creates (a review, a
cycle, a letter's delivery), through Python's ordinary loader: with bytecode in __pycache__
that is an unmarshal (0.2 ms for workflows/review.py); without it, a compile from source
(5 ms). An environment with PYTHONDONTWRITEBYTECODE=1 (a container, a CI runner) never writes
that bytecode, so a worker compiled review.py for every review it ran: 7% of its CPU with
delivery off (issue #23). The worker writes the workflows' bytecode itself when it starts;
where the package's folder is read-only, into a cache of its own (``sys.pycache_prefix``).
"""

from __future__ import annotations

import compileall
import logging
import os
import sys
from pathlib import Path

import napreview.workflows

log = logging.getLogger(__name__)


def compile_workflows(fallback: Path) -> Path:
    """Write the bytecode of every module of napreview.workflows (those already right are
    left alone); returns the folder that holds it. ``fallback``: where to keep it when the
    package's own __pycache__ cannot be written."""
    package = Path(next(iter(napreview.workflows.__path__)))
    if not os.access(package, os.W_OK) and sys.pycache_prefix is None:
        fallback.mkdir(parents=True, exist_ok=True, mode=0o700)
        sys.pycache_prefix = str(fallback)  # the loader then reads bytecode from there too
    if not compileall.compile_dir(package, maxlevels=0, quiet=2):
        log.warning("The workflows' bytecode could not be written: each is compiled per run.")
    return Path(sys.pycache_prefix) if sys.pycache_prefix else package / "__pycache__"
