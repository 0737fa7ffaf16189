"""Indicators of women, peace and security, and the values members record for them (issue #22).

Two kinds share one model: the Secretary-General's global indicators (S/2010/498, annex), kept as
data in ``wps_indicators.json`` and the same for every member, and each member's own plan
indicators, which its focal point or the secretariat adds. A value is recorded per indicator,
member, period and kind (baseline, target or measured), by sex where the indicator counts people
(women, men, total), with a note on its source. GR30 paras 83-84 ask States parties to report
trends over time against agreed United Nations indicators, with data kept by sex: these values
are what they can cite.

The rules a value must meet live here, so both doors and the store refuse the same things.
"""

from __future__ import annotations

import functools
import json
import re
from datetime import datetime
from enum import StrEnum
from importlib import resources
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from napreview.schemas.nap import Pillar
from napreview.schemas.text import NO_NUL, Explanation, Title

CATALOGUE_FILE = "wps_indicators.json"
GLOBAL_PREFIX = "SG-"
# A year, or a half or quarter of one: 2024, 2024-H1, 2024-Q3.
PERIOD = re.compile(r"^(?P<year>\d{4})(-(H[12]|Q[1-4]))?$")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # resolution 1325 (2000) onwards
LARGEST_COUNT = 10**12

Period = Annotated[str, Field(min_length=4, max_length=7), NO_NUL]
SourceNote = Annotated[str, Field(min_length=1, max_length=500), NO_NUL]


class Measure(StrEnum):
    """What a value is: people or things counted, a percentage, or a statement."""

    COUNT = "count"
    PERCENTAGE = "percentage"
    QUALITATIVE = "qualitative"


class ValueKind(StrEnum):
    BASELINE = "baseline"
    TARGET = "target"
    MEASURED = "measured"


class Titles(BaseModel):
    """An indicator's title in each language; a plan indicator may have its English only."""

    model_config = ConfigDict(frozen=True)

    en: Title
    fr: Title | None = None
    es: Title | None = None

    def __getitem__(self, language: str) -> str:
        return getattr(self, language, None) or self.en


class Indicator(BaseModel):
    """A global indicator (``member`` None, id ``SG-nn``) or a member's plan indicator."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^[A-Z]{2,8}-[0-9a-z]{1,4}$")
    member: str | None = Field(default=None, max_length=16)
    pillar: Pillar
    measure: Measure
    by_sex: bool = Field(description="values are kept for women, men and in total")
    title: Titles
    checked: bool = Field(
        default=True, description="the wording was checked against its source (global only)"
    )
    checked_against: str | None = Field(
        default=None, description="where the wording was checked: a source that quotes the annex"
    )

    @property
    def is_global(self) -> bool:
        return self.member is None


class Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    note: str
    indicators: tuple[Indicator, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ids = [i.id for i in self.indicators]
        if len(set(ids)) != len(ids):
            raise ValueError("an indicator id is given twice")
        if wrong := [i.id for i in self.indicators if not i.id.startswith(GLOBAL_PREFIX)]:
            raise ValueError(f"global indicator ids start with {GLOBAL_PREFIX}: {wrong}")
        if untranslated := [i.id for i in self.indicators if not (i.title.fr and i.title.es)]:
            raise ValueError(f"global indicators without French or Spanish: {untranslated}")
        # a wording said to be checked names where, so that a reader can check it again
        if unsourced := [i.id for i in self.indicators if i.checked != bool(i.checked_against)]:
            raise ValueError(
                f"global indicators checked without a source, or the reverse: {unsourced}"
            )
        return self


@functools.cache
def global_catalogue() -> Catalogue:
    """The Secretary-General's global indicators, read once."""
    path = resources.files("napreview.schemas").joinpath(CATALOGUE_FILE)
    return Catalogue.model_validate(json.loads(path.read_text(encoding="utf-8")))


class NewPlanIndicator(BaseModel):
    """A member's own indicator, as its focal point or the secretariat adds it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pillar: Pillar
    measure: Measure
    by_sex: bool = False
    title: Titles


class Reading(BaseModel):
    """What a value says: numbers (by sex where the indicator is kept by sex) or a statement."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    women: float | None = None
    men: float | None = None
    total: float | None = None
    text: Explanation | None = None


