"""What a letter says, already resolved from the store by the caller (DESIGN §7).

Plain pydantic data, so the activity that renders a letter can record exactly what it rendered
(the renderer hashes the canonical JSON of this context). Nothing here reads the store.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from napreview.letters.links import PortalLinks
from napreview.schemas.cedaw import (
    CedawResult,
    Finding,
    LinkageRating,
    Severity,
)
from napreview.schemas.letters import Addressee, LetterKind
from napreview.schemas.members import (
    Honorific,
    Language,
    Member,
    Rank,
)
from napreview.schemas.nap import Gr30Theme
from napreview.schemas.recommendations import DEFAULT_SET, Theme, recommendation_set, theme_of
from napreview.schemas.review import Stage
from napreview.schemas.submissions import (
    PeerReview,
    Rating,
    RecommendationProgress,
    RecommendationResponse,
    RecommendationStatus,
    SelfAssessment,
)
from napreview.settings import DEFAULT_PORTAL_URL
from napreview.workflows.cedaw import priorities


class Person(BaseModel):
    """Whoever a letter is addressed to: a focal point, or the secretariat for internal notices."""

    model_config = ConfigDict(frozen=True)

    name: str
    title: str | None = None
    ministry: str | None = None
    email: str
    honorific: Honorific | None = None
    rank: Rank | None = None
    family_name: str | None = None


class ReviewerChange(StrEnum):
    """Why a reviewer left the review troika (DESIGN §5)."""

    REPLACED = "replaced"
    RECUSED = "recused"
    REASSIGNED = "reassigned"


class PeerRecommendation(BaseModel):
    """One recommendation of a peer review with the reviewed member's answer."""

    key: str = Field(description="'<reviewer code>#<n>', n from 1")
    text: str
    response: RecommendationResponse
    marked: bool = Field(description="False when the member did not answer: it stands as noted")


class ReviewedBy(BaseModel):
    """A peer review with the member that gave it."""

    reviewer: Member
    review: PeerReview

    def recommendations_with(
        self, responses: dict[str, RecommendationResponse]
    ) -> list[PeerRecommendation]:
        """The review's recommendations with the member's answers; unmarked ones stand as noted."""
        answered = []
        for n, text in enumerate(self.review.recommendations, start=1):
            key = f"{self.reviewer.code}#{n}"
            response = responses.get(key)
            answered.append(
                PeerRecommendation(
                    key=key,
                    text=text,
                    response=response or RecommendationResponse.NOTED,
                    marked=response is not None,
                )
            )
        return answered


class OpenRecommendation(BaseModel):
    """A peer recommendation the reviewed member has not yet marked supported or noted."""

    key: str
    reviewer: Member
    text: str


class GapCount(BaseModel):
    """How often one kind of CEDAW gap was found across the cycle."""

    code: str
    count: int = Field(ge=1)
    example: str | None = Field(
        default=None, description="one finding's message, to say what it is"
    )


class ThemeCount(BaseModel):
    """How many of the plans checked address one GR30 theme."""

    theme: Gr30Theme
    plans: int = Field(ge=0)


class CedawFigures(BaseModel):
    """What the cycle summary says of the CEDAW linkage check: counts only. It goes to every
    member, so it names no member's rating."""

    ratings: dict[LinkageRating, int] = Field(default_factory=dict)
    themes: list[ThemeCount] = Field(default_factory=list)
    common_gaps: list[GapCount] = Field(
        default_factory=list, description="most common first; a missing theme counts in themes"
    )

    @classmethod
    def of(cls, results: Iterable[CedawResult], most: int = 5) -> Self:
        """The figures of the checks made so far in a cycle."""
        results = list(results)
        ratings = Counter(r.rating for r in results)
        addressing = Counter(t for r in results for t in dict.fromkeys(r.addressed))
        gaps: Counter[str] = Counter()
        examples: dict[str, str] = {}
        for result in results:
            for finding in result.findings:
                if finding.severity is Severity.GAP and finding.code != "THEME_NOT_ADDRESSED":
                    gaps[finding.code] += 1
                    examples.setdefault(finding.code, finding.message)
        return cls(
            ratings={rating: ratings[rating] for rating in LinkageRating if ratings[rating]},
            themes=[ThemeCount(theme=t, plans=addressing[t.value]) for t in Gr30Theme],
            common_gaps=[
                GapCount(code=code, count=count, example=examples[code])
                for code, count in gaps.most_common(most)
            ],
        )

    @property
    def checked(self) -> int:
        return sum(self.ratings.values())

    def rating_counts(self) -> list[tuple[LinkageRating, int]]:
        """Plans per rating, strongest first, the empty ratings too."""
        return [(rating, self.ratings.get(rating, 0)) for rating in LinkageRating]


