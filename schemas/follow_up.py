"""Following a completed review's recommendations through to implementation (issue #22).

One follow-up per completed review: each recommendation the member took on becomes an item with
a lead institution, a target date, a status history, evidence and tags; the member reports its
progress at an interval the cycle sets, and the secretariat acknowledges each report. History
keeps ids, codes and digests; the items' texts and the reports' narratives live in the store.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AnyUrl, BaseModel, ConfigDict, Field, model_validator

from napreview.schemas.letters import LetterRef
from napreview.schemas.proof import Proof
from napreview.schemas.review import Command, Deadline, Refusal, TrustedKeys
from napreview.schemas.submissions import DocumentRef
from napreview.schemas.text import Comments, Duration, Explanation, Reference, Title

# How often a member reports its progress unless the cycle says otherwise (the UPR's mid-term
# report, the APRM's annual one), and how early it is reminded.
DEFAULT_INTERVAL = timedelta(days=365)
DEFAULT_REMINDER = timedelta(days=30)
MAX_ITEMS = 200
MAX_EVIDENCE = 50


class ItemSource(StrEnum):
    """Where an item comes from."""

    PEER_RECOMMENDATION = "peer_recommendation"  # supported by the member
    CEDAW_FINDING = "cedaw_finding"  # a gap the CEDAW check found, which the member keeps
    NETWORK_RECOMMENDATION = "network_recommendation"  # one the member works on


class ItemStatus(StrEnum):
    NOT_STARTED = "not_started"
    UNDER_WAY = "under_way"
    DONE = "done"
    NOT_PURSUED = "not_pursued"

    @property
    def settled(self) -> bool:
        """Nothing more to report on it."""
        return self in (ItemStatus.DONE, ItemStatus.NOT_PURSUED)


# An SDG target as the 2030 Agenda numbers it: 5.5, 16.7, 5.a.
SdgTarget = Annotated[str, Field(pattern=r"^\d{1,2}\.[0-9a-z]{1,2}$")]


class Tags(BaseModel):
    """How an item is grouped across members and cycles: the WPS pillar or the Network's
    theme, the GR30 paragraph, the CEDAW article, the SDG target (e.g. "5.5")."""

    model_config = ConfigDict(frozen=True)

    pillar: str | None = Field(default=None, max_length=40)
    gr30_paragraph: Reference | None = None
    cedaw_article: Reference | None = None
    sdg_target: SdgTarget | None = None


class EvidenceKind(StrEnum):
    DOCUMENT = "document"  # a document the member stored with napreview, by id
    LINK = "link"  # a public page (a law, a report, a budget line)


class Evidence(BaseModel):
    """A link, or a document kept in the store: history holds its id, digest and name, never
    its body (services/evidence.py fills them in from the store)."""

    model_config = ConfigDict(frozen=True)

    kind: EvidenceKind
    ref: str = Field(min_length=1, max_length=500, description="a document id or an address")
    note: str = Field(default="", max_length=200)
    sha256: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$", description="a document's SHA-256"
    )
    filename: str | None = Field(
        default=None, max_length=255, description="a document's name as it was uploaded"
    )

    @property
    def label(self) -> str:
        """What a reader is shown: a link's address, a document's name."""
        if self.kind is EvidenceKind.DOCUMENT:
            return self.filename or self.ref
        return self.ref

    @model_validator(mode="after")
    def _link_is_an_address(self) -> Evidence:
        if self.kind is EvidenceKind.LINK:
            url = AnyUrl(self.ref)
            if url.scheme not in ("http", "https"):
                raise ValueError("a link must be an http or https address")
        return self


class ItemSeed(BaseModel):
    """An item as the draw makes it: its key, source, tags and the digest of its text (the
    text itself is in the store)."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(max_length=80, description="'<source>:<ref>', e.g. 'network:P4'")
    source: ItemSource
    source_ref: str = Field(max_length=64, description="'ESP#1', a finding code, 'P4'")
    text_sha256: str
    tags: Tags = Tags()


class StatusChange(BaseModel):
    at: datetime
    by: str
    status: ItemStatus
    reason: Explanation | None = None
    period: int | None = Field(default=None, description="the progress report it came with")


class FollowUpItem(BaseModel):
    key: str
    source: ItemSource
    source_ref: str
    text_sha256: str
    tags: Tags = Tags()
    lead_institution: Title | None = None
    target_date: date | None = None
    history: list[StatusChange] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)

    @property
    def status(self) -> ItemStatus:
        return self.history[-1].status if self.history else ItemStatus.NOT_STARTED


