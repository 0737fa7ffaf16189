"""A national (or regional) action plan on resolution 1325, as public NAP datasets record it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from napreview.schemas.text import ArticleCited, Phrase, PlausibleDate, Title, no_nul


class Pillar(StrEnum):
    PARTICIPATION = "participation"
    PREVENTION = "prevention"
    PROTECTION = "protection"
    RELIEF_AND_RECOVERY = "relief_and_recovery"


class CivilSocietyRole(StrEnum):
    NONE = "none"
    ADVISORY = "advisory"
    DRAFTING = "drafting"
    IMPLEMENTING = "implementing"
    MONITORING = "monitoring"


class Strict(BaseModel):
    """Unknown fields are refused, so that a misspelt field is reported rather than ignored;
    no text anywhere may hold a NUL (the store could never keep it)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        return no_nul(value)


class Budget(Strict):
    allocated: bool
    amount: float | None = Field(default=None, ge=0, le=1e15)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")


class Monitoring(Strict):
    framework: bool
    reporting_frequency: Phrase | None = None


class CedawReferences(Strict):
    articles_cited: list[ArticleCited] = Field(
        default_factory=list,
        max_length=40,
        description='CEDAW articles the plan cites, e.g. "2", "5(a)", "7"',
    )
    cites_gr30: bool = False


class Nap(Strict):
    iteration: int = Field(ge=1, le=99, description="1 for the first plan, 2 for the second, ...")
    title: Title
    adopted_on: PlausibleDate
    period_start: PlausibleDate
    period_end: PlausibleDate
    lead_agency: Title
    pillars: list[Pillar] = Field(min_length=1, max_length=4)
    budget: Budget
    monitoring: Monitoring
    civil_society_role: CivilSocietyRole
    local_action_plans: int = Field(default=0, ge=0, le=100_000)
    cedaw: CedawReferences
    gender_disaggregated_data: bool

    @model_validator(mode="after")
    def _period_in_order(self) -> Self:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self

    def status_on(self, day: date) -> str:
        """``active`` while the plan's period runs, else ``expired`` (or ``upcoming``)."""
        if day < self.period_start:
            return "upcoming"
        return "active" if day <= self.period_end else "expired"
