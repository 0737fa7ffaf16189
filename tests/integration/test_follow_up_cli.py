"""A follow-up end to end on the dev server: an approved review starts it, the member's focal
point updates an item and sends a progress report, the secretariat acknowledges it, and the
items come out as a spreadsheet; every step through `napreview follow-up`."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

from openpyxl import load_workbook

from napreview.schemas.review import Stage
from napreview.services import steps
from napreview.workflows import contract

from ..helpers import SECRETARIAT, at_stage, complete_review, fp, start_cycle
from .test_cli import napreview, worker  # noqa: F401 (fixtures)


def follow_up_when(napreview, cycle: str, member: str, ready, timeout: float = 30.0) -> dict:  # noqa: F811
    deadline = time.monotonic() + timeout
    shown = None
    while time.monotonic() < deadline:
        shown = napreview("follow-up", "show", cycle, member, "--json", "--as", SECRETARIAT)
        if shown.exit_code == 0 and ready(state := json.loads(shown.stdout)):
            return state
        time.sleep(0.2)
    raise AssertionError(f"not reached; last answer {shown.output if shown else None}")


async def test_a_follow_up_from_sign_off_to_an_acknowledged_report(
    dev_env,
    store,
    tmp_path,
    napreview,  # noqa: F811
    worker,  # noqa: F811
):
    client = dev_env.client
    cycle = await start_cycle(client, store, worker.task_queue, ["DEU", "MEX", "NAM", "JPN"])
    await complete_review(client, store, cycle, "DEU")

    # The approved review started its follow-up: the supported peer recommendations, the CEDAW
    # gaps and the Network recommendations Germany still works on, none started yet.
    state = await _in_thread(follow_up_when, napreview, cycle, "DEU", lambda s: s["items"])
    sources = {item["source"] for item in state["items"]}
    assert "peer_recommendation" in sources and "network_recommendation" in sources
    assert {item["status"] for item in state["items"]} == {"not_started"}
    assert state["period"] == 1 and not state["closed"]
    peer = next(i for i in state["items"] if i["source"] == "peer_recommendation")
    assert peer["text"]  # the recommendation's own wording, from the store

    key = state["items"][0]["key"]
    # Another member's focal point is refused (exit 3) and nothing changes.
    other = await _in_thread(
        napreview, "follow-up", "update", cycle, "DEU", key, "--status", "done",
        "--as", fp("MEX"),
    )  # fmt: skip
    assert other.exit_code == 3, other.output
    assert "only the focal point of" in other.output
    # A status that does not exist is bad input (exit 2).
    bad = await _in_thread(
        napreview, "follow-up", "update", cycle, "DEU", key, "--status", "finished",
        "--as", fp("DEU"),
    )  # fmt: skip
    assert bad.exit_code == 2 and "not_started, under_way, done or not_pursued" in bad.output
    done = await _in_thread(
        napreview, "follow-up", "update", cycle, "DEU", key, "--status", "under_way",
        "--lead", "Federal Foreign Office", "--target", "2028-12-31",
        "--link", "https://example.org/nap-budget", "--sdg", "5.5", "--as", fp("DEU"),
    )  # fmt: skip
    assert done.exit_code == 0, done.output

    # The report starts from a template listing the open items as they stand.
    started = await _in_thread(napreview, "template", "progress-report", "DEU")
    assert started.exit_code == 0, started.output
    listed = json.loads(started.stdout)["updates"]
    assert {u["key"] for u in listed} == {i["key"] for i in state["items"]}
    assert next(u for u in listed if u["key"] == key)["status"] == "under_way"
    report = tmp_path / "report.json"
    report.write_text(
        json.dumps(
            {
                "narrative": "The budget line was adopted in the 2028 federal budget.",
                "updates": [{"key": key, "status": "done"}],
            }
        )
    )
    sent = await _in_thread(
        napreview, "follow-up", "report", cycle, "DEU", str(report), "--as", fp("DEU")
    )
    assert sent.exit_code == 0, sent.output
    assert "Progress report received" in sent.output and "progress report 2 due" in sent.output

    by_member = await _in_thread(
        napreview, "follow-up", "acknowledge", cycle, "DEU", "1", "--as", fp("DEU")
    )
    assert by_member.exit_code == 3 and "only the secretariat" in by_member.output
    acknowledged = await _in_thread(
        napreview, "follow-up", "acknowledge", cycle, "DEU", "1", "--comments", "Thank you.",
        "--as", SECRETARIAT,
    )  # fmt: skip
    assert acknowledged.exit_code == 0, acknowledged.output

    state = await _in_thread(
        follow_up_when, napreview, cycle, "DEU", lambda s: s["reports"] and s["period"] == 2
    )
    item = next(i for i in state["items"] if i["key"] == key)
    assert item["status"] == "done" and item["lead_institution"] == "Federal Foreign Office"
    assert [h["status"] for h in item["history"]] == ["under_way", "done"]
    assert item["history"][-1]["period"] == 1
    assert item["tags"]["sdg_target"] == "5.5"
    assert state["reports"][0]["acknowledgement"] == "Thank you."

    # The export opens in a spreadsheet program.
    sheet = tmp_path / "follow-up.xlsx"
    exported = await _in_thread(
        napreview, "follow-up", "export", cycle, "-o", str(sheet), "--as", SECRETARIAT
    )
    assert exported.exit_code == 0, exported.output
    rows = list(load_workbook(sheet).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("cycle", "member", "item", "source", "recommendation", "status")
    assert len(rows) == 1 + len(state["items"])
    row = next(r for r in rows if r[2] == key)
    assert (row[1], row[5], row[6], row[11]) == ("DEU", "done", "Federal Foreign Office", "5.5")

    # The secretariat cannot start a second follow-up of the same review.
    again = await _in_thread(napreview, "follow-up", "start", cycle, "DEU", "--as", SECRETARIAT)
    assert again.exit_code == 3 and "already followed up" in again.output
    # An open review has nothing to follow yet.
    open_review = await _in_thread(
        napreview, "follow-up", "start", cycle, "MEX", "--as", SECRETARIAT
    )
    assert open_review.exit_code == 3 and "not completed" in open_review.output

    # The next cycle starts from the last: Germany's template carries what became of each
    # Network recommendation it works on.
    network = next(i for i in state["items"] if i["source"] == "network_recommendation")
    rid = network["source_ref"]
    marked = await _in_thread(
        napreview, "follow-up", "update", cycle, "DEU", network["key"], "--status", "done",
        "--lead", "Ministry of Defence", "--as", fp("DEU"),
    )  # fmt: skip
    assert marked.exit_code == 0, marked.output
    await _in_thread(
        follow_up_when, napreview, cycle, "DEU",
        lambda s: any(i["key"] == network["key"] and i["status"] == "done" for i in s["items"]),
    )  # fmt: skip
    template = await _in_thread(napreview, "template", "self-assessment", "DEU")
    assert template.exit_code == 0, template.output
    assert f"Started from the follow-up of the {cycle} review of Germany" in template.stderr
    prefilled = json.loads(template.stdout)
    answer = next(r for r in prefilled["recommendations"] if r["id"] == rid)
    assert answer["status"] == "achieved"
    assert answer["evidence"].startswith(f"Follow-up of the {cycle} review: done")
    assert "lead institution: Ministry of Defence" in answer["evidence"]

    # In the next cycle, Germany submits it, and its reviewers read beside it what became of
    # the recommendations of the last review.
    members = ["DEU", "MEX", "NAM", "JPN"]
    following = await start_cycle(client, store, worker.task_queue, members, seed=5)
    reviewed = await at_stage(client, following, "DEU", Stage.SELF_ASSESSMENT)
    document = tmp_path / "next.json"
    document.write_text(template.stdout)
    submitted = await _in_thread(
        napreview, "submit", "self-assessment", following, "DEU", str(document), "--as", fp("DEU")
    )
    assert submitted.exit_code == 0, submitted.output
    reviewer = reviewed.reviewers[0].member
    shown = await _in_thread(
        napreview, "documents", "show", following, "DEU", "self-assessment", "--json",
        "--as", fp(reviewer),
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    previous = json.loads(shown.stdout)["previous_recommendations"]
    assert {p["cycle"] for p in previous} == {cycle}
    seen = next(p for p in previous if p["key"] == network["key"])
    assert (seen["status"], seen["lead_institution"]) == ("done", "Ministry of Defence")

    # Every approved review of the cycle is followed up already: nothing to start.
    nothing = await _in_thread(napreview, "follow-up", "start", cycle, "--as", SECRETARIAT)
    assert nothing.exit_code == 0 and "No approved review" in nothing.output
    # A follow-up an operator ended is started again by the secretariat from the approved
    # review, as one approved before follow-ups existed is, and reports every 180 days.
    handle = client.get_workflow_handle(contract.follow_up_workflow_id(cycle, "DEU"))
    await handle.terminate("ended by an operator")
    restarted = await _in_thread(
        napreview, "follow-up", "start", cycle, "DEU", "--every", "180d", "--as", SECRETARIAT
    )
    assert restarted.exit_code == 0, restarted.output
    assert "DEU: follow-up started." in restarted.output
    again = await _in_thread(
        follow_up_when, napreview, cycle, "DEU", lambda s: s["items"] and not s["reports"]
    )
    approved = (await steps.review_state(client, cycle, "DEU")).finished_at
    assert datetime.fromisoformat(again["due"]) - approved == timedelta(days=180)
    assert {i["status"] for i in again["items"]} == {"not_started"}
    shown = await _in_thread(napreview, "follow-up", "show", cycle, "DEU", "--as", fp("DEU"))
    assert shown.exit_code == 0 and "Follow-up of DEU" in shown.output
    await client.get_workflow_handle(contract.follow_up_workflow_id(cycle, "DEU")).terminate(
        "end of test"
    )


async def _in_thread(func, *args):
    import asyncio

    return await asyncio.to_thread(func, *args)
