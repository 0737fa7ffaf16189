"""A cycle's progress as a picture: one row per member, one bar per stage, over time.
Coordinates are computed here so the template only draws (inline SVG, no script)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from napreview.services.progress import MemberProgress

WIDTH, LEFT, RIGHT, ROW, TOP = 900, 170, 10, 20, 30


@dataclass
class Bar:
    x: float
    width: float
    stage: str
    start: datetime
    end: datetime | None


@dataclass
class Row:
    member: str
    y: float
    bars: list[Bar] = field(default_factory=list)
    overdue: bool = False


@dataclass
class Chart:
    rows: list[Row]
    ticks: list[tuple[float, datetime]]
    height: float
    width: int = WIDTH
    left: int = LEFT
    top: int = TOP
    row: int = ROW
    hours: bool = False


def timeline(progress: list[MemberProgress], now: datetime, overdue: set[str]) -> Chart | None:
    starts = [s.start for p in progress for s in p.spans]
    if not starts:
        return None
    t0 = min(starts)
    t1 = max(now, t0 + timedelta(minutes=1))
    span = (t1 - t0).total_seconds()
    plot = WIDTH - LEFT - RIGHT

    def x(moment: datetime) -> float:
        return LEFT + plot * (moment - t0).total_seconds() / span

    rows = []
    for i, p in enumerate(progress):
        row = Row(member=p.member, y=TOP + i * ROW, overdue=p.member in overdue)
        for s in p.spans:
            end = s.end or (None if s.stage in ("completed", "withdrawn") else t1)
            right = x(end) if end else x(s.start) + 6
            row.bars.append(Bar(x(s.start), max(right - x(s.start), 2.0), s.stage, s.start, s.end))
        rows.append(row)
    ticks = [(x(t0 + (t1 - t0) * k / 4), t0 + (t1 - t0) * k / 4) for k in range(5)]
    return Chart(rows=rows, ticks=ticks, height=TOP + len(rows) * ROW + 8, hours=span < 3 * 86400)
