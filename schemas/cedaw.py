"""Results of the CEDAW linkage check (DESIGN §6)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class Severity(StrEnum):
    GAP = "gap"
    ADVICE = "advice"
    INFO = "info"


class LinkageRating(StrEnum):
    STRONG = "strong"
    PARTIAL = "partial"
    WEAK = "weak"
    NOT_APPLICABLE = "not_applicable"


class GeneralRecommendationRef(BaseModel):
    """A related general recommendation of the Committee, e.g. No. 35, para 34(b)."""

    number: int
    paragraph: str | None = None


class Finding(BaseModel):
    code: str
    severity: Severity
    article: str | None = None
    gr30_paragraph: str | None = None
    pillar: str | None = None
    message: str
    # Since issue #18; results stored before have these defaults.
    theme: str | None = Field(default=None, description="the GR30 theme it concerns")
    weight: int = Field(default=0, ge=0, description="what it counts toward the rating")
    general_recommendations: list[GeneralRecommendationRef] = Field(default_factory=list)
    params: dict[str, str] = Field(
        default_factory=dict, description="what the message names, for letters in any language"
    )


class CedawResult(BaseModel):
    member: str
    rating: LinkageRating
    findings: list[Finding]
    addressed: list[str] = Field(
        default_factory=list, description="the GR30 themes the plan addresses (since issue #18)"
    )

    @property
    def gaps(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.GAP)


class CedawSummary(BaseModel):
    """What a review's history keeps of a check: the rating, counts, and where the body is."""

    result_id: str
    sha256: str
    rating: LinkageRating
    gaps: int
    findings: int
