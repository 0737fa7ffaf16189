"""The worker writes the workflows' bytecode when it starts (issue #23), so the sandbox, which
imports a workflow's module afresh for every workflow, unmarshals it instead of compiling the
source each time, even where PYTHONDONTWRITEBYTECODE=1 stops Python writing it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import napreview.workflows.review as review
from napreview.temporal.bytecode import compile_workflows


def test_the_review_workflow_is_compiled_once_whatever_the_environment_says(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # as PYTHONDONTWRITEBYTECODE=1 sets
    Path(importlib.util.cache_from_source(review.__file__)).unlink(missing_ok=True)
    folder = compile_workflows(tmp_path / "bytecode")
    cached = Path(importlib.util.cache_from_source(review.__file__))
    assert cached.is_relative_to(folder) and cached.exists()
    # The loader takes it: it was made from the source as it is now (its recorded mtime).
    recorded = int.from_bytes(cached.read_bytes()[8:12], "little")
    assert recorded == int(Path(review.__file__).stat().st_mtime)
