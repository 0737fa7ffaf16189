"""Issue #8 on the real dev server: a person's work list, reading documents within one's scope
(refusals recorded), answering peer recommendations, and `review show` with everything."""

from __future__ import annotations

import json
from pathlib import Path

from ..helpers import AUDITOR, SECRETARIAT, fp
from .test_cli import _in_thread, napreview, wait_for, worker  # noqa: F401 - fixtures

MEMBERS = "DEU,FRA,MEX,NAM,JPN"


def _json(result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def work_list_documents_and_answers(napreview, tmp_path: Path) -> None:  # noqa: F811
    cycle = "2019-work"
    started = napreview(
        "cycle", "start", cycle, "--members", MEMBERS, "--seed", "11", "--as", SECRETARIAT
    )
    assert started.exit_code == 0, started.output
    state = wait_for(napreview, cycle, "DEU", lambda s: s["letters"])
    reviewers = [r["member"] for r in state["reviewers"]]
    outsider = next(c for c in MEMBERS.split(",") if c not in reviewers + ["DEU"])

    tasks = _json(napreview("tasks", "--as", fp("DEU"), "--json"))
    mine = [t for t in tasks["tasks"] if t["member"] == "DEU"]
    assert [t["kind"] for t in mine] == ["self_assessment"]
    assert mine[0]["deadline"] and 59 <= mine[0]["days_left"] <= 60
    assert _json(napreview("tasks", "--as", AUDITOR, "--json"))["tasks"] == []
    text = napreview("tasks", "--as", fp("DEU"))
    assert "Submit" in text.stdout and "DEU" in text.stdout

    sa = tmp_path / "sa.json"
    sa.write_text(napreview("template", "self-assessment", "DEU").stdout)
    assert (
        napreview("submit", "self-assessment", cycle, "DEU", str(sa), "--as", fp("DEU")).exit_code
        == 0
    )
    wait_for(napreview, cycle, "DEU", lambda s: s["stage"] == "peer_review")

    # The self-assessment: the member, its drawn reviewers, the secretariat, auditors.
    for who in (fp("DEU"), fp(reviewers[0]), SECRETARIAT, AUDITOR):
        shown = _json(
            napreview("documents", "show", cycle, "DEU", "self-assessment", "--as", who, "--json")
        )
        assert shown["kind"] == "self_assessment" and shown["round"] == 1
        assert len(shown["body"]["recommendations"]) == 24
    refused = napreview("documents", "show", cycle, "DEU", "self-assessment", "--as", fp(outsider))
    assert refused.exit_code == 3 and "may not read" in refused.output
    readable = napreview("documents", "show", cycle, "DEU", "self-assessment", "--as", fp("DEU"))
    assert "The 24 recommendations" in readable.stdout
    # a scoped `review show` refuses too, and the refusals are recorded with the review
    assert napreview("review", "show", cycle, "DEU", "--as", fp(outsider)).exit_code == 3

    tasks = _json(napreview("tasks", "--as", fp(reviewers[0]), "--json"))
    assert any(t["kind"] == "peer_review" and t["member"] == "DEU" for t in tasks["tasks"])

    review = tmp_path / "review.json"
    review.write_text(napreview("template", "peer-review", "DEU").stdout)
    for reviewer in reviewers:
        done = napreview("submit", "peer-review", cycle, "DEU", str(review), "--as", fp(reviewer))
        assert done.exit_code == 0, done.output
    first = reviewers[0]
    peer = _json(
        napreview(
            "documents",
            "show",
            cycle,
            "DEU",
            "peer-review",
            "--reviewer",
            first,
            "--as",
            fp("DEU"),
            "--json",
        )
    )
    assert peer["reviewer"] == first and peer["body"]["ratings"]["participation"] == "strong"
    own = _json(
        napreview("documents", "show", cycle, "DEU", "peer-review", "--as", fp(first), "--json")
    )
    assert own["reviewer"] == first
    other = napreview(
        "documents",
        "show",
        cycle,
        "DEU",
        "peer-review",
        "--reviewer",
        first,
        "--as",
        fp(reviewers[1]),
    )
    assert other.exit_code == 3

    tasks = _json(napreview("tasks", "--as", fp("DEU"), "--json"))
    answer = [t for t in tasks["tasks"] if t["kind"] == "recommendations"]
    assert answer and answer[0]["count"] == 2 * len(reviewers)

    wrong = napreview("respond", cycle, "DEU", "--supported", "XYZ#9", "--as", fp("DEU"))
    assert wrong.exit_code == 3 and "No such peer recommendation" in wrong.output
    stranger = napreview("respond", cycle, "DEU", "--supported", f"{first}#1", "--as", fp(first))
    assert stranger.exit_code == 3
    nothing = napreview("respond", cycle, "DEU", "--as", fp("DEU"))
    assert nothing.exit_code == 2
    answered = napreview(
        "respond",
        cycle,
        "DEU",
        "--supported",
        f"{first}#1",
        "--noted",
        f"{first}#2",
        "--as",
        fp("DEU"),
    )
    assert answered.exit_code == 0, answered.output
    rest = {f"{r}#{n}": "supported" for r in reviewers[1:] for n in (1, 2)}
    file = tmp_path / "answers.json"
    file.write_text(json.dumps(rest))
    assert napreview("respond", cycle, "DEU", str(file), "--as", fp("DEU")).exit_code == 0

    state = wait_for(napreview, cycle, "DEU", lambda s: s["stage"] == "sign_off")
    assert state["responses"][f"{first}#2"] == "noted"
    assert state["peer_reviews"][0]["recommendations"][0]["response"] == "supported"
    steps = [r["step"] for r in state["rejected"]]
    assert "read_self_assessment" in steps and "read_review" in steps

    tasks = _json(napreview("tasks", "--as", SECRETARIAT, "--json"))
    assert any(t["kind"] == "sign_off" and t["cycle"] == cycle for t in tasks["tasks"])
    napreview(
        "sign-off",
        cycle,
        "DEU",
        "--return",
        "--comments",
        "Budget per pillar?",
        "--as",
        SECRETARIAT,
    )
    wait_for(napreview, cycle, "DEU", lambda s: s["stage"] == "self_assessment")
    tasks = _json(napreview("tasks", "--as", fp("DEU"), "--json"))
    revision = [t for t in tasks["tasks"] if t["kind"] == "revision"]
    assert revision and revision[0]["comments"] == "Budget per pillar?"
    shown = napreview("review", "show", cycle, "DEU", "--as", fp("DEU"))
    assert f"Peer review by {first}" in shown.stdout
    assert "return for revision" in shown.stdout and "Budget per pillar?" in shown.stdout

    letters = _json(
        napreview(
            "letters",
            "list",
            "--cycle",
            cycle,
            "--recipient",
            fp("DEU"),
            "--json",
            "--as",
            SECRETARIAT,
        )  # fmt: skip
    )
    assert letters and {x["recipient"] for x in letters} == {fp("DEU")}
    scoped = _json(napreview("letters", "list", "--cycle", cycle, "--as", fp(outsider), "--json"))
    assert {x["recipient"] for x in scoped} <= {fp(outsider)}


async def test_work_list_documents_and_answers(worker, napreview, tmp_path):  # noqa: F811
    await _in_thread(work_list_documents_and_answers, napreview, tmp_path)
