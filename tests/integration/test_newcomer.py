"""Issue #8 "What a newcomer hit", on the real dev server: members join and leave (item 12),
reads scoped for everyone and --as on every command (item 8), the other terminal finds the
stack (item 9), readable output (item 10), and `cycle start --responses`."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest

from napreview.i18n.names import name_forms
from napreview.schemas.members import (
    CedawStatus,
    Language,
    Member,
    MemberKind,
    RegionalGroup,
)

from ..helpers import AUDITOR, SECRETARIAT, fp
from ..unit.test_cedaw_rules import assessment
from .test_cli import _in_thread, napreview, wait_for, worker  # noqa: F401 - fixtures

GAMBIA = (
    "members", "add", "GMB", "--name", "the Gambia", "--kind", "state", "--group", "AF",
    "--language", "fr",
)  # fmt: skip
GAMBIA_NAMES = ("--name-fr", "la Gambie", "--name-es", "Gambia", "--gender-es", "f")


def flat(result) -> str:  # type: ignore[no-untyped-def]
    """What a command printed, with Rich's line wrapping undone."""
    return " ".join(result.output.split())


def _json(result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- item 12: members join and leave ---


def test_names_are_typed_with_their_article_and_letters_use_them() -> None:
    from napreview.i18n.names import parse_name
    from napreview.schemas.names import LocalNames

    assert parse_name("fr", "la Gambie").of == "de la Gambie"
    assert parse_name("fr", "L’Irlande", "f").to == "à l'Irlande"
    assert parse_name("fr", "les Îles Salomon", "f").of == "des Îles Salomon"
    assert parse_name("es", "El Salvador", "m").of == "de El Salvador"  # part of the name
    assert parse_name("es", "el Perú").to == "al Perú"
    assert parse_name("en", "the Gambia").name == "the Gambia"
    with pytest.raises(ValueError, match="needs its gender"):
        parse_name("es", "Gambia")
    with pytest.raises(ValueError, match="says the name is masculine"):
        parse_name("fr", "le Mali", "f")
    gambia = Member(
        code="GMB", name="Gambia", kind=MemberKind.STATE, regional_group=RegionalGroup.AF,
        cedaw_status=CedawStatus.STATE_PARTY, language=Language.FR,
        names=LocalNames(en=parse_name("en", "the Gambia"), fr=parse_name("fr", "la Gambie")),
    )  # fmt: skip
    assert name_forms(gambia, "fr").name == "la Gambie"
    assert name_forms(gambia, "en").of == "of the Gambia"
    assert name_forms(gambia, "es").name == "Gambia"  # none recorded: the English name


def test_only_the_secretariat_adds_a_member_with_its_names(napreview, store, tmp_path):  # noqa: F811
    from napreview.activities.letters import LetterActivities
    from napreview.schemas.letters import LetterKind, LetterRequest

    refused = napreview(*GAMBIA, *GAMBIA_NAMES, "--as", fp("DEU"))
    assert refused.exit_code == 3 and "only the secretariat" in refused.output
    unnamed = napreview(*GAMBIA, "--as", SECRETARIAT)
    assert unnamed.exit_code == 2 and "--name-fr and --name-es" in flat(unnamed)
    genderless = napreview(*GAMBIA, "--name-fr", "la Gambie", "--name-es", "Gambia",
                           "--as", SECRETARIAT)  # fmt: skip
    assert genderless.exit_code == 2 and "--gender-es m or f" in flat(genderless)
    groupless = napreview("members", "add", "GMB", "--name", "the Gambia", "--kind", "state",
                          *GAMBIA_NAMES, "--as", SECRETARIAT)  # fmt: skip
    assert groupless.exit_code == 2 and flat(groupless).startswith("--group:")
    assert store.members.find("GMB") is None  # nothing was added by a refused call

    added = napreview(*GAMBIA, *GAMBIA_NAMES, "--joined", "2026-01-15", "--as", SECRETARIAT)
    assert added.exit_code == 0, added.output
    assert "is a member of the Network from 15 Jan 2026" in flat(added)
    assert "fp.gmb@example.org" in flat(added)  # a trial installation: an example focal point
    again = napreview(*GAMBIA, *GAMBIA_NAMES, "--as", SECRETARIAT)
    assert again.exit_code == 3 and "already a member" in again.output
    shown = _json(napreview("members", "show", "GMB", "--json"))
    assert shown["joined_on"] == "2026-01-15" and shown["names_missing"] == []
    assert shown["names"]["fr"]["name"] == "la Gambie" and shown["names"]["es"]["gender"] == "f"
    listed = _json(napreview("members", "list", "--json"))
    assert len(listed) == 84 and "GMB" in {m["code"] for m in listed}

    # Its letters, in French, name it as French does.
    request = LetterRequest(
        cycle="2026", member="GMB", kind=LetterKind.INVITATION, chair="ESP",
        deadline="2026-04-02", stage="self_assessment",
    )  # fmt: skip
    letter = LetterActivities(store, tmp_path / "letters").store_and_file(request)
    assert letter.language == "fr" and "Gambie" in letter.body_text
    assert "Gambia" not in letter.body_text


def test_names_pending_are_recorded_as_missing_then_completed(napreview, store):  # noqa: F811
    added = napreview(
        "members", "add", "SADC", "--name", "Southern African Development Community",
        "--kind", "regional_organization", "--names-pending", "--as", SECRETARIAT,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "No French name is recorded" in flat(added) and "No Spanish name" in flat(added)
    member = store.members.get("SADC")
    assert member.cedaw_status is CedawStatus.NOT_APPLICABLE and member.regional_group is None
    assert _json(napreview("members", "show", "SADC", "--json"))["names_missing"] == ["fr", "es"]
    named = napreview(
        "members", "names", "SADC", "--name-fr",
        "la Communauté de développement de l'Afrique australe", "--as", SECRETARIAT,
    )  # fmt: skip
    assert named.exit_code == 0, named.output
    assert "No Spanish name is recorded" in flat(named)
    after = next(m for m in store.members.all() if m.code == "SADC")  # read now, not cached
    assert name_forms(after, "fr").of == "de la Communauté de développement de l'Afrique australe"
    founding = napreview("members", "names", "DEU", "--name-fr", "l'Allemagne", "--gender-fr", "f",
                         "--as", SECRETARIAT)  # fmt: skip
    assert founding.exit_code == 3 and "i18n/member_names.json" in founding.output


def a_member_leaves(napreview, store) -> None:  # noqa: F811
    from napreview.activities.cycle import CycleActivities
    from napreview.schemas.review import CycleSettings
    from napreview.schemas.text import today

    before = napreview("cycle", "start", "2019-before", "--members", "DEU,USA,FRA,MEX",
                       "--as", SECRETARIAT)  # fmt: skip
    assert before.exit_code == 0, before.output
    wait_for(napreview, "2019-before", "USA", lambda s: s["letters"])

    refused = napreview("members", "leave", "USA", "--on", today().isoformat(), "--as", fp("USA"))
    assert refused.exit_code == 3
    bad = napreview("members", "leave", "USA", "--on", "30/06/2027", "--as", SECRETARIAT)
    assert bad.exit_code == 2 and bad.output.startswith("--on:")
    left = napreview("members", "leave", "USA", "--on", today().isoformat(), "--as", SECRETARIAT)
    assert left.exit_code == 0, left.output
    assert "neither drawn nor invited" in flat(left)
    twice = napreview("members", "leave", "USA", "--on", today().isoformat(), "--as", SECRETARIAT)
    assert twice.exit_code == 3 and "already left" in twice.output

    # Dated, never deleted: listed with --all, and its past review and letters stay readable.
    assert "USA" not in {m["code"] for m in _json(napreview("members", "list", "--json"))}
    assert "USA" in {m["code"] for m in _json(napreview("members", "list", "--all", "--json"))}
    assert "left " in flat(napreview("members", "list", "--all"))
    past = _json(napreview("review", "show", "2019-before", "USA", "--json", "--as", AUDITOR))
    assert past["member"] == "USA" and past["letters"]
    letters = napreview("letters", "list", "--member", "USA", "--json", "--as", fp("USA"))
    assert _json(letters)

    # Neither drawn nor invited in a later cycle.
    named = napreview("cycle", "start", "2019-after", "--members", "DEU,USA,FRA,MEX",
                      "--as", SECRETARIAT)  # fmt: skip
    assert named.exit_code == 3 and "left the Network on" in flat(named)
    draw = _json(napreview("troika", "draw", "2019-after", "--seed", "3", "--json"))
    assert "USA" not in draw["reviewers"]
    assert all("USA" not in drawn for drawn in draw["reviewers"].values())
    settings = CycleSettings(
        cycle="2019-all", seed=3, chair="NAM", starts_on=today(),
        started_by=store.people.actor(SECRETARIAT),
    )  # fmt: skip
    plan = CycleActivities(store).prepare_cycle(settings)
    assert "USA" not in plan.members and len(plan.members) == 82
    assert "USA" not in {r for rs in store.cycles.assignments("2019-all").values() for r in rs}


async def test_a_member_leaves_dated_and_its_past_stays_readable(worker, napreview, store):  # noqa: F811
    await _in_thread(a_member_leaves, napreview, store)


def test_a_member_is_drawn_from_the_day_it_joins(store) -> None:
    from napreview.schemas.names import LocalNames
    from napreview.services.errors import StepRefused
    from napreview.services.members import taking_part

    store.members.add(
        code="GMB", name="Gambia", kind=MemberKind.STATE, regional_group=RegionalGroup.AF,
        cedaw_status=CedawStatus.STATE_PARTY, language=Language.EN,
        joined_on=date(2030, 1, 1), names=LocalNames(), by="test",
    )  # fmt: skip
    assert "GMB" not in {m.code for m in taking_part(store, None, date(2029, 12, 31))}
    assert "GMB" in {m.code for m in taking_part(store, None, date(2030, 1, 1))}
    with pytest.raises(StepRefused, match="joins the Network on 1 Jan 2030"):
        taking_part(store, ["DEU", "GMB"], date(2029, 6, 1))


# --- item 8: every read is scoped, --as on every command ---


def scoped_reads(napreview) -> None:  # noqa: F811
    members = "DEU,FRA,MEX,BRA,NAM,KEN,JPN,IDN,POL,HUN"  # two of each regional group
    started = napreview("cycle", "start", "2019-scope", "--members", members, "--seed", "5",
                        "--as", SECRETARIAT)  # fmt: skip
    assert started.exit_code == 0, started.output
    state = wait_for(napreview, "2019-scope", "DEU", lambda s: s["letters"])

    nobody = napreview("review", "show", "2019-scope", "DEU")
    assert nobody.exit_code == 2 and "Say who is acting" in nobody.output
    assert napreview("cycle", "status", "2019-scope").exit_code == 2
    assert napreview("letters", "list").exit_code == 2

    everything = _json(napreview("cycle", "status", "2019-scope", "--json", "--as", AUDITOR))
    assert len(everything["reviews"]) == 10 and everything["scope"] is None
    drawn = {line["member"]: line["reviewers"] for line in everything["reviews"]}
    mine = _json(napreview("cycle", "status", "2019-scope", "--json", "--as", fp("JPN")))
    expected = {"JPN"} | {m for m, reviewers in drawn.items() if "JPN" in reviewers}
    assert {line["member"] for line in mine["reviews"]} == expected and len(expected) < 10
    assert sum(mine["counts"].values()) == len(expected) and mine["scope"] == "JPN"
    assert "may read" in flat(napreview("cycle", "status", "2019-scope", "--as", fp("JPN")))

    letter = state["letters"][0]  # the invitation to Germany's focal point
    outsider = next(m for m in members.split(",") if m != "DEU")
    refused = napreview("letters", "show", letter, "--as", fp(outsider))
    assert refused.exit_code == 3 and "may not read" in refused.output
    shown = napreview("letters", "show", letter, "--as", fp("DEU"))
    assert shown.exit_code == 0 and shown.stdout.startswith("Letter: invitation, cycle 2019-scope")


async def test_reads_are_scoped_for_everyone(worker, napreview):  # noqa: F811
    await _in_thread(scoped_reads, napreview)


def test_every_command_takes_as(napreview) -> None:  # noqa: F811
    for command in (
        ("members", "list"),
        ("members", "show", "DEU"),
        ("schema", "peer-review"),
        ("template", "peer-review", "DEU"),
        ("troika", "draw", "2019", "--seed", "1", "--members", "DEU,FRA,MEX,NAM,JPN"),
        ("network", "chair", "list"),
    ):
        result = napreview(*command, "--as", fp("DEU"))
        assert result.exit_code == 0, (command, result.output)


# --- item 9: the other terminal finds the stack ---


def test_no_new_installation_beside_a_running_stack(napreview, dev_env, tmp_path, monkeypatch):  # noqa: F811
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("NAPREVIEW_HOME", str(fresh))
    monkeypatch.delenv("NAPREVIEW_DATABASE_URL")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    result = napreview("members", "list")
    assert result.exit_code == 2, result.output
    said = flat(result)
    assert f"There are no napreview records in {fresh}" in said
    assert "a Temporal service answers at" in said and "export NAPREVIEW_HOME=" in said
    assert not (fresh / "napreview.db").exists()


def test_a_shell_elsewhere_finds_the_stack_up_serves(napreview, dev_env, tmp_path, monkeypatch):  # noqa: F811
    address = dev_env.client.service_client.config.target_host
    config = tmp_path / "config"
    (config / "napreview").mkdir(parents=True)
    record = {"home": str(tmp_path.resolve()), "address": address, "pid": os.getpid()}
    (config / "napreview" / "stacks.json").write_text(json.dumps({"stacks": [record]}))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    for name in ("NAPREVIEW_HOME", "NAPREVIEW_DATABASE_URL", "NAPREVIEW_TEMPORAL_ADDRESS"):
        monkeypatch.delenv(name)
    assert len(_json(napreview("members", "list", "--json"))) == 83
    # Temporal found at the recorded address: the cycle is not found there (exit 4), rather
    # than no service answering at the default one (exit 1).
    missing = napreview("cycle", "status", "nope", "--as", SECRETARIAT)
    assert missing.exit_code == 4, missing.output
    assert not (elsewhere / ".napreview").exists()


def test_no_temporal_names_the_address_tried(napreview, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("NAPREVIEW_TEMPORAL_ADDRESS", "localhost:1")
    result = napreview("cycle", "status", "2019", "--live", "--as", SECRETARIAT)
    assert result.exit_code == 1
    said = flat(result)
    assert "No Temporal service answers at localhost:1" in said
    assert "export NAPREVIEW_TEMPORAL_ADDRESS=HOST:PORT" in said


# --- item 10: readable output; cycle start --responses ---


def readable_output(napreview, store, tmp_path: Path) -> None:  # noqa: F811
    started = napreview("cycle", "start", "2019-read", "--members", "DEU,FRA,MEX,NAM",
                        "--responses", "3d", "--as", SECRETARIAT)  # fmt: skip
    assert started.exit_code == 0, started.output
    # The draw of four members keeps no reciprocal pairs out: said in words.
    assert "reciprocal pair" in flat(started) and "too few members" in flat(started)
    wait_for(napreview, "2019-read", "DEU", lambda s: s["letters"])
    assert store.cycles.settings("2019-read")["durations"]["responses"] in ("P3D", 259200.0)

    shown = flat(napreview("review", "show", "2019-read", "DEU", "--as", SECRETARIAT))
    assert re.search(r"Self-assessment due: \d{1,2} [A-Z][a-z]{2} \d{4}, in 60 days", shown)
    assert "invitation to Anna Schmidt <fp.deu@example.org>" in shown

    extended = napreview("review", "extend", "2019-read", "DEU", "--by", "7d", "--reason",
                         "Elections", "--as", SECRETARIAT)  # fmt: skip
    assert extended.exit_code == 0, extended.output
    assert re.search(r"extended by 7d: now \d{1,2} [A-Z][a-z]{2} \d{4}, in 67 days", flat(extended))
    too_long = napreview("review", "extend", "2019-read", "DEU", "--by", "1200d", "--reason",
                         "x", "--as", SECRETARIAT)  # fmt: skip
    assert too_long.exit_code == 2 and flat(too_long).startswith("--by: 1200d is longer than")

    strong = tmp_path / "strong.json"
    strong.write_text(assessment().model_dump_json())
    checked = napreview("cedaw", "check", "DEU", str(strong))
    # the one advice: article numbers not cited; the one information: the themes addressed
    assert checked.exit_code == 0 and "Germany: CEDAW linkage strong, 2 finding(s)" in flat(checked)


async def test_readable_output(worker, napreview, store, tmp_path):  # noqa: F811
    await _in_thread(readable_output, napreview, store, tmp_path)


def test_durations_over_three_years_name_their_option(napreview) -> None:  # noqa: F811
    result = napreview("cycle", "start", "2019", "--sign-off", "1200d", "--as", SECRETARIAT)
    assert result.exit_code == 2
    assert flat(result) == "--sign-off: 1200d is longer than three years; the longest is 1098d."
    zero = napreview("cycle", "start", "2019", "--responses", "0d", "--as", SECRETARIAT)
    assert zero.exit_code == 2 and flat(zero).startswith("--responses:")
