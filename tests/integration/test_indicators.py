"""Indicators and their values in the store (SQLite and PostgreSQL) and from the command line
(issue #22): who may add and record, what is refused, and the spreadsheet read back."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from typer.testing import CliRunner

from napreview.cli.app import app
from napreview.schemas.indicators import (
    Measure,
    NewPlanIndicator,
    NewValue,
    Reading,
    Titles,
    ValueKind,
)
from napreview.schemas.nap import Pillar
from napreview.services import indicators
from napreview.services.errors import InvalidInput, NotFoundError, StepRefused

from ..helpers import AUDITOR, SECRETARIAT, fp

POLICE = NewPlanIndicator(
    pillar=Pillar.PARTICIPATION,
    measure=Measure.COUNT,
    by_sex=True,
    title=Titles(en="Police officers deployed abroad", fr="Policiers déployés à l'étranger"),
)


def _value(indicator: str, period: str = "2024", **reading: float) -> NewValue:
    return NewValue(
        indicator=indicator,
        member="DEU",
        period=period,
        reading=Reading(**reading),
        source="Federal Ministry of the Interior, annual report",
    )


def test_a_focal_point_adds_its_plan_indicators_and_records_values(any_store):
    deu = any_store.people.actor(fp("DEU"))
    first = indicators.add(any_store, deu, "deu", POLICE)
    second = indicators.add(any_store, any_store.people.actor(SECRETARIAT), "DEU", POLICE)
    assert (first.id, second.id) == ("DEU-1", "DEU-2")
    assert first.title["fr"] == "Policiers déployés à l'étranger"
    assert first.title["es"] == "Police officers deployed abroad"  # English where none given

    kept = indicators.record(any_store, deu, _value("deu-1", women=30, men=70))
    assert kept.reading.total == 100  # completed from women and men
    assert kept.recorded_by == deu.ref
    indicators.record(any_store, deu, _value("DEU-1", women=35, men=70, total=105))
    indicators.record(any_store, deu, _value("SG-09", period="2023", women=12, men=20))
    baseline = _value("DEU-1", period="2020", total=60).model_copy(
        update={"kind": ValueKind.BASELINE}
    )
    indicators.record(any_store, deu, baseline)

    current = indicators.values(any_store, deu, "DEU")
    assert [(v.indicator, v.period, v.kind.value, v.reading.total) for v in current] == [
        ("DEU-1", "2020", "baseline", 60),
        ("DEU-1", "2024", "measured", 105),  # the latest recording is the value
        ("SG-09", "2023", "measured", 32),
    ]
    # every recording is kept
    assert [v.reading.total for v in any_store.indicators.history("DEU", "DEU-1")] == [100, 105, 60]
    ids = [i.id for i in indicators.catalogue(any_store, deu)]
    assert ids[:26] == [f"SG-{n:02d}" for n in range(1, 27)] and ids[26:] == ["DEU-1", "DEU-2"]


@pytest.mark.parametrize(
    ("value", "error", "said"),
    [
        (_value("SG-99", total=1), NotFoundError, "No global indicator SG-99"),
        (_value("DEU-7", total=1), NotFoundError, "No indicator DEU-7"),
        (_value("SG-09", period="1999", total=1), InvalidInput, "not between 2000 and 2100"),
        (_value("SG-09", women=-3, men=5), InvalidInput, "women: -3 is negative"),
        (_value("SG-09", women=3, men=5, total=9), InvalidInput, "make 8, not the total"),
    ],
)
def test_a_value_that_does_not_fit_is_refused_and_nothing_is_kept(any_store, value, error, said):
    with pytest.raises(error, match=said):
        indicators.record(any_store, any_store.people.actor(fp("DEU")), value)
    assert any_store.indicators.values() == []


def test_only_the_members_focal_point_and_the_secretariat_change_its_indicators(store):
    with pytest.raises(StepRefused, match="only the focal point of Germany|of DEU"):
        indicators.record(store, store.people.actor(fp("FRA")), _value("SG-09", total=3))
    with pytest.raises(StepRefused, match="only the secretariat or focal point"):
        indicators.add(store, store.people.actor(AUDITOR), "DEU", POLICE)
    assert store.indicators.values() == [] and store.indicators.plan_indicators() == []
    steps = [r.step for r in store.refusals.of_review(None, "DEU")]
    assert steps == ["record_an_indicator_value", "add_an_indicator"]


def test_a_focal_point_reads_only_its_own_members_values(store):
    indicators.add(store, store.people.actor(fp("DEU")), "DEU", POLICE)
    indicators.record(store, store.people.actor(fp("DEU")), _value("SG-09", total=3))
    france = store.people.actor(fp("FRA"))
    assert indicators.values(store, france) == []
    assert [i.id for i in indicators.catalogue(store, france)][-1] == "SG-26"
    with pytest.raises(StepRefused, match="may not read the indicators and values of DEU"):
        indicators.values(store, france, "DEU")
    with pytest.raises(StepRefused):
        indicators.show(store, france, "DEU-1")
    assert indicators.show(store, france, "SG-09").values == []
    auditor = store.people.actor(AUDITOR)
    assert [v.member for v in indicators.show(store, auditor, "SG-09").values] == ["DEU"]


@pytest.fixture
def napreview(store, tmp_path, monkeypatch):
    """`napreview ...` on this test's store; no Temporal service is needed for indicators."""
    monkeypatch.setenv("NAPREVIEW_HOME", str(tmp_path))
    monkeypatch.setenv("NAPREVIEW_DATABASE_URL", store.engine.url.render_as_string(False))
    monkeypatch.delenv("NAPREVIEW_USER", raising=False)
    monkeypatch.delenv("NAPREVIEW_TOKEN", raising=False)
    runner = CliRunner()

    def call(*args: str):
        return runner.invoke(app, list(args))

    return call


