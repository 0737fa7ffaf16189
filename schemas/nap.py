"""A national (or regional) action plan on resolution 1325, as public NAP datasets record it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


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
    """Unknown fields are refused, so that a misspelt field is reported rather than ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Budget(Strict):
    allocated: bool
    amount: float | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")


class Monitoring(Strict):
    framework: bool
    reporting_frequency: str | None = None


class CedawReferences(Strict):
    articles_cited: list[str] = Field(
        default_factory=list,
        description='CEDAW articles the plan cites, e.g. "2", "5(a)", "7"',
    )
    cites_gr30: bool = False


class Nap(Strict):
    iteration: int = Field(ge=1, description="1 for the first plan, 2 for the second, ...")
    title: str = Field(min_length=1)
    adopted_on: date
    period_start: date
    period_end: date
    lead_agency: str = Field(min_length=1)
    pillars: list[Pillar] = Field(min_length=1)
    budget: Budget
    monitoring: Monitoring
    civil_society_role: CivilSocietyRole
    local_action_plans: int = Field(default=0, ge=0)
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
