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


# The finding that records which GR30 themes the plan addresses (its ``themes`` parameter), so
# that it is kept wherever findings are.
THEMES_ADDRESSED = "THEMES_ADDRESSED"


class CedawResult(BaseModel):
    member: str
    rating: LinkageRating
    findings: list[Finding]

    @property
    def gaps(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.GAP)

    @property
    def addressed(self) -> list[str]:
        """The GR30 themes the plan addresses, in GR30's order (none in a result from before
        issue #18, when the check did not ask)."""
        for finding in self.findings:
            if finding.code == THEMES_ADDRESSED:
                return [t for t in finding.params.get("themes", "").split(", ") if t]
        return []


class CedawSummary(BaseModel):
    """What a review's history keeps of a check: the rating, counts, and where the body is."""

    result_id: str
    sha256: str
    rating: LinkageRating
    gaps: int
    findings: int
