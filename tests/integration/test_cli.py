"""The command line end to end on the real dev server, as the example people would use it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from napreview.cli.app import app

from ..helpers import SECRETARIAT, fp

runner = CliRunner()


@pytest.fixture
def napreview(dev_env, store, tmp_path, monkeypatch):
    """Run `napreview ...` against the test server and this test's store; a worker serves."""
    monkeypatch.setenv("NAPREVIEW_HOME", str(tmp_path))
    monkeypatch.setenv("NAPREVIEW_DATABASE_URL", store.engine.url.render_as_string(False))
    monkeypatch.setenv(
        "NAPREVIEW_TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host
    )
    monkeypatch.setenv("NAPREVIEW_TASK_QUEUE", f"cli-{tmp_path.name}")
    monkeypatch.delenv("NAPREVIEW_USER", raising=False)

    def call(*args: str):
        return runner.invoke(app, list(args))

    return call


def wait_for(napreview, cycle: str, member: str, ready, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    state: dict = {}
    while time.monotonic() < deadline:
        shown = napreview("review", "show", cycle, member, "--json", "--as", SECRETARIAT)
        if shown.exit_code == 0:
            state = json.loads(shown.stdout)
            if ready(state):
                return state
        time.sleep(0.2)
    raise AssertionError(f"not reached; last state {state}")


@pytest.fixture
async def worker(dev_env, store, tmp_path, napreview):
    from napreview.settings import load_settings
    from napreview.worker import build_worker

    settings = load_settings()
    async with build_worker(dev_env.client, settings, store):
        yield settings


async def _in_thread(func, *args):
    import asyncio

    return await asyncio.to_thread(func, *args)


def drive_germany(napreview, tmp_path: Path) -> None:
    cycle = "2019-cli"  # cycle 2019 is the README walk-through's (tests/integration/test_readme.py)
    started = napreview(
        "cycle",
        "start",
        cycle,
        "--members",
        "DEU,FRA,MEX,NAM,JPN",
        "--seed",
        "11",
        "--as",
        SECRETARIAT,
    )
    assert started.exit_code == 0, started.output
    state = wait_for(napreview, cycle, "DEU", lambda s: s["letters"])
    assert state["stage"] == "self_assessment"

    template = napreview("template", "self-assessment", "DEU")
    sa = tmp_path / "sa.json"
    sa.write_text(template.stdout)
    # the wrong person: France's focal point cannot submit Germany's self-assessment
    refused = napreview("submit", "self-assessment", cycle, "DEU", str(sa), "--as", fp("FRA"))
    assert refused.exit_code == 3
    assert "only the focal point of Germany" in refused.output
    # a malformed file names the field, and changes nothing
    broken = json.loads(template.stdout)
    broken["nap"]["pillars"] = ["peacekeeping"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken))
    invalid = napreview("submit", "self-assessment", cycle, "DEU", str(bad), "--as", fp("DEU"))
    assert invalid.exit_code == 2 and "nap.pillars.0" in invalid.output
    # an unknown member is not found, with a suggestion
    unknown = napreview("review", "show", cycle, "GERMANY", "--json", "--as", SECRETARIAT)
    assert unknown.exit_code == 4 and "DEU (Germany)" in unknown.output

    accepted = napreview("submit", "self-assessment", cycle, "DEU", str(sa), "--as", fp("DEU"))
    assert accepted.exit_code == 0, accepted.output
    # What a command says is true after it: the review has moved on to peer review.
    said = " ".join(accepted.output.split())
    assert "The review of Germany is now at peer review (round 1); peer reviews due" in said
    twice = napreview("submit", "self-assessment", cycle, "DEU", str(sa), "--as", fp("DEU"))
    assert twice.exit_code == 3 and "already submitted" in twice.output

    state = wait_for(napreview, cycle, "DEU", lambda s: s["stage"] == "peer_review")
    review = tmp_path / "review.json"
    review.write_text(napreview("template", "peer-review", "DEU").stdout)
    for reviewer in [r["member"] for r in state["reviewers"]]:
        done = napreview("submit", "peer-review", cycle, "DEU", str(review), "--as", fp(reviewer))
        assert done.exit_code == 0, done.output
    # Germany answers the peer recommendations before the review may reach sign-off.
    state = wait_for(napreview, cycle, "DEU", lambda s: s.get("answers_due") is not None)
    keys = [r["key"] for pr in state["peer_reviews"] for r in pr["recommendations"]]
    early = napreview("sign-off", cycle, "DEU", "--approve", "--as", SECRETARIAT)
    assert early.exit_code == 3 and "not sign off" in early.output
    answered = napreview(
        "respond",
        cycle,
        "DEU",
        "--supported",
        ",".join(keys[:1]),
        "--noted",
        ",".join(keys[1:]),
        "--as",
        fp("DEU"),
    )
    assert answered.exit_code == 0, answered.output
    said = " ".join(answered.output.split())
    assert "Every recommendation is answered. The review of Germany is now at sign-off" in said
    state = wait_for(napreview, cycle, "DEU", lambda s: s["stage"] == "sign_off")
    assert state["cedaw"]["rating"] == "partial" and state["cedaw"]["findings"]

    auditor = napreview("sign-off", cycle, "DEU", "--approve", "--as", "auditor@example.org")
    assert auditor.exit_code == 3 and "only the secretariat" in auditor.output
    approved = napreview(
        "sign-off", cycle, "DEU", "--approve", "--comments", "Well done", "--as", SECRETARIAT
    )
    assert approved.exit_code == 0, approved.output
    assert "The review of Germany is now completed (round 1)." in approved.output
    state = wait_for(napreview, cycle, "DEU", lambda s: s["stage"] == "completed")
    # Who signed off is said as a person, though history keeps only an opaque id.
    [decision] = state["sign_offs"]
    assert decision["by_email"] == SECRETARIAT and decision["by"] != SECRETARIAT
    shown = " ".join(napreview("review", "show", cycle, "DEU", "--as", SECRETARIAT).output.split())
    assert f"by {SECRETARIAT} on" in shown and decision["by"] not in shown
    steps = [r["step"] for r in state["rejected"]]
    assert steps.count("submit_self_assessment") == 2 and "sign_off" in steps
    letters = json.loads(
        napreview(
            "letters", "list", "--cycle", cycle, "--member", "DEU", "--json", "--as", SECRETARIAT
        ).stdout
    )
    assert [letter["kind"] for letter in letters][-1] == "final_feedback"
    text = napreview("letters", "show", letters[-1]["id"], "--as", fp("DEU"))
    assert "Germany" in text.stdout


