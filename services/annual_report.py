"""The report on implementation for the Network's annual meeting (issue #22): one printable
document per cycle, in English, French or Spanish, for the secretariat and auditors. The portal
shows it (/follow-ups/report) and lays it out as PDF, the command line writes either
(`napreview follow-up annual-report`); both through here, so every copy says the same.

It holds what /follow-ups shows of the cycle (implementation per theme and per member), the
cycles side by side, and the trends of the global indicators members have measured. The
document is whole: its stylesheet is inside it (a file sent by email or opened from a disk
reaches no server), allowed on the portal by its digest (``STYLE_DIGEST``).
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from jinja2 import Environment
from markupsafe import Markup

from napreview.i18n.pages import PAGES, page_environment
from napreview.i18n.translator import translator
from napreview.i18n.typography import french_spacing_html
from napreview.letters.pdf import letter_pdf, letter_pdf_elsewhere
from napreview.schemas.follow_up import ItemStatus
from napreview.schemas.indicators import GLOBAL_PREFIX, Indicator, ValueKind, global_catalogue
from napreview.schemas.members import Actor
from napreview.services import indicators
from napreview.services.errors import NotFoundError
from napreview.services.implementation import Implementation, Standing, implementation
from napreview.services.stacked_bars import ORDER, Bars, stacked
from napreview.services.trends import Trend, by_member
from napreview.store.records import Store

STYLESHEET = (PAGES / "annual_report.css").read_text(encoding="utf-8")
STYLE_DIGEST = base64.b64encode(hashlib.sha256(STYLESHEET.encode()).digest()).decode()


@dataclass(frozen=True)
class IndicatorTrend:
    """A global indicator's measured totals, member by member and period by period."""

    indicator: Indicator
    periods: list[str]
    totals: dict[str, dict[str, float]]  # member -> period -> total
    chart: Trend


@dataclass(frozen=True)
class AnnualReport:
    cycle: str
    issued: date
    seen: Implementation  # the cycle's members and themes; every cycle in ``by_cycle``
    themes: Bars | None
    cycles: Bars | None
    indicators: list[IndicatorTrend]

    @property
    def overall(self) -> Standing:
        """Every item of the cycle's follow-ups by status."""
        counts = {st: sum(m.standing.counts[st] for m in self.seen.members) for st in ItemStatus}
        return Standing(self.cycle, counts)

    @property
    def symbol(self) -> str:
        """The document's symbol, in the form of the Network's letters (WPS-FPN/2027/09)."""
        return f"WPS-FPN/{self.cycle}/AR"


def annual_report(
    store: Store, actor: Actor, cycle: str | None, issued: date | None = None
) -> AnnualReport:
    """The figures of the cycle's report (the newest cycle with follow-ups, where None), for
    the secretariat and auditors; anyone else is refused and the refusal recorded. A cycle
    without follow-ups has no report."""
    if cycle is None:
        cycle = next(iter(implementation(store, actor).cycles), "")
    seen = implementation(store, actor, cycle)
    if cycle not in seen.cycles:
        raise NotFoundError(f"No review of cycle {cycle} has been followed up yet.")
    return AnnualReport(
        cycle=cycle,
        issued=issued or datetime.now(UTC).date(),
        seen=seen,
        themes=stacked(seen.themes),
        cycles=stacked(seen.by_cycle),
        indicators=_trends(store, actor),
    )


def _trends(store: Store, actor: Actor) -> list[IndicatorTrend]:
    """Each global indicator with measured totals, in the catalogue's order: a line per member."""
    totals: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for value in indicators.values(store, actor):
        total = value.reading.total
        global_ = value.indicator.startswith(GLOBAL_PREFIX)
        if global_ and value.kind is ValueKind.MEASURED and total is not None:
            totals[value.indicator][value.member][value.period] = total
    found = []
    for indicator in global_catalogue().indicators:
        by_indicator = totals.get(indicator.id, {})
        chart = by_member(by_indicator)
        if chart is not None:
            periods = sorted({p for values in by_indicator.values() for p in values})
            members = {m: by_indicator[m] for m in sorted(by_indicator)}
            found.append(IndicatorTrend(indicator, periods, members, chart))
    return found


def as_html(report: AnnualReport, language: str, *, pdf_link: bool = False) -> str:
    """The report as one HTML document in ``language``. ``pdf_link``: with the portal's links
    (back to the overview, the PDF), which printing leaves out."""
    page = _pages(language).get_template("annual_report.html")
    html = page.render(
        report=report,
        statuses=ORDER,
        stylesheet=Markup(STYLESHEET),  # CSS, not text: a <style> element is not HTML-escaped
        pdf_link=pdf_link,
    )
    return french_spacing_html(html) if language == "fr" else html


def file_name(cycle: str, language: str) -> str:
    """The PDF's name in the reader's language ("Annual meeting report, cycle 2027.pdf")."""
    name = translator(language).gettext("Annual meeting report, cycle {cycle}", cycle=cycle)
    return f"{name}.pdf"


def as_pdf(html: str) -> bytes:
    """The report laid out on A4 pages, here (the command line)."""
    return letter_pdf(html)


async def as_pdf_elsewhere(html: str) -> bytes:
    """The same in the process that lays out letters, so the portal's threads go on serving."""
    return await letter_pdf_elsewhere(html)


@functools.cache
def _pages(language: str) -> Environment:
    """The portal's templates with the words the report uses: the report shares its charts'
    macros with /follow-ups, but not the portal's page (no session, no navigation)."""
    return page_environment(translator(language))
