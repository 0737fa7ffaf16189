"""Implementation across the Network and the report for its annual meeting (issue #22), on
SQLite and PostgreSQL: the counts per theme, per member and per cycle, the bars drawn from them,
the global indicators' measured totals; the document in each language and through the command
line, for the secretariat and auditors only."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from napreview.cli.app import app
from napreview.schemas.follow_up import ItemStatus
from napreview.services import access, annual_report, implementation, stacked_bars, users
from napreview.services.errors import NotFoundError

from ..follow_up_seed import seed_follow_ups
from ..helpers import AUDITOR, SECRETARIAT, fp

DONE, UNDER_WAY, NOT_STARTED, NOT_PURSUED = (
    ItemStatus.DONE,
    ItemStatus.UNDER_WAY,
    ItemStatus.NOT_STARTED,
    ItemStatus.NOT_PURSUED,
)
ISSUED = date(2026, 12, 5)


def counts(standing: implementation.Standing) -> tuple[int, int, int, int]:
    return tuple(standing.counts[s] for s in (DONE, UNDER_WAY, NOT_STARTED, NOT_PURSUED))  # type: ignore[return-value]


def test_implementation_per_theme_member_and_cycle_and_the_bars_drawn_from_it(any_store):
    seed_follow_ups(any_store, "2025", "2027")
    secretariat = users.actor(any_store, SECRETARIAT)

    seen = implementation.implementation(any_store, secretariat, "2027")
    assert {t.label: counts(t) for t in seen.themes} == {
        "participation": (0, 1, 1, 1),
        "prevention": (1, 1, 0, 0),
        "protection": (2, 0, 0, 0),
    }
    assert {m.member: counts(m.standing) for m in seen.members} == {
        "DEU": (1, 1, 1, 1),
        "MEX": (2, 1, 0, 0),
    }
    # The cycles side by side, whichever cycle was asked for, oldest first.
    assert [(c.label, counts(c)) for c in seen.by_cycle] == [
        ("2025", (2, 1, 1, 0)),
        ("2027", (3, 2, 1, 1)),
    ]
    assert seen.cycles == ["2027", "2025"]
    every = implementation.implementation(any_store, secretariat)
    assert {t.label: t.total for t in every.themes} == {
        "": 1,
        "participation": 4,
        "prevention": 4,
        "protection": 2,
    }

    bars = stacked_bars.stacked(seen.by_cycle)
    assert bars is not None
    latest = bars.bars[1]
    # Done first, not pursued last; each part as wide as its share of the bar, the bar whole.
    assert [p.status for p in latest.parts] == [DONE, UNDER_WAY, NOT_STARTED, NOT_PURSUED]
    assert [p.count for p in latest.parts] == [3, 2, 1, 1]
    assert latest.parts[0].x == bars.left
    assert sum(p.width for p in latest.parts) == pytest.approx(bars.right - bars.left)
    assert latest.parts[0].width == pytest.approx(3 * latest.parts[2].width)
    # A status with no item takes no room (2025 has none not pursued).
    assert [p.status for p in bars.bars[0].parts] == [DONE, UNDER_WAY, NOT_STARTED]
    assert stacked_bars.stacked([]) is None


def test_the_annual_report_holds_the_cycle_and_the_measured_global_indicators(any_store):
    seed_follow_ups(any_store, "2025", "2027")
    auditor = users.actor(any_store, AUDITOR)

    report = annual_report.annual_report(any_store, auditor, "2027", ISSUED)
    assert counts(report.overall) == (3, 2, 1, 1) and report.overall.share(DONE) == 43
    assert report.symbol == "WPS-FPN/2027/AR"
    assert report.themes is not None and report.cycles is not None
    assert [b.standing.label for b in report.cycles.bars] == ["2025", "2027"]
    # The global indicators with measured totals, in the catalogue's order; a baseline and a
    # plan's own indicator are not among them.
    assert [t.indicator.id for t in report.indicators] == ["SG-01", "SG-09"]
    participation = report.indicators[1]
    assert participation.periods == ["2025", "2026"]
    assert participation.totals == {"DEU": {"2025": 100, "2026": 110}, "MEX": {"2026": 50}}
    assert [line.label for line in participation.chart.lines] == ["DEU", "MEX"]

    with pytest.raises(NotFoundError):
        annual_report.annual_report(any_store, auditor, "2031")
    # A focal point reads no other member's follow-up, so no report; the refusal is recorded.
    with pytest.raises(access.ReadRefused):
        annual_report.annual_report(any_store, users.actor(any_store, fp("DEU")), "2027")


@pytest.mark.parametrize(
    ("language", "heading", "dated", "summary"),
    [
        ("en", "Implementation of the recommendations, cycle 2027", "5 December 2026",
         "hold 7 items"),
        ("fr", "Mise en œuvre des recommandations, cycle 2027", "5 décembre 2026",
         "Mises en œuvre\u00a0: 3 (43 %)"),
        ("es", "Aplicación de las recomendaciones, ciclo 2027", "5 de diciembre de 2026",
         "Aplicadas: 3 (43 %)"),
    ],
)  # fmt: skip
def test_the_report_is_one_dated_document_in_each_language(
    store, language, heading, dated, summary
):
    seed_follow_ups(store, "2025", "2027")
    report = annual_report.annual_report(store, users.actor(store, SECRETARIAT), "2027", ISSUED)
    html = annual_report.as_html(report, language)
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert f'<dd id="issued">{dated}</dd>' in html and "WPS-FPN/2027/AR" in html
    assert summary in html
    # Two bar charts and two trends, each a picture with its title and description.
    assert len(re.findall(r'<svg role="img" aria-labelledby="[^"]+-title [^"]+-desc"', html)) == 4
    assert html.count("<table") == 5  # themes, members, cycles, the two indicators
    # Their colours are in the drawing, which WeasyPrint draws without the page's stylesheet.
    assert '<polyline points="' in html and 'fill="none" stroke="#2f6fb3"' in html
    assert html.count('fill="#1f4e8c"') >= 2  # the parts done, in both bar charts
    assert 'id="pdf"' not in html  # the portal's links only on the portal
    # The stylesheet inside is the one the portal allows by its digest.
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert digest == annual_report.STYLE_DIGEST


def test_the_command_line_writes_the_report_as_html_or_pdf(store, tmp_path, monkeypatch):
    seed_follow_ups(store, "2025", "2027")
    monkeypatch.setenv("NAPREVIEW_HOME", str(tmp_path))
    monkeypatch.setenv("NAPREVIEW_DATABASE_URL", store.engine.url.render_as_string(False))
    monkeypatch.delenv("NAPREVIEW_USER", raising=False)
    runner = CliRunner()

    def napreview(*args: str):
        return runner.invoke(app, ["follow-up", "annual-report", *args])

    html = tmp_path / "report.html"
    written = napreview("2027", "--language", "es", "--html", str(html), "--as", SECRETARIAT)
    assert written.exit_code == 0, written.output
    assert "Aplicación de las recomendaciones, ciclo 2027" in html.read_text(encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    written = napreview("2027", "--pdf", str(pdf), "--as", AUDITOR)
    assert written.exit_code == 0, written.output
    assert pdf.read_bytes().startswith(b"%PDF-")
    printed = napreview("2025", "--as", SECRETARIAT)
    assert (
        printed.exit_code == 0
        and "<h1>Implementation of the recommendations, cycle 2025</h1>" in printed.stdout
    )

    refused = napreview("2027", "--as", fp("DEU"))
    assert refused.exit_code == 3, refused.output
    assert napreview("2031", "--as", SECRETARIAT).exit_code == 4
    assert napreview("2027", "--language", "de", "--as", SECRETARIAT).exit_code == 2
    both = napreview("2027", "--pdf", str(pdf), "--html", str(html), "--as", SECRETARIAT)
    assert both.exit_code == 2