async def test_a_review_driven_step_by_step_through_the_cli(worker, napreview, tmp_path):
    await _in_thread(drive_germany, napreview, tmp_path)


def overdue_in_peer_review(napreview, tmp_path: Path) -> None:
    # Real seconds on the dev server: this checks visibility end to end; the timer logic itself
    # is tested with skipped time on the time-skipping server.
    started = napreview(
        "cycle",
        "start",
        "2019-short",
        "--members",
        "DEU,FRA,MEX,NAM",
        "--peer-review",
        "2s",
        "--reminder",
        "1s",
        "--as",
        SECRETARIAT,
    )
    assert started.exit_code == 0, started.output
    wait_for(napreview, "2019-short", "DEU", lambda s: s["letters"])
    sa = tmp_path / "sa.json"
    sa.write_text(napreview("template", "self-assessment", "DEU").stdout)
    assert (
        napreview(
            "submit", "self-assessment", "2019-short", "DEU", str(sa), "--as", fp("DEU")
        ).exit_code
        == 0
    )
    wait_for(napreview, "2019-short", "DEU", lambda s: s["overdue"])
    for source in ((), ("--live",)):  # the store's read model, then Temporal's visibility
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            result = napreview(
                "cycle", "status", "2019-short", "--stage", "peer_review", "--overdue", "--json",
                *source, "--as", SECRETARIAT,
            )  # fmt: skip
            status = json.loads(result.stdout)
            if status["reviews"]:
                break
            time.sleep(0.5)
        assert [r["member"] for r in status["reviews"]] == ["DEU"], source
        assert status["reviews"][0]["overdue"] is True
        assert status["counts"]["self_assessment"] == 3 and status["counts"]["peer_review"] == 1
        assert status["task_failing"] == ({} if source else None)


async def test_cycle_status_answers_overdue_peer_reviews_from_the_store_and_visibility(
    worker, napreview, tmp_path
):
    await _in_thread(overdue_in_peer_review, napreview, tmp_path)


