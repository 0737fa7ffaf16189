"""A follow-up made public only with its member's consent (issue #22), for both doors.

The member's focal point gives consent, or withdraws it at any time; each is recorded with who
and when, and anyone else is refused (and the refusal recorded). Nothing is public by default.
A published follow-up is read without signing in, so what it shows is chosen here, once:
- each item's wording, source, status, tags, lead institution (an institution, not a person)
  and target date, and the dates of the progress reports;
- evidence only when it is a link to a public page; a document kept in napreview is read
  behind sign-in, and consenting to publish the follow-up does not publish its files;
- no one's name or address (who changed an item, who sent or acknowledged a report), no
  narrative of a progress report and no acknowledgement's comments: they were written to the
  secretariat, not to the public, and may name people;
- no reason an item is no longer pursued, for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from napreview.schemas.cedaw import Finding
from napreview.schemas.follow_up import EvidenceKind, ItemStatus, Tags
from napreview.schemas.members import Actor, Role
from napreview.services import follow_up
from napreview.services.refusals import require_own_focal_point
from napreview.store.follow_up_consents import Consent
from napreview.store.records import Store


@dataclass(frozen=True)
class PublicItem:
    key: str
    source: str
    text: str
    status: ItemStatus
    lead_institution: str | None
    target_date: date | None
    tags: Tags
    links: list[str]


@dataclass(frozen=True)
class PublicReport:
    period: int
    due: date
    received: date
    acknowledged: date | None


@dataclass(frozen=True)
class PublicFollowUp:
    """A follow-up as the public reads it: nothing that names a person."""

    cycle: str
    member: str
    published_on: date
    closed_on: date | None
    items: list[PublicItem]
    reports: list[PublicReport]
    findings: dict[str, Finding]


def path(cycle: str, member: str) -> str:
    """Where the public reads a published follow-up (the portal's page)."""
    return f"/public/follow-ups/{cycle}/{member}"


def consent(store: Store, actor: Actor, cycle: str, member: str) -> Consent | None:
    """The consent as it stands, for whoever reads the review."""
    follow_up.read(store, actor, cycle, member)  # NotFoundError: nothing to publish
    return store.follow_up_consents.current(cycle, member)


def publish(store: Store, actor: Actor, cycle: str, member: str) -> Consent:
    """Give consent; giving it again records nothing new."""
    given = _decide(store, actor, cycle, member, public=True)
    assert given is not None  # consent given is always on record
    return given


def unpublish(store: Store, actor: Actor, cycle: str, member: str) -> Consent | None:
    """Withdraw consent; withdrawing what was never given records nothing (None)."""
    return _decide(store, actor, cycle, member, public=False)


def _decide(store: Store, actor: Actor, cycle: str, member: str, *, public: bool) -> Consent | None:
    step = "publish_follow_up" if public else "unpublish_follow_up"
    require_own_focal_point(store, actor, cycle, member, step)
    follow_up.read(store, actor, cycle, member)  # NotFoundError: nothing to publish
    now = store.follow_up_consents.current(cycle, member)
    if (now is not None and now.public == public) or (now is None and not public):
        return now
    return store.follow_up_consents.record(cycle, member, public, actor.ref)


def decides(actor: Actor, member: str) -> bool:
    """Only the member decides: not the secretariat, an auditor or another member."""
    return actor.role is Role.FOCAL_POINT and actor.member == member


def published(store: Store, cycle: str, member: str) -> PublicFollowUp | None:
    """The follow-up as the public reads it, or None when its member has not consented (or
    there is none: the two are not told apart)."""
    given = store.follow_up_consents.current(cycle, member)
    if given is None or not given.public:
        return None
    record = store.follow_ups.get(cycle, member)
    if record is None:
        return None
    s = record.state
    items = [
        PublicItem(
            key=item.key,
            source=item.source.value,
            text=record.texts.get(item.key, ""),
            status=item.status,
            lead_institution=item.lead_institution,
            target_date=item.target_date,
            tags=item.tags,
            links=[e.ref for e in item.evidence if e.kind is EvidenceKind.LINK],
        )
        for item in s.items
    ]
    reports = [
        PublicReport(
            period=r.period,
            due=r.due.date(),
            received=r.submitted_at.date(),
            acknowledged=r.acknowledged_at.date() if r.acknowledged_at else None,
        )
        for r in s.reports
    ]
    return PublicFollowUp(
        cycle=s.cycle,
        member=s.member,
        published_on=given.at.date(),
        closed_on=s.closed_at.date() if s.closed_at else None,
        items=items,
        reports=reports,
        findings=follow_up.findings(store, record),
    )
