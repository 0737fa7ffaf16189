"""The two documents people submit: a member's self-assessment and a peer review (DESIGN §10.1)."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from napreview.schemas.nap import Nap, Strict
from napreview.schemas.recommendations import RECOMMENDATION_IDS, Theme
from napreview.schemas.text import text


class RecommendationStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    NOT_APPLICABLE = "not_applicable"


class RecommendationProgress(Strict):
    id: str = Field(description="One of the 24 recommendation ids, P1 to B5")
    status: RecommendationStatus
    evidence: text(5000) = ""

    @field_validator("id")
    @classmethod
    def _known_id(cls, value: str) -> str:
        if value not in RECOMMENDATION_IDS:
            raise ValueError(f"unknown recommendation id {value!r}; use P1-P9, A1-A10 or B1-B5")
        return value


class CedawReporting(Strict):
    last_report_year: int | None = Field(default=None, ge=1982, le=2100)
    covered_wps: bool
    observations_on_wps: bool
    nap_answers_observations: bool
    # Added by issue #18: which concluding observations, so that a finding can cite them.
    observations_symbol: text(60, 1) | None = Field(
        default=None,
        pattern=r"^CEDAW/C/[A-Z]{3}/CO/[0-9A-Za-z./-]+$",
        description='the symbol of the latest concluding observations, e.g. "CEDAW/C/DEU/CO/9"',
    )
    observations_paragraphs: text(60, 1) | None = Field(
        default=None,
        pattern=r"^\d{1,3}(\s*[-\u2013,]\s*\d{1,3})*$",
        description='their paragraphs on women, peace and security, e.g. "27-28" or "27, 31"',
    )


class SelfAssessment(Strict):
    nap: Nap
    recommendations: list[RecommendationProgress] = Field(max_length=48)
    cedaw_reporting: CedawReporting

    @model_validator(mode="after")
    def _every_recommendation_once(self) -> Self:
        seen = [r.id for r in self.recommendations]
        duplicates = sorted({i for i in seen if seen.count(i) > 1})
        missing = [i for i in RECOMMENDATION_IDS if i not in seen]
        problems = []
        if duplicates:
            problems.append("given more than once: " + ", ".join(duplicates))
        if missing:
            problems.append("missing: " + ", ".join(missing))
        if problems:
            raise ValueError(
                "all 24 recommendations must be present exactly once; " + "; ".join(problems)
            )
        return self


class Rating(StrEnum):
    STRONG = "strong"
    ADEQUATE = "adequate"
    WEAK = "weak"


class ThemeRatings(Strict):
    participation: Rating
    accountability: Rating
    alliances: Rating

    def for_theme(self, theme: Theme) -> Rating:
        return getattr(self, theme.value)


class PeerReview(Strict):
    ratings: ThemeRatings
    comments: text(20000) = ""
    recommendations: list[text(2000)] = Field(default_factory=list, max_length=30)

    @field_validator("recommendations")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("a recommendation is empty")
        return value


class RecommendationResponse(StrEnum):
    """How the reviewed member answers a peer recommendation (the UPR convention)."""

    SUPPORTED = "supported"
    NOTED = "noted"


class DocumentKind(StrEnum):
    SELF_ASSESSMENT = "self_assessment"
    PEER_REVIEW = "peer_review"


class DocumentRef(BaseModel):
    """What history carries of a submitted document: its id in the store and its digest."""

    model_config = ConfigDict(frozen=True)

    id: str
    sha256: str
