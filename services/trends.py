"""Indicator values over time as a picture: one line per series (women, men and total of one
member; or one member each, for the secretariat's view of one indicator across members).
Coordinates are computed here so the template only draws (inline SVG, no script); the table
beside it gives the same values in words. A service, not a page's helper: the annual-meeting
report (services/annual_report.py) draws the same trends for the portal and the command line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 220, 60, 110, 16, 30
# Each series' colour, drawn into the picture itself: a PDF (WeasyPrint) or a saved page draws
# it without the portal's stylesheet.
COLOURS = {
    "women": "#b3246e",
    "men": "#2f6fb3",
    "total": "#333333",
    "series-0": "#2f6fb3",
    "series-1": "#c77c1e",
    "series-2": "#2e7d4f",
    "series-3": "#7d5fb2",
    "series-4": "#b3246e",
    "series-5": "#555555",
}


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    period: str
    value: float


@dataclass(frozen=True)
class Line:
    label: str
    key: str  # a CSS class: women, men, total, or series-N
    points: list[Point]

    @property
    def colour(self) -> str:
        return COLOURS.get(self.key, COLOURS["total"])

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Trend:
    periods: list[tuple[float, str]]
    ticks: list[tuple[float, float]]
    lines: list[Line]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


Series = tuple[str, str, Mapping[str, float]]  # CSS class, label, the value of each period


def trend(series: Sequence[Series]) -> Trend | None:
    """A line per series; None where there is nothing to draw."""
    periods = sorted({p for _, _, values in series for p in values})
    if not periods:
        return None
    top = max(max(values.values(), default=0) for _, _, values in series) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(period: str) -> float:
        if len(periods) == 1:
            return LEFT + plot_w / 2
        return LEFT + plot_w * periods.index(period) / (len(periods) - 1)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    lines = [
        Line(label, key, [Point(x(p), y(v), p, v) for p, v in sorted(values.items())])
        for key, label, values in series
        if values
    ]
    ticks = [(y(top * f), top * f) for f in (0, 0.5, 1)]
    return Trend([(x(p), p) for p in periods], ticks, lines)


def by_member(totals: Mapping[str, Mapping[str, float]]) -> Trend | None:
    """One line per member, in the order of their codes, each of its own colour (six, then
    the same again): one indicator across members."""
    members = sorted(totals)
    return trend([(f"series-{i % 6}", m, totals[m]) for i, m in enumerate(members)])