class CycleSummaryData(BaseModel):
    """The figures of a cycle for the Network's annual meeting, counted by the caller."""

    total_members: int = Field(ge=0)
    stages: dict[Stage, int] = Field(description="reviews per stage; stages left out count 0")
    overdue: list[Member] = Field(default_factory=list)
    cedaw: CedawFigures = Field(default_factory=CedawFigures)

    def stage_counts(self) -> list[tuple[Stage, int]]:
        """Every stage in process order, so the meeting sees the empty ones too."""
        return [(stage, self.stages.get(stage, 0)) for stage in Stage]

    @property
    def not_checked(self) -> int:
        """Members whose review has not reached the CEDAW linkage check (or was withdrawn)."""
        return max(self.total_members - self.cedaw.checked, 0)


# What each kind cannot be written without; the renderer refuses rather than print "None".
class CommentQuote(BaseModel):
    """A comment of a review's conversation as a letter quotes it: who wrote it (their address;
    the member they wrote for and whether as its deputy, or the secretariat) and what."""

    author: str
    author_member: Member | None = None
    deputy: bool = False
    text: str


_REQUIRED: dict[LetterKind, tuple[str, ...]] = {
    LetterKind.INVITATION: ("deadline",),
    LetterKind.REMINDER: ("deadline",),
    LetterKind.OVERDUE: ("deadline",),
    LetterKind.REVIEW_REQUEST: ("deadline", "recipient_member"),
    LetterKind.REVIEWER_CHANGE: ("previous_reviewer", "reviewer_change"),
    LetterKind.RETURNED: (),
    LetterKind.FINAL_FEEDBACK: ("self_assessment",),
    LetterKind.WITHDRAWAL: ("reason",),
    LetterKind.CYCLE_SUMMARY: ("summary",),
    LetterKind.COMMENT: ("comment",),
    LetterKind.REPORT_REMINDER: ("deadline",),
    LetterKind.REPORT_OVERDUE: ("deadline",),
}

# The steps a reminder or an overdue notice can be about, and who is late at each.
DEADLINE_STAGES = (Stage.SELF_ASSESSMENT, Stage.PEER_REVIEW, Stage.SIGN_OFF)


class LetterContext(BaseModel):
    """Everything one letter says, with people and documents already resolved.

    ``member`` is the reviewed member (for ``cycle_summary``, the Chair member may be given).
    ``recipient`` is the person addressed: a focal point, or the secretariat when ``addressee`` is
    ``secretariat``. ``recipient_member`` is the member whose focal point is addressed when it is
    not ``member`` (a reviewer). ``stage`` says which step a reminder or overdue notice is about.
    ``round`` is the round the letter belongs to (for ``returned``: the round returned).
    ``chair`` is the member whose focal point receives the cycle summary; ``chairs`` are the
    Chairs the letters name.
    """

    kind: LetterKind
    language: Language
    cycle: str
    date: datetime.date
    member: Member
    recipient: Person
    recipient_member: Member | None = None
    addressee: Addressee = Addressee.FOCAL_POINT
    copy_to: list[str] = Field(default_factory=list)
    chair: Member
    chairs: list[Member] = Field(
        default_factory=list,
        description="the Chair or two co-Chairs recorded for the cycle's year, whom the letters "
        "name; none for a year with none recorded (never another year's Chair)",
    )
    round: int = Field(default=1, ge=1)
    stage: Stage = Stage.SELF_ASSESSMENT
    deadline: datetime.date | None = None
    reason: str | None = None
    comments: str | None = None
    reviewers: list[Member] = Field(default_factory=list)
    previous_reviewer: Member | None = None
    new_reviewer: Member | None = None
    reviewer_change: ReviewerChange | None = None
    self_assessment: SelfAssessment | None = None
    peer_reviews: list[ReviewedBy] = Field(default_factory=list)
    responses: dict[str, RecommendationResponse] = Field(default_factory=dict)
    cedaw: CedawResult | None = None
    summary: CycleSummaryData | None = None
    comment: CommentQuote | None = None
    recommendation_set: str = Field(
        default=DEFAULT_SET, description="the set of the Network's recommendations the cycle uses"
    )
    portal_url: str = Field(
        default=DEFAULT_PORTAL_URL, description="the portal's public address the letter links to"
    )
    reference: str | None = Field(default=None, description="the letter's reference number")
    signatory: str | None = Field(default=None, description="who signs; None: the secretariat")
    signatory_title: str | None = Field(
        default=None, description="the signatory's title in the letter's language"
    )

    @model_validator(mode="after")
    def _has_what_the_kind_needs(self) -> Self:
        missing = [name for name in _REQUIRED[self.kind] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.kind.value} letter needs {', '.join(missing)}")
        if self.kind in (LetterKind.REMINDER, LetterKind.OVERDUE):
            if self.stage not in DEADLINE_STAGES:
                raise ValueError(
                    f"a {self.kind.value} letter is about one of "
                    + ", ".join(s.value for s in DEADLINE_STAGES)
                )
            if self.stage is Stage.PEER_REVIEW and self.recipient_member is None:
                raise ValueError("a peer-review reminder or overdue notice needs recipient_member")
        return self

    @property
    def links(self) -> PortalLinks:
        """The portal pages of the review the letter is about."""
        return PortalLinks(self.portal_url, self.cycle, self.member.code)

    @property
    def addressed_member(self) -> Member | None:
        """The member whose focal point reads the letter; None for the secretariat, the Network."""
        if self.addressee is Addressee.SECRETARIAT or self.kind is LetterKind.CYCLE_SUMMARY:
            return None
        return self.recipient_member or self.member

    @property
    def open_recommendations(self) -> list[OpenRecommendation]:
        """Peer recommendations still open: not yet marked supported or noted (a returned
        self-assessment is revised with them in view)."""
        return [
            OpenRecommendation(key=rec.key, reviewer=entry.reviewer, text=rec.text)
            for entry in self.peer_reviews
            for rec in entry.recommendations_with(self.responses)
            if not rec.marked
        ]

    @property
    def other_reviewers(self) -> list[Member]:
        """The review troika without the member addressed (for a reviewer: its fellow reviewers)."""
        addressed = self.addressed_member
        return [r for r in self.reviewers if addressed is None or r.code != addressed.code]


