"""Who may read what (issue #11 item 4), for the command line and the portal alike.

Reads are scoped like writes: a focal point reads its own member's reviews and letters and the
reviews its member was drawn for; the secretariat and auditors read everything. Every refusal is
recorded, like a refused step. The portal answers a refusal with 404, so ids do not leak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from napreview.schemas.members import Actor, Role
from napreview.schemas.refusals import Reason
from napreview.services.errors import StepRefused
from napreview.services.refusals import record_refusal
from napreview.store.letters import Addressees, Letter, LetterSummary
from napreview.store.records import Store

if TYPE_CHECKING:  # the documents' models are compiled by the calls that read a document
    from napreview.schemas.submissions import DocumentKind


class ReadRefused(StepRefused):
    """A read outside the person's scope (exit 3 on the command line, 404 in the portal)."""


def reads_everything(actor: Actor) -> bool:
    return actor.role in (Role.SECRETARIAT, Role.AUDITOR)


def may_change(actor: Actor) -> bool:
    """Auditors read everything and change nothing."""
    return actor.role is not Role.AUDITOR


def can_read_review(store: Store, actor: Actor, cycle: str, member: str) -> bool:
    if reads_everything(actor):
        return True
    if actor.member is None:
        return False
    return actor.member == member or store.cycles.is_drawn_reviewer(cycle, member, actor.member)


def can_audit(actor: Actor, member: str | None) -> bool:
    """Audit trails (timelines, replay checks, exports): auditors and the secretariat read
    every one; a focal point reads only its own member's review (not the cycle's, not the
    reviews its member was drawn for)."""
    if reads_everything(actor):
        return True
    return actor.role is Role.FOCAL_POINT and member is not None and actor.member == member


def require_audit(
    store: Store, actor: Actor, cycle: str, member: str | None, *, follow_up: bool = False
) -> None:
    """Refuse (and record) an audit read outside the person's scope. A member's follow-up is
    read by whoever reads the audit trail of the review it follows."""
    if can_audit(actor, member):
        return
    if follow_up:
        what = f"the follow-up of {member} in cycle {cycle}"
    else:
        what = f"the review of {member} in cycle {cycle}" if member else f"cycle {cycle}"
    raise refuse_read(
        store,
        actor,
        "follow_up_audit" if follow_up else "audit",
        cycle,
        member,
        f"the audit trail of {what}: only auditors, the secretariat and the member's own "
        "focal point may",
    )


def readable_reviews(store: Store, actor: Actor, cycle: str) -> set[str] | None:
    """The members whose review in this cycle the person reads (``can_read_review`` for a
    whole cycle at once); None: every review (the secretariat, auditors)."""
    if reads_everything(actor):
        return None
    if actor.member is None:
        return set()
    return {actor.member} | store.cycles.drawn_for(cycle, actor.member)


def can_read_document(
    store: Store,
    actor: Actor,
    cycle: str,
    member: str,
    kind: DocumentKind,
    reviewer: str | None = None,
) -> bool:
    """The self-assessment: the member, its drawn reviewers. A peer review: the reviewed member
    and the reviewer that wrote it. The secretariat and auditors: everything."""
    if reads_everything(actor):
        return True
    if actor.member is None:
        return False
    if actor.member == member:
        return True
    from napreview.schemas.submissions import DocumentKind

    if kind is DocumentKind.SELF_ASSESSMENT:
        return store.cycles.is_drawn_reviewer(cycle, member, actor.member)
    return reviewer is not None and reviewer == actor.member


def can_read_letter(actor: Actor, letter: LetterSummary) -> bool:
    """A letter is read by whoever is now focal point of the member it was addressed to, the
    secretariat and auditors; never by an address alone (see ``Addressees``)."""
    scope = letters_scope(actor)
    if scope is None:
        return True
    return scope.member is not None and letter.recipient_member == scope.member


def letters_scope(actor: Actor) -> Addressees | None:
    """Whose letters this person reads: for a focal point, every letter addressed to their
    member's focal point (a predecessor's too); None: every letter."""
    if reads_everything(actor):
        return None
    return Addressees(member=actor.member if actor.role is Role.FOCAL_POINT else None)


def refuse_read(
    store: Store, actor: Actor, what: str, cycle: str | None, member: str | None, detail: str
) -> ReadRefused:
    """Record a refused read and return the error to raise."""
    reason = Reason(
        code="read_refused", params={"reader": actor.email or actor.ref, "detail": detail}
    )
    english = record_refusal(store, cycle, member, actor, f"read_{what}", reason)
    return ReadRefused(english, reason)


def require_review(store: Store, actor: Actor, cycle: str, member: str) -> None:
    if not can_read_review(store, actor, cycle, member):
        raise refuse_read(
            store, actor, "review", cycle, member, f"the review of {member} in cycle {cycle}"
        )


def require_document(
    store: Store,
    actor: Actor,
    cycle: str,
    member: str,
    kind: DocumentKind,
    reviewer: str | None = None,
) -> None:
    if not can_read_document(store, actor, cycle, member, kind, reviewer):
        what = kind.value.replace("_", " ")
        by = f" by {reviewer}" if reviewer else ""
        raise refuse_read(
            store, actor, kind.value, cycle, member, f"the {what}{by} of {member} in cycle {cycle}"
        )


def require_letter(store: Store, actor: Actor, letter_id: str) -> Letter:
    letter = store.letters.get(letter_id)
    if not can_read_letter(actor, letter):
        raise refuse_read(
            store, actor, "letter", letter.cycle_id, letter.member_code, f"letter {letter_id}"
        )
    return letter
