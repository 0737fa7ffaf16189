"""Members' own plan indicators and the values recorded for every indicator (issue #22).

The global indicators are data (schemas/wps_indicators.json), not rows: the store keeps what
members add and record. A value is never overwritten: each recording is kept with who made it
and when, and the latest for an indicator, member, period and kind is the value."""

from __future__ import annotations

from sqlalchemy import func, select

from napreview.schemas.indicators import (
    Indicator,
    IndicatorValue,
    Measure,
    NewPlanIndicator,
    NewValue,
    Reading,
    Titles,
    ValueKind,
)
from napreview.schemas.nap import Pillar
from napreview.store.db import Repository
from napreview.store.errors import NotFoundError
from napreview.store.tables import IndicatorValueRow, PlanIndicatorRow


def _indicator(row: PlanIndicatorRow) -> Indicator:
    return Indicator(
        id=row.id,
        member=row.member_code,
        pillar=Pillar(row.pillar),
        measure=Measure(row.measure),
        by_sex=row.by_sex,
        title=Titles(en=row.title_en, fr=row.title_fr, es=row.title_es),
    )


def _value(row: IndicatorValueRow) -> IndicatorValue:
    return IndicatorValue(
        indicator=row.indicator_id,
        member=row.member_code,
        period=row.period,
        kind=ValueKind(row.kind),
        reading=Reading(women=row.women, men=row.men, total=row.total, text=row.text),
        source=row.source,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


class IndicatorRepository(Repository):
    def plan_indicators(self, member: str | None = None) -> list[Indicator]:
        """A member's own indicators in the order they were added (every member's: None)."""
        query = select(PlanIndicatorRow).order_by(
            PlanIndicatorRow.member_code, PlanIndicatorRow.number
        )
        if member is not None:
            query = query.where(PlanIndicatorRow.member_code == member)
        with self._session() as s:
            return [_indicator(r) for r in s.scalars(query)]

    def plan_indicator(self, indicator_id: str) -> Indicator:
        with self._session() as s:
            row = s.get(PlanIndicatorRow, indicator_id)
            if row is None:
                raise NotFoundError(f"No indicator {indicator_id}.")
            return _indicator(row)

    def add(self, member: str, new: NewPlanIndicator, by: str) -> Indicator:
        """Add a member's indicator; its id is the member's code and the next number."""
        with self._held("plan_indicators") as s:
            last = s.scalar(
                select(func.max(PlanIndicatorRow.number)).where(
                    PlanIndicatorRow.member_code == member
                )
            )
            number = (last or 0) + 1
            row = PlanIndicatorRow(
                id=f"{member}-{number}",
                member_code=member,
                number=number,
                pillar=new.pillar.value,
                measure=new.measure.value,
                by_sex=new.by_sex,
                title_en=new.title.en,
                title_fr=new.title.fr,
                title_es=new.title.es,
                added_by=by,
            )
            s.add(row)
            s.flush()
            return _indicator(row)

    def record(self, value: NewValue, by: str) -> IndicatorValue:
        """Keep a value (checked by the caller against its indicator)."""
        with self._session() as s:
            row = IndicatorValueRow(
                indicator_id=value.indicator,
                member_code=value.member,
                period=value.period,
                kind=value.kind.value,
                women=value.reading.women,
                men=value.reading.men,
                total=value.reading.total,
                text=value.reading.text,
                source=value.source,
                recorded_by=by,
            )
            s.add(row)
            s.flush()
            return _value(row)

    def values(
        self, member: str | None = None, indicator: str | None = None
    ) -> list[IndicatorValue]:
        """The current values (the latest recording of each indicator, member, period and kind),
        by member, indicator and period; every member's where ``member`` is None."""
        query = select(IndicatorValueRow).order_by(IndicatorValueRow.id)
        if member is not None:
            query = query.where(IndicatorValueRow.member_code == member)
        if indicator is not None:
            query = query.where(IndicatorValueRow.indicator_id == indicator)
        with self._session() as s:
            latest = {
                (r.member_code, r.indicator_id, r.period, r.kind): _value(r)
                for r in s.scalars(query)
            }
        return sorted(latest.values(), key=lambda v: (v.member, v.indicator, v.period, v.kind))

    def history(self, member: str, indicator: str) -> list[IndicatorValue]:
        """Every recording of an indicator's values for a member, oldest first."""
        query = (
            select(IndicatorValueRow)
            .where(IndicatorValueRow.member_code == member)
            .where(IndicatorValueRow.indicator_id == indicator)
            .order_by(IndicatorValueRow.id)
        )
        with self._session() as s:
            return [_value(r) for r in s.scalars(query)]
