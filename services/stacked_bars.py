"""Implementation as a picture: one bar per theme (or per cycle), cut into the shares of its
items that are done, under way, not started and not pursued, so that a theme of four items and
one of forty read alike. Coordinates are computed here so the template only draws (inline SVG,
no script, templates/portal/implementation_chart.html); the table beside it gives the numbers.
Shared by /follow-ups and the annual-meeting report (services/annual_report.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from napreview.schemas.follow_up import ItemStatus
from napreview.services.implementation import Standing

WIDTH, LEFT, RIGHT, ROW, BAR, TOP = 800, 240, 140, 34, 22, 6
# Read from the left: what is done first, what was given up last.
ORDER = (ItemStatus.DONE, ItemStatus.UNDER_WAY, ItemStatus.NOT_STARTED, ItemStatus.NOT_PURSUED)
# A count is written inside its part of the bar only where it fits.
FITS = 22


@dataclass(frozen=True)
class Part:
    status: ItemStatus
    x: float
    width: float
    count: int
    share: int

    @property
    def labelled(self) -> bool:
        return self.width >= FITS


@dataclass(frozen=True)
class Bar:
    standing: Standing
    y: float
    parts: list[Part]


@dataclass(frozen=True)
class Bars:
    bars: list[Bar]
    height: int
    width: int = WIDTH
    left: int = LEFT
    right: int = WIDTH - RIGHT
    thickness: int = BAR


def stacked(standings: Sequence[Standing]) -> Bars | None:
    """A bar per group with items; None where no group has any."""
    plot = WIDTH - LEFT - RIGHT
    bars: list[Bar] = []
    for standing in (s for s in standings if s.total):
        x = float(LEFT)
        parts: list[Part] = []
        for status in ORDER:
            count = standing.counts.get(status, 0)
            width = plot * count / standing.total
            if count:
                parts.append(Part(status, x, width, count, standing.share(status)))
            x += width
        bars.append(Bar(standing, TOP + len(bars) * ROW, parts))
    if not bars:
        return None
    return Bars(bars, height=TOP + len(bars) * ROW + 4)
