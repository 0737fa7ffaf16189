"""Documents as evidence of a follow-up's items from the command line, on the dev server: sent
with an item's update (`--file`) and with a progress report (`--evidence-file ITEM=PATH`),
refused when unfit with nothing changed, saved again by whoever reads the follow-up
(`follow-up evidence`), and named in the export."""

from __future__ import annotations

import csv
import hashlib
import json

from ..helpers import SECRETARIAT, complete_review, fp, start_cycle
from .test_cli import napreview, worker  # noqa: F401 (fixtures)
from .test_follow_up_cli import _in_thread, follow_up_when

PDF = b"%PDF-1.7\n the national budget line for the action plan"
ODT = b"PK\x03\x04 the ministry's annual report"


async def test_documents_as_evidence_through_the_command_line(
    dev_env,
    store,
    tmp_path,
    napreview,  # noqa: F811
    worker,  # noqa: F811
):
    members = ["DEU", "FRA", "MEX", "NAM", "JPN"]
    cycle = await start_cycle(dev_env.client, store, worker.task_queue, members)
    await complete_review(dev_env.client, store, cycle, "DEU")
    outsider = next(
        m for m in members[1:] if not store.cycles.is_drawn_reviewer(cycle, "DEU", m)
    )  # reads nothing of Germany's review
    state = await _in_thread(follow_up_when, napreview, cycle, "DEU", lambda s: s["items"])
    first, second = (item["key"] for item in state["items"][:2])
    budget = tmp_path / "Budget 2027.pdf"
    budget.write_bytes(PDF)
    disguised = tmp_path / "annual-report.pdf"
    disguised.write_bytes(ODT)  # an OpenDocument file called a PDF

    # With an item's update.
    updated = await _in_thread(
        napreview, "follow-up", "update", cycle, "DEU", first, "--status", "under_way",
        "--file", str(budget), "--as", fp("DEU"),
    )  # fmt: skip
    assert updated.exit_code == 0, updated.output

    # With a report: a file that is not what its name says is refused (exit 3), recorded, and
    # nothing of the report is taken.
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"narrative": "Adopted.", "updates": [{"key": first}]}))
    refused = await _in_thread(
        napreview, "follow-up", "report", cycle, "DEU", str(report),
        "--evidence-file", f"{second}={disguised}", "--as", fp("DEU"),
    )  # fmt: skip
    assert refused.exit_code == 3, refused.output
    assert "annual-report.pdf is not a PDF, Word, Excel or OpenDocument file" in refused.output
    assert [r.why.code for r in store.refusals.of_review(cycle, "DEU")] == [
        "evidence_file_wrong_type"
    ]
    usage = await _in_thread(
        napreview, "follow-up", "report", cycle, "DEU", str(report),
        "--evidence-file", str(budget), "--as", fp("DEU"),
    )  # fmt: skip
    assert usage.exit_code == 2 and "ITEM=PATH" in usage.output
    disguised.rename(report_file := tmp_path / "annual-report.odt")
    sent = await _in_thread(
        napreview, "follow-up", "report", cycle, "DEU", str(report),
        "--evidence-file", f"{second}={report_file}", "--as", fp("DEU"),
    )  # fmt: skip
    assert sent.exit_code == 0, sent.output

    state = await _in_thread(follow_up_when, napreview, cycle, "DEU", lambda s: s["reports"])
    items = {item["key"]: item for item in state["items"]}
    [kept] = items[first]["evidence"]
    assert kept["kind"] == "document" and kept["filename"] == "Budget 2027.pdf"
    assert kept["sha256"] == hashlib.sha256(PDF).hexdigest()
    [annual] = items[second]["evidence"]
    assert annual["filename"] == "annual-report.odt"

    # Saved again by whoever reads the follow-up; refused to a member outside the review.
    saved = tmp_path / "saved.pdf"
    got = await _in_thread(
        napreview, "follow-up", "evidence", cycle, "DEU", kept["ref"], "-o", str(saved),
        "--as", SECRETARIAT,
    )  # fmt: skip
    assert got.exit_code == 0, got.output
    assert saved.read_bytes() == PDF and "Budget 2027.pdf" in got.output
    refused_read = await _in_thread(
        napreview, "follow-up", "evidence", cycle, "DEU", kept["ref"], "-o", str(saved),
        "--as", fp(outsider),
    )  # fmt: skip
    assert refused_read.exit_code == 3, refused_read.output

    sheet = tmp_path / "follow-up.csv"
    exported = await _in_thread(
        napreview, "follow-up", "export", cycle, "DEU", "-o", str(sheet), "--as", SECRETARIAT
    )
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(sheet.read_text(encoding="utf-8-sig").splitlines()))
    named = {row["item"]: row["evidence"] for row in rows}
    assert named[first] == "Budget 2027.pdf" and named[second] == "annual-report.odt"
