"""Results of the CEDAW linkage check (DESIGN §6)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class Severity(StrEnum):
    GAP = "gap"
    ADVICE = "advice"
    INFO = "info"


class LinkageRating(StrEnum):
    STRONG = "strong"
    PARTIAL = "partial"
    WEAK = "weak"
    NOT_APPLICABLE = "not_applicable"


class Finding(BaseModel):
    code: str
    severity: Severity
    article: str | None = None
    gr30_paragraph: str | None = None
    pillar: str | None = None
    message: str


class CedawResult(BaseModel):
    member: str
    rating: LinkageRating
    findings: list[Finding]

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
