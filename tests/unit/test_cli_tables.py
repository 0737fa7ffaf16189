"""Lists never cut what people copy into the next command (issue #21): ids and addresses are
whole on an 80-column terminal, the other columns wrap."""

from __future__ import annotations

import io

from rich.console import Console

from napreview.cli import common


def test_ids_stay_whole_on_a_narrow_terminal(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(common, "console", Console(file=out, width=80))
    ids = ["3f9a1c0d2b7e4a51", "a07c93e1d4b2f6e0"]
    common.print_table(
        "2 letter(s)",
        ("Id", "Created", "Kind", "Cycle", "Member", "Recipient", "Lang", "Delivery"),
        [
            (
                i,
                "2026-12-04 18:00",
                "review_request",
                "2019-web-long",
                "DEU",
                "fp.deu@example.org",
                "en",
                "filed in the outbox",
            )
            for i in ids
        ],
        whole=("Id", "Cycle"),
    )
    shown = out.getvalue()
    assert all(i in shown for i in ids) and "2019-web-long" in shown
    assert max(len(line) for line in shown.splitlines()) <= 80