class NewValue(BaseModel):
    """One value as a person records it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicator: str = Field(max_length=16)
    member: str = Field(max_length=16)
    period: Period
    kind: ValueKind = ValueKind.MEASURED
    reading: Reading
    source: SourceNote


class IndicatorValue(NewValue):
    """A value as recorded: who recorded it, and when."""

    recorded_by: str
    recorded_at: datetime


def period_problem(period: str) -> str | None:
    """Why a period cannot be kept, or None: a year from 2000 to 2100, or a half or quarter."""
    match = PERIOD.match(period)
    if not match:
        return (
            f"{period!r} is not a period; write a year (2024), a half (2024-H1) or a quarter "
            "(2024-Q3)"
        )
    if not EARLIEST_YEAR <= int(match["year"]) <= LATEST_YEAR:
        return f"{period!r} is not between {EARLIEST_YEAR} and {LATEST_YEAR}"
    return None


def reading_problems(indicator: Indicator, reading: Reading) -> list[str]:
    """Why a reading does not fit its indicator (empty: it fits). Counts are whole and not
    negative; percentages lie between 0 and 100; women and men only for an indicator kept by
    sex, and then women + men = total; a qualitative indicator takes a statement, not numbers."""
    numbers = {k: v for k, v in (("women", reading.women), ("men", reading.men),
                                 ("total", reading.total)) if v is not None}  # fmt: skip
    if indicator.measure is Measure.QUALITATIVE:
        if numbers:
            return [f"{indicator.id} is qualitative: give a statement (text), not numbers"]
        return [] if reading.text else [f"{indicator.id} is qualitative: give a statement (text)"]
    found: list[str] = []
    if not numbers:
        found.append(f"{indicator.id} takes numbers: give the total, or women and men")
    if not indicator.by_sex and {"women", "men"} & numbers.keys():
        found.append(f"{indicator.id} is not kept by sex: give the total only")
    for name, value in numbers.items():
        if value < 0:
            found.append(f"{name}: {value:g} is negative")
        elif indicator.measure is Measure.COUNT and (value != int(value) or value > LARGEST_COUNT):
            found.append(f"{name}: {value:g} is not a whole number of at most {LARGEST_COUNT:,}")
        elif indicator.measure is Measure.PERCENTAGE and value > 100:
            found.append(f"{name}: {value:g} is more than 100 per cent")
    if found or indicator.measure is not Measure.COUNT:
        return found
    if {"women", "men", "total"} <= numbers.keys() and numbers["women"] + numbers["men"] != numbers[
        "total"
    ]:
        found.append(
            f"women ({numbers['women']:g}) and men ({numbers['men']:g}) make "
            f"{numbers['women'] + numbers['men']:g}, not the total given ({numbers['total']:g})"
        )
    return found


def completed(indicator: Indicator, reading: Reading) -> Reading:
    """A count kept by sex with women and men but no total gets its total."""
    if (
        indicator.measure is Measure.COUNT
        and reading.total is None
        and reading.women is not None
        and reading.men is not None
    ):
        return reading.model_copy(update={"total": reading.women + reading.men})
    return reading


class IndicatorEvidence(BaseModel):
    """What a member's measured values give its next periodic report (GR30 paras 83-84): how
    many indicators have values, how many of them are global ones and kept by sex, and the
    latest period. The CEDAW check reads this, never the store."""

    model_config = ConfigDict(frozen=True)

    indicators: int = 0
    global_indicators: int = 0
    by_sex: int = 0
    latest_period: str | None = None


def evidence(values: list[IndicatorValue]) -> IndicatorEvidence:
    """The evidence of a member's values: measured ones only (baselines and targets are the
    plan's, not what happened)."""
    measured = [v for v in values if v.kind is ValueKind.MEASURED]
    ids = {v.indicator for v in measured}
    by_sex = {v.indicator for v in measured if v.reading.women is not None}
    return IndicatorEvidence(
        indicators=len(ids),
        global_indicators=sum(1 for i in ids if i.startswith(GLOBAL_PREFIX)),
        by_sex=len(by_sex),
        latest_period=max((v.period for v in measured), default=None),
    )
