"""Spreadsheets people ask for on day one: where every review of a cycle stands, and the peer
recommendations with the members' answers, as CSV and XLSX, for the command line and the portal
alike. Each holds only the reviews the person reads (services/access.py)."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from temporalio.client import Client

from napreview.i18n.translator import translator
from napreview.schemas.members import Actor
from napreview.schemas.review import ReviewerStatus
from napreview.services import access, documents, indicators
from napreview.store.records import Store

Cell = str | int | float | datetime | None
FORMATS = ("csv", "xlsx")
# The reviewers a review counts: still to submit, or submitted (not replaced, recused...).
_SERVING = (ReviewerStatus.ACTIVE, ReviewerStatus.SUBMITTED)
# Reviews read from Temporal at once for the recommendations (each is a query).
_AT_ONCE = 8


@dataclass(frozen=True)
class Table:
    """One sheet: its name (the file's, and the XLSX sheet's), its header and its rows."""

    name: str
    header: list[str]
    rows: list[list[Cell]]


def _day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _utc(value: datetime | None) -> datetime | None:
    """A moment as a spreadsheet keeps dates: without a zone (the header names UTC)."""
    return value.astimezone(UTC).replace(tzinfo=None) if value else None


def cycle_status(store: Store, actor: Actor, cycle: str, language: str = "en") -> Table:
    """Each review of the cycle the person reads: its stage, round, deadline and reviewers (those
    who submitted included), headed and worded in the reader's language."""
    t = translator(language)
    readable = access.readable_reviews(store, actor, cycle)
    rows: list[list[Cell]] = [
        [
            r.member,
            t.member_name(r.member),
            t.term("stage", r.stage.value),
            r.round,
            t.gettext("yes") if r.overdue else t.gettext("no"),
            _utc(r.deadline),
            ", ".join(t.member_name(s.member) for s in r.reviewers or () if s.status in _SERVING),
            t.term("linkage", r.cedaw_rating) if r.cedaw_rating else "",
            r.unanswered,
        ]
        for r in store.reviews.of_cycle(cycle)
        if readable is None or r.member in readable
    ]
    header = [
        t.gettext("Code"),
        t.gettext("Member"),
        t.gettext("Stage"),
        t.gettext("Round"),
        t.gettext("Overdue"),
        t.gettext("Deadline (UTC)"),
        t.gettext("Reviewers"),
        t.gettext("Link with CEDAW"),
        t.gettext("Recommendations not yet answered"),
    ]
    return Table(f"cycle-{cycle}-status", header, rows)


async def recommendations(
    client: Client, store: Store, actor: Actor, cycle: str, language: str = "en"
) -> Table:
    """Every peer recommendation of the reviews of the cycle the person reads, with the
    reviewed member's answer (supported, noted, or none yet), in the reader's language."""
    t = translator(language)
    readable = await asyncio.to_thread(access.readable_reviews, store, actor, cycle)
    records = await asyncio.to_thread(store.reviews.of_cycle, cycle)
    members = [r.member for r in records if readable is None or r.member in readable]
    limit = asyncio.Semaphore(_AT_ONCE)

    async def one(member: str) -> list[list[Cell]]:
        async with limit:
            d = await documents.dossier(client, store, actor, cycle, member)
        return [
            [
                member,
                t.member_name(member),
                t.member_name(r.reviewer),
                r.number,
                r.text,
                t.term("response", r.response.value) if r.response else t.gettext("not answered"),
            ]
            for r in d.recommendations
        ]

    rows = [row for found in await asyncio.gather(*map(one, members)) for row in found]
    header = [
        t.gettext("Code"),
        t.gettext("Member"),
        t.gettext("Reviewer"),
        t.gettext("Number"),
        t.gettext("Recommendation"),
        t.gettext("Answer"),
    ]
    return Table(f"cycle-{cycle}-recommendations", header, rows)


def indicator_values(store: Store, actor: Actor, member: str | None = None) -> Table:
    """The current value of every indicator for each member the person reads (or ``member``),
    per period and kind, by sex where the indicator is kept by sex, with its source and who
    recorded it."""
    known = {i.id: i for i in indicators.catalogue(store, actor, member)}

    def number(value: float | None) -> Cell:
        return None if value is None else int(value) if value == int(value) else value

    rows: list[list[Cell]] = []
    for v in indicators.values(store, actor, member):
        found = known.get(v.indicator)
        rows.append(
            [
                v.member,
                v.indicator,
                found.title.en if found else "",
                found.pillar.value if found else "",
                found.measure.value if found else "",
                v.period,
                v.kind.value,
                number(v.reading.women),
                number(v.reading.men),
                number(v.reading.total),
                v.reading.text or "",
                v.source,
                v.recorded_by,
                _day(v.recorded_at),
            ]
        )
    header = [
        "member",
        "indicator",
        "title",
        "pillar",
        "measure",
        "period",
        "kind",
        "women",
        "men",
        "total",
        "statement",
        "source",
        "recorded_by",
        "recorded_at",
    ]
    return Table(f"indicators-{member}" if member else "indicators", header, rows)


def as_csv(table: Table) -> bytes:
    """UTF-8 with a byte order mark, so that spreadsheet programs read the accents right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    writer.writerows(table.rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(table: Table) -> bytes:
    # Imported when asked for: only exports need it (and it has no type information).
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name[-31:])  # Excel's longest sheet name
    sheet.append(table.header)
    for row in table.rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def encoded(table: Table, format: str) -> tuple[bytes, str, str]:
    """The table as a file: its bytes, its name and its media type."""
    if format == "xlsx":
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return as_xlsx(table), f"{table.name}.xlsx", media
    return as_csv(table), f"{table.name}.csv", "text/csv; charset=utf-8"