def demo_all(napreview) -> None:
    result = napreview("demo", "--members", "all")
    assert result.exit_code == 0, result.output
    assert "All 83 reviews" in result.output
    # Not a terminal: the last table ends with its own line.
    assert "┘\nAll 83 reviews" in result.output
    cycle = result.output.split("napreview cycle status ")[-1].split()[0]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = json.loads(
            napreview("cycle", "status", cycle, "--json", "--as", "auditor@example.org").stdout
        )
        if status["counts"]["completed"] == 83:
            break
        time.sleep(0.5)
    assert status["counts"]["completed"] == 83
    # Each member's follow-up has its first progress report, acknowledged (the read model
    # follows the workflow a moment later).
    assert "Each member's follow-up has its first progress report, acknowledged." in result.output
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        shown = napreview(
            "follow-up", "show", cycle, "NAM", "--json", "--as", "auditor@example.org"
        )
        assert shown.exit_code == 0, shown.output
        namibia = json.loads(shown.stdout)
        if namibia["reports"] and namibia["reports"][0]["acknowledged_at"]:
            break
        time.sleep(0.5)
    assert namibia["reports"][0]["acknowledged_at"]
    assert namibia["items"][0]["status"] == "under_way"


@pytest.mark.slow
async def test_demo_completes_all_83_reviews(dev_env, napreview):
    await _in_thread(demo_all, napreview)


def test_registry_commands_refuse_anyone_but_the_secretariat(napreview):
    refused = napreview(
        "focal-points",
        "set",
        "DEU",
        "--name",
        "Anna Schmidt",
        "--email",
        "a.schmidt@diplo.de",
        "--as",
        fp("DEU"),
    )
    assert refused.exit_code == 3 and "only the secretariat" in refused.output
    done = napreview(
        "focal-points",
        "set",
        "DEU",
        "--name",
        "Anna Schmidt",
        "--email",
        "a.schmidt@diplo.de",
        "--as",
        SECRETARIAT,
    )
    assert done.exit_code == 0, done.output
    shown = json.loads(napreview("members", "show", "DEU", "--json").stdout)
    assert [f["email"] for f in shown["focal_points"]] == [
        "fp.deu@example.org",
        "a.schmidt@diplo.de",
    ]
    auditor = napreview(
        "users", "add", "x@example.org", "--role", "auditor", "--as", "auditor@example.org"
    )
    assert auditor.exit_code == 3
    added = napreview("users", "add", "x@example.org", "--role", "auditor", "--as", SECRETARIAT)
    assert added.exit_code == 0
    # Every command takes --as; a public read checks it like any other when it is given.
    assert napreview("members", "list", "--as", "auditor@example.org").exit_code == 0
    nobody = napreview("members", "list", "--as", "x@example.org")
    assert nobody.exit_code == 3 and "only the example people" in nobody.output
    unknown = napreview(
        "users", "add", "y@example.org", "--role", "auditor", "--as", "stranger@example.org"
    )
    # Nobody becomes somebody by typing an address: --as names only the example people.
    assert unknown.exit_code == 3 and "only the example people" in unknown.output


def test_a_personal_token_proves_who_acts_and_login_keeps_it(napreview, monkeypatch, tmp_path):
    """The secretariat makes a token, shown once; `login` keeps it for the user alone (0600)
    and later commands act as its person without --as; `logout` forgets it; a revoked token
    proves nobody; a bare --as names only the example people of a trial installation."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert napreview("users", "token", fp("DEU"), "--as", fp("FRA")).exit_code == 3
    made = napreview("users", "token", fp("DEU"), "--label", "laptop", "--as", SECRETARIAT)
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("npr_")

    kept = runner.invoke(app, ["login"], input=token + "\n")
    assert kept.exit_code == 0 and "Signed in as fp.deu@example.org" in kept.output
    path = tmp_path / "config" / "napreview" / "token"
    assert path.read_text().strip() == token and path.stat().st_mode & 0o777 == 0o600
    mine = napreview("tasks", "--json")
    assert mine.exit_code == 0 and json.loads(mine.stdout)["email"] == fp("DEU")
    other = napreview("tasks", "--as", fp("FRA"))
    assert other.exit_code == 3 and "you cannot act as fp.fra@example.org" in other.output
    assert napreview("logout").exit_code == 0 and not path.exists()

    assert napreview("users", "revoke-tokens", fp("DEU"), "--as", SECRETARIAT).exit_code == 0
    monkeypatch.setenv("NAPREVIEW_TOKEN", token)
    revoked = napreview("tasks")
    assert revoked.exit_code == 3 and "This token was revoked" in revoked.output
    monkeypatch.delenv("NAPREVIEW_TOKEN")
    nobody = napreview("members", "list", "--as", "someone@example.org")
    assert nobody.exit_code == 3 and "only the example people" in nobody.output
