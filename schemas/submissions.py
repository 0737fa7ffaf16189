"""The two documents people submit: a member's self-assessment and a peer review (DESIGN §10.1)."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from napreview.schemas.nap import Nap, Strict
from napreview.schemas.recommendations import (
    RecommendationSet,
    Theme,
    all_sets,
    recommendation_set,
)
from napreview.schemas.text import Comments, Evidence, Recommendation, Reference


class RecommendationStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    NOT_APPLICABLE = "not_applicable"


# The key of the validation context that names the set a document answers (the cycle's):
# ``SelfAssessment.model_validate(doc, context={SET_CONTEXT: "wps-fpn-2018"})``.
SET_CONTEXT = "recommendation_set"


def _sets_for(info: ValidationInfo) -> list[RecommendationSet]:
    """The set named in the validation context; without one, any set shipped (a document read
    back from the store was checked against its cycle's set when it was submitted)."""
    named = (info.context or {}).get(SET_CONTEXT)
    return [recommendation_set(named)] if named else all_sets()


class RecommendationProgress(Strict):
    id: str = Field(description="A recommendation id of the cycle's set, e.g. P1 to B5 (2018)")
    status: RecommendationStatus
    evidence: Evidence = ""

    @field_validator("id")
    @classmethod
    def _known_id(cls, value: str) -> str:
        """An id no set has is a typing mistake, said beside it; whether it belongs to the
        cycle's set is said of the whole list (a retired id is known, but not in a later set)."""
        if not any(value in s.ids for s in all_sets()):
            ids = all_sets()[-1].ids
            raise ValueError(f"unknown recommendation id {value!r}; use {ids[0]} to {ids[-1]}")
        return value


class CedawReporting(Strict):
    last_report_year: int | None = Field(default=None, ge=1982, le=2100)
    covered_wps: bool
    observations_on_wps: bool
    nap_answers_observations: bool
    # Added by issue #18: which concluding observations, so that a finding can cite them.
    observations_symbol: Reference | None = Field(
        default=None,
        pattern=r"^CEDAW/C/[A-Z]{3}/CO/[0-9A-Za-z./-]+$",
        description='the symbol of the latest concluding observations, e.g. "CEDAW/C/DEU/CO/9"',
    )
    observations_paragraphs: Reference | None = Field(
        default=None,
        pattern=r"^\d{1,3}(\s*[-\u2013,]\s*\d{1,3})*$",
        description='their paragraphs on women, peace and security, e.g. "27-28" or "27, 31"',
    )


class SelfAssessment(Strict):
    nap: Nap
    recommendations: list[RecommendationProgress] = Field(max_length=48)
    cedaw_reporting: CedawReporting

    @model_validator(mode="after")
    def _every_recommendation_once(self, info: ValidationInfo) -> Self:
        """Every recommendation of one set exactly once: the set the context names, else the
        shipped set the document answers best."""
        seen = [r.id for r in self.recommendations]
        answers = [(s, s.problems(seen)) for s in _sets_for(info)]
        best, problems = min(answers, key=lambda pair: len(pair[1]))
        if problems:
            raise ValueError(
                f"all {len(best.ids)} recommendations of set {best.id} must be present exactly "
                "once; " + "; ".join(problems)
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
    comments: Comments = ""
    recommendations: list[Recommendation] = Field(default_factory=list, max_length=30)

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