class ItemUpdate(BaseModel):
    """What a person changes on one item; fields left out stay as they are."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(max_length=80)
    status: ItemStatus | None = None
    reason: Explanation | None = Field(default=None, description="required for not_pursued")
    lead_institution: Title | None = None
    target_date: date | None = None
    evidence: list[Evidence] = Field(default_factory=list, max_length=MAX_EVIDENCE)
    sdg_target: SdgTarget | None = Field(default=None, description="the SDG target it serves")


class ReportRecord(BaseModel):
    """One progress report: its period, when it was due and arrived, and its acknowledgement."""

    period: int
    due: datetime
    submitted_at: datetime
    by: str
    report: DocumentRef
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    acknowledgement: Comments = ""


class FollowUpSources(BaseModel):
    """What a completed review leaves to follow: ids and keys only (bodies are in the store)."""

    cycle: str
    member: str
    supported: list[str] = Field(default_factory=list, description="peer recommendation keys")
    self_assessment_id: str | None = None
    peer_reviews: dict[str, str] = Field(default_factory=dict, description="reviewer -> doc id")
    cedaw_result_id: str | None = None


class FollowUpTerms(BaseModel):
    """How often the member reports, and how early it is reminded."""

    interval: Duration = DEFAULT_INTERVAL
    reminder: Duration = DEFAULT_REMINDER


class DrawnItems(BaseModel):
    """What the draw answers: the items' seeds, and the terms the cycle set for reports."""

    seeds: list[ItemSeed]
    terms: FollowUpTerms = FollowUpTerms()


class FollowUpState(BaseModel):
    """The whole state of one follow-up, carried into a continued run and returned by the
    ``state`` query."""

    cycle: str
    member: str
    items: list[FollowUpItem] = Field(default_factory=list)
    drawn: bool = False
    self_assessment_id: str | None = Field(
        default=None, description="the review's last self-assessment, the next one's start"
    )
    cedaw_result_id: str | None = Field(
        default=None, description="the review's CEDAW check, whose gaps are items"
    )
    period: int = Field(default=1, description="the progress report asked for now")
    deadline: Deadline | None = None
    reports: list[ReportRecord] = Field(default_factory=list)
    terms: FollowUpTerms = FollowUpTerms()
    letters: list[LetterRef] = Field(default_factory=list)
    trusted_keys: TrustedKeys = Field(default_factory=dict)
    nonces: list[str] = Field(default_factory=list)
    rejected: list[Refusal] = Field(default_factory=list)
    closed_at: datetime | None = None
    as_of: datetime | None = Field(default=None, description="the follow-up's clock when published")
    published: int = Field(
        default=0,
        description="how many times it was published: orders projections of the same moment",
    )

    def item(self, key: str) -> FollowUpItem | None:
        return next((i for i in self.items if i.key == key), None)

    def files_held(self) -> frozenset[str]:
        """The ids of every file the follow-up took (documents its items name as evidence, the
        progress reports' bodies): an item's evidence only grows, so this is all it ever took,
        and no sweep removes any of it."""
        return frozenset(
            {e.ref for i in self.items for e in i.evidence if e.kind is EvidenceKind.DOCUMENT}
            | {r.report.id for r in self.reports}
        )

    @property
    def overdue(self) -> bool:
        return bool(self.deadline and self.deadline.overdue)


class FollowUpInput(BaseModel):
    cycle: str
    member: str
    chair: str
    sources: FollowUpSources
    trusted_keys: TrustedKeys = Field(default_factory=dict)
    started_at: datetime | None = Field(
        default=None, description="the sign-off it follows (the first report is due from it)"
    )
    carried: FollowUpState | None = None
    proof: Proof | None = Field(default=None, description="the front end's signed start")


class UpdateItem(Command):
    update: ItemUpdate


class SubmitProgressReport(Command):
    """A progress report: the narrative stored first (``report``), the items it changes."""

    report: DocumentRef
    updates: list[ItemUpdate] = Field(default_factory=list, max_length=MAX_ITEMS)


class AcknowledgeReport(Command):
    period: int = Field(ge=1)
    comments: Comments = ""


class FollowUpTaken(BaseModel):
    """What a follow-up step answers: where the follow-up stands (small: it is in history)."""

    cycle: str
    member: str
    period: int
    due: datetime | None
    open_items: int
    closed: bool


class ProgressReport(BaseModel):
    """A progress report's body as a member writes it (the file `follow-up report` reads)."""

    model_config = ConfigDict(extra="forbid")

    narrative: Comments = ""
    updates: list[ItemUpdate] = Field(default_factory=list, max_length=MAX_ITEMS)