def test_the_command_line_adds_records_shows_and_exports(napreview, tmp_path):
    listed = napreview("indicators", "list", "--json", "--as", fp("DEU"))
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)) == 26

    added = napreview(
        "indicators", "add", "DEU", "--title", "Police officers deployed abroad",
        "--pillar", "participation", "--measure", "count", "--by-sex", "--as", fp("DEU"),
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "Indicator DEU-1 added" in added.stdout

    recorded = napreview(
        "indicators", "record", "DEU", "DEU-1", "2024", "--women", "30", "--men", "70",
        "--source", "Ministry of the Interior", "--as", fp("DEU"),
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    assert "women 30, men 70, total 100" in recorded.stdout
    target = napreview(
        "indicators", "record", "DEU", "SG-13", "2026", "--kind", "target", "--women", "40",
        "--men", "60", "--source", "National action plan 2021-2026", "--as", SECRETARIAT,
    )  # fmt: skip
    assert target.exit_code == 0, target.output

    shown = napreview("indicators", "show", "DEU-1", "--json", "--as", AUDITOR)
    assert shown.exit_code == 0, shown.output
    (value,) = json.loads(shown.stdout)["values"]
    assert value["reading"] == {"women": 30.0, "men": 70.0, "total": 100.0, "text": None}

    sheet = tmp_path / "values.xlsx"
    exported = napreview("indicators", "export", "-o", str(sheet), "--as", SECRETARIAT)
    assert exported.exit_code == 0, exported.output
    rows = list(load_workbook(sheet).active.iter_rows(values_only=True))
    assert rows[0][:10] == (
        "member", "indicator", "title", "pillar", "measure", "period", "kind", "women", "men",
        "total",
    )  # fmt: skip
    assert [r[:10] for r in rows[1:]] == [
        ("DEU", "DEU-1", "Police officers deployed abroad", "participation", "count", "2024",
         "measured", 30, 70, 100),
        ("DEU", "SG-13", "Women among the military and police personnel deployed in United "
         "Nations peacekeeping missions", "participation", "count", "2026", "target", 40, 60,
         100),
    ]  # fmt: skip

    csv_file = tmp_path / "values.csv"
    france = napreview("indicators", "export", "-o", str(csv_file), "--as", fp("FRA"))
    assert france.exit_code == 0, france.output
    text = csv_file.read_bytes().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1:] == []  # nothing of Germany's


def test_the_command_line_refuses_with_the_design_exit_codes(napreview):
    def code(*args: str) -> int:
        return napreview("indicators", *args).exit_code

    record = ("record", "DEU", "SG-09", "2024", "--source", "census")
    assert code(*record, "--total", "-1", "--as", fp("DEU")) == 2
    assert code(*record, "--women", "1", "--men", "1", "--total", "3", "--as", fp("DEU")) == 2
    assert code("record", "DEU", "SG-09", "2024-13", "--total", "1", "--source", "x",
                "--as", fp("DEU")) == 2  # fmt: skip
    assert code("record", "DEU", "SG-77", "2024", "--total", "1", "--source", "x",
                "--as", fp("DEU")) == 4  # fmt: skip
    assert code(*record, "--total", "1", "--as", fp("FRA")) == 3
    assert code(*record, "--total", "1", "--as", AUDITOR) == 3
    assert code("show", "SG-09", "--member", "DEU", "--as", fp("FRA")) == 3
    assert code("export", "-o", "values.pdf", "--as", SECRETARIAT) == 2
    shown = napreview("indicators", "show", "SG-09", "--json", "--as", SECRETARIAT)
    assert json.loads(shown.stdout)["values"] == []


def test_the_cedaw_activity_gives_the_check_the_members_values(store):
    """The review's CEDAW stage reads the member's values from the store; the check (pure)
    names them in its para 84 finding, and the stored result keeps them."""
    from napreview.activities.cedaw import CedawActivities
    from napreview.schemas.examples import example_self_assessment
    from napreview.schemas.review import CedawCheckRequest
    from napreview.schemas.submissions import DocumentKind

    deu = store.people.actor(fp("DEU"))
    indicators.record(store, deu, _value("SG-09", period="2023", women=12, men=20))
    indicators.record(store, deu, _value("SG-17", period="2024", total=450))
    plan = example_self_assessment(store.members.get("DEU")).model_dump(mode="json")
    plan["cedaw_reporting"]["covered_wps"] = False
    ref = store.documents.save(
        kind=DocumentKind.SELF_ASSESSMENT, cycle="2019", member="DEU", submitted_by=deu.ref,
        body=plan,
    )  # fmt: skip
    summary = CedawActivities(store).run_cedaw_check(
        CedawCheckRequest(cycle="2019", member="DEU", self_assessment=ref)
    )
    result = store.cedaw.get(summary.result_id)
    (finding,) = [f for f in result.findings if f.code == "REPORT_WITHOUT_WPS"]
    assert "Values are recorded for two indicators (two of the Secretary-General's" in (
        finding.message
    )
    assert "one by sex), the latest for 2024" in finding.message