class ThemeProgress(BaseModel):
    """The self-assessment's recommendations of one theme, in id order."""

    theme: Theme
    recommendations: list[RecommendationProgress]


def progress_by_theme(assessment: SelfAssessment, set_name: str) -> list[ThemeProgress]:
    """The set's recommendations grouped by theme, in the set's order."""
    by_id = {r.id: r for r in assessment.recommendations}
    ids = recommendation_set(set_name).ids
    return [
        ThemeProgress(
            theme=theme,
            recommendations=[by_id[i] for i in ids if theme_of(i) is theme and i in by_id],
        )
        for theme in Theme
    ]


class PriorityKind(StrEnum):
    CEDAW_GAP = "cedaw_gap"
    NOT_STARTED = "not_started"
    WEAK_THEME = "weak_theme"
    IN_PROGRESS = "in_progress"


class Priority(BaseModel):
    """One step the final letter recommends."""

    kind: PriorityKind
    finding: Finding | None = None
    recommendation: str | None = None
    theme: Theme | None = None
    weak_by: list[Member] = Field(default_factory=list)


# The final letter lists at most this many steps (DESIGN §6), the CEDAW gaps that weigh most
# for the plan taking at most CEDAW_FIRST of them; the rest are grouped after the list.
MOST_PRIORITIES = 5
CEDAW_FIRST = 3


class Recommended(BaseModel):
    """The final letter's recommendations: a short list, most pressing first, and the rest."""

    priorities: list[Priority] = Field(max_length=MOST_PRIORITIES)
    rest: list[Priority] = Field(default_factory=list)

    def grouped(self, kind: PriorityKind | str) -> list[Priority]:
        return [p for p in self.rest if p.kind == kind]


def prioritise(ctx: LetterContext) -> Recommended:
    """The final feedback's recommendations, at most five listed, most pressing first:

    1. the CEDAW linkage gaps that weigh most for this plan, heaviest first (at most three;
       the selection is the rules', workflows/cedaw.py);
    2. the themes of the peer review rated weak, the most often first, naming the reviewers;
    3. the other CEDAW gaps;
    4. the recommendations of the cycle's set reported ``not_started``, in the set's order;
    5. those reported ``in_progress``, to be carried through.

    What does not fit in five is grouped after the list. Achieved and not applicable
    recommendations, CEDAW advice and information, and adequate or strong ratings do not
    appear: the letter reports them in their own sections.
    """
    first, other = priorities(ctx.cedaw, CEDAW_FIRST) if ctx.cedaw else ([], [])
    statuses = {}
    ids = recommendation_set(ctx.recommendation_set).ids
    if ctx.self_assessment is not None:
        statuses = {r.id: r.status for r in ctx.self_assessment.recommendations}
    weak: Counter[Theme] = Counter()
    weak_by: dict[Theme, list[Member]] = {theme: [] for theme in Theme}
    for entry in ctx.peer_reviews:
        for theme in Theme:
            if entry.review.ratings.for_theme(theme) is Rating.WEAK:
                weak[theme] += 1
                weak_by[theme].append(entry.reviewer)
    themes = sorted(weak, key=lambda t: (-weak[t], list(Theme).index(t)))
    ranked = [
        *(Priority(kind=PriorityKind.CEDAW_GAP, finding=f) for f in first),
        *(Priority(kind=PriorityKind.WEAK_THEME, theme=t, weak_by=weak_by[t]) for t in themes),
        *(Priority(kind=PriorityKind.CEDAW_GAP, finding=f) for f in other),
        *(
            Priority(kind=PriorityKind.NOT_STARTED, recommendation=i)
            for i in ids
            if statuses.get(i) is RecommendationStatus.NOT_STARTED
        ),
        *(
            Priority(kind=PriorityKind.IN_PROGRESS, recommendation=i)
            for i in ids
            if statuses.get(i) is RecommendationStatus.IN_PROGRESS
        ),
    ]
    return Recommended(priorities=ranked[:MOST_PRIORITIES], rest=ranked[MOST_PRIORITIES:])
