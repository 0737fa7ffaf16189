"""A follow-up as a completed review leaves it, written straight to the store's read model, for
the tests of its publication (issue #22) at both doors."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime

from napreview.schemas.follow_up import (
    Evidence,
    EvidenceKind,
    FollowUpItem,
    FollowUpState,
    ItemSeed,
    ItemSource,
    ItemStatus,
    ReportRecord,
    StatusChange,
    Tags,
)
from napreview.schemas.submissions import DocumentRef

from .helpers import SECRETARIAT

WORDING = "Fund the coordination office of the national action plan for five years."
PERSON = "p-3f9a1c"  # the person id history names whoever changed an item
NARRATIVE_WORD = "Ms Schmidt"


def published_follow_up(store, member: str = "DEU") -> str:
    """A follow-up as a completed review leaves it, written straight to the store's read model
    (the public page reads nothing else): one item under way with a lead institution, a link and
    a private document as evidence, and an acknowledged progress report. Its cycle is new."""
    cycle = f"f{uuid.uuid4().hex[:8]}"
    key = "peer_recommendation:MEX#1"
    digest = hashlib.sha256(WORDING.encode()).hexdigest()
    at = datetime(2027, 3, 1, tzinfo=UTC)
    item = FollowUpItem(
        key=key,
        source=ItemSource.PEER_RECOMMENDATION,
        source_ref="MEX#1",
        text_sha256=digest,
        tags=Tags(gr30_paragraph="33(d)", sdg_target="5.5"),
        lead_institution="Federal Foreign Office",
        target_date=date(2028, 12, 31),
        history=[StatusChange(at=at, by=PERSON, status=ItemStatus.UNDER_WAY, period=1)],
        evidence=[
            Evidence(kind=EvidenceKind.LINK, ref="https://example.org/budget-2028"),
            Evidence(kind=EvidenceKind.DOCUMENT, ref="doc-private-7"),
        ],
    )
    report = ReportRecord(
        period=1,
        due=datetime(2027, 6, 1, tzinfo=UTC),
        submitted_at=at,
        by=PERSON,
        report=DocumentRef(id="r1", sha256=digest),
        acknowledged_at=datetime(2027, 3, 8, tzinfo=UTC),
        acknowledged_by=SECRETARIAT,
        acknowledgement=f"Thank you, {NARRATIVE_WORD}.",
    )
    seed = ItemSeed(key=key, source=item.source, source_ref="MEX#1", text_sha256=digest)
    store.follow_ups.keep_items(cycle, member, [(seed, WORDING)])
    store.follow_ups.project(
        FollowUpState(cycle=cycle, member=member, items=[item], drawn=True, reports=[report])
    )
    return cycle
