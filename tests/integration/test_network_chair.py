"""The Chair of each year is data the secretariat records (issue #10 item 4); a cycle of a year
with no Chair recorded asks for --chair rather than defaulting silently. Also the letters
commands that show delivery and rewrite files from the store."""

from __future__ import annotations

import json

from .test_cli import napreview  # noqa: F401 - the fixture

SECRETARIAT = "secretariat@example.org"


def test_the_seeded_chairs_and_one_recorded_by_the_secretariat(napreview, store) -> None:  # noqa: F811
    assert store.chairs.all() == {2017: ("ESP",), 2018: ("DEU",), 2019: ("NAM",)}
    refused = napreview("network", "chair", "set", "2020", "DEU", "--as", "fp.deu@example.org")
    assert refused.exit_code == 3 and "only the secretariat" in refused.output
    done = napreview("network", "chair", "set", "2020", "deu", "--as", SECRETARIAT)
    assert done.exit_code == 0, done.output
    listed = json.loads(napreview("network", "chair", "list", "--json").stdout)
    assert {"year": 2020, "chair": "DEU", "chairs": ["DEU"]} in listed


def test_the_secretariat_records_two_co_chairs_for_a_year(napreview, store) -> None:  # noqa: F811
    done = napreview(
        "network", "chair", "set", "2021", "--member", "can", "--member", "URY", "--as", SECRETARIAT
    )
    assert done.exit_code == 0, done.output
    assert "Canada (CAN) and Uruguay (URY) are the co-Chairs of the Network for 2021" in done.output
    assert store.chairs.of_year(2021) == ("CAN", "URY")
    listed = json.loads(napreview("network", "chair", "list", "--json").stdout)
    assert {"year": 2021, "chair": "CAN", "chairs": ["CAN", "URY"]} in listed
    three = napreview(
        "network", "chair", "set", "2021", "--member", "CAN", "--member", "URY",
        "--member", "NAM", "--as", SECRETARIAT,
    )  # fmt: skip
    assert three.exit_code != 0 and "one Chair or two co-Chairs" in three.output
    assert store.chairs.of_year(2021) == ("CAN", "URY")


def test_a_cycle_of_a_year_without_a_chair_asks_for_one(napreview) -> None:  # noqa: F811
    started = napreview("cycle", "start", "2031", "--members", "DEU,FRA", "--as", SECRETARIAT)
    assert started.exit_code == 2
    assert "--chair" in started.output and "napreview network chair set" in started.output


def test_letters_show_their_delivery_and_export_rewrites_files(napreview, store, tmp_path):  # noqa: F811
    from napreview.activities.letters import LetterActivities
    from napreview.schemas.letters import LetterKind, LetterRequest

    request = LetterRequest(
        cycle="2019", member="PER", kind=LetterKind.INVITATION, chair="ESP",
        deadline="2019-04-02", stage="self_assessment",
    )  # fmt: skip
    row = LetterActivities(store, tmp_path / "letters").store_and_file(request)
    listed = json.loads(
        napreview("letters", "list", "--cycle", "2019", "--json", "--as", SECRETARIAT).stdout
    )
    assert listed[0]["delivery"]["state"] == "queued"
    shown = napreview("letters", "show", row.id, "--as", "fp.per@example.org").stdout
    assert "Delivery: queued" in shown and "Estimada Sra. Quispe:" in shown
    store.letters.record_delivery(row.id, "filed", "written to the outbox: /x.eml", attempt=True)
    shown = napreview("letters", "show", row.id, "--as", "fp.per@example.org").stdout
    assert "Delivery: filed in the outbox (not sent: no mail server is configured)" in shown
    listed = json.loads(
        napreview("letters", "list", "--cycle", "2019", "--json", "--as", SECRETARIAT).stdout
    )
    assert listed[0]["delivery"]["state"] == "filed"  # written, not sent: nobody has it yet
    for path in (tmp_path / "letters").rglob("*.*"):
        path.unlink()
    exported = napreview("letters", "export", "--cycle", "2019")
    assert exported.exit_code == 0, exported.output
    assert "2 file(s) written" in " ".join(exported.output.split())
    assert len(list((tmp_path / "letters").rglob("*.txt"))) == 1
