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


class Gr30Theme(StrEnum):
    """The themes of CEDAW general recommendation No. 30 a plan addresses with measures of its
    own. The rules file (workflows/cedaw_rules.json) keeps each theme's paragraphs, articles,
    related general recommendations and weight under the same id."""

    CONFLICT_PREVENTION = "conflict_prevention"
    GENDER_BASED_VIOLENCE = "gender_based_violence"
    TRAFFICKING = "trafficking"
    PARTICIPATION = "participation"
    EDUCATION_EMPLOYMENT_HEALTH = "education_employment_health"
    DISPLACEMENT = "displacement"
    NATIONALITY = "nationality"
    MARRIAGE_FAMILY = "marriage_family"
    SECURITY_SECTOR_REFORM = "security_sector_reform"
    CONSTITUTIONAL_ELECTORAL_REFORM = "constitutional_electoral_reform"
    ACCESS_TO_JUSTICE = "access_to_justice"


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


class ActionAbroad(Strict):
    """What the plan does beyond the member's own territory. GR30 para 9 holds a State to the
    Convention in what it does abroad; para 47 asks a third-party State for women in its own
    negotiating and mediation delegations."""

    donor_assistance: bool = Field(
        default=False, description="the plan funds women, peace and security work abroad"
    )
    peacekeeping_contingents: bool = Field(
        default=False, description="the plan covers the member's peacekeeping contingents"
    )
    peace_process_role: bool = Field(
        default=False,
        description="the member mediates, facilitates or supports peace processes as a third party",
    )
    women_in_delegations: bool = Field(
        default=False,
        description="women serve in the member's negotiating and mediation delegations",
    )

    @property
    def roles(self) -> list[str]:
        """The roles the plan takes abroad, in this order (women in the delegations is not a
        role but a quality of the third party's)."""
        taken = ("donor_assistance", "peacekeeping_contingents", "peace_process_role")
        return [role for role in taken if getattr(self, role)]

    @property
    def any(self) -> bool:
        return bool(self.roles)


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
    # None: the member left it blank (never read as 0); documents stored before say 0 or more.
    local_action_plans: int | None = Field(default=None, ge=0, le=100_000)
    cedaw: CedawReferences
    gender_disaggregated_data: bool = Field(
        description="the plan keeps data by sex (GR30 para 83 says sex-disaggregated); the name "
        "is kept as stored documents have it"
    )
    # Added by issue #18; documents stored before lack them and read as "not stated".
    gr30_themes: list[Gr30Theme] = Field(
        default_factory=list,
        max_length=len(Gr30Theme),
        description="the GR30 themes the plan addresses with measures of its own",
    )
    small_arms: bool = Field(
        default=False,
        description="the plan addresses disarmament and small arms, such as the Arms Trade "
        "Treaty (GR30 para 33(e))",
    )
    abroad: ActionAbroad = Field(default_factory=ActionAbroad)

    @field_validator("gr30_themes")
    @classmethod
    def _each_theme_once(cls, value: list[Gr30Theme]) -> list[Gr30Theme]:
        if len(set(value)) != len(value):
            raise ValueError("a GR30 theme is given more than once")
        return value

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
