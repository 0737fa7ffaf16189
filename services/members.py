"""Members join and leave the Network (issue #8 item 12): the secretariat's steps, dated, never
deleted. A member that left is neither drawn nor invited in later cycles (``Member.belongs_on``);
its past reviews and letters stay readable."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from napreview.people.examples import example_focal_point
from napreview.people.trial import trial_open
from napreview.schemas.members import (
    Actor,
    CedawStatus,
    FocalPoint,
    Language,
    Member,
    MemberKind,
    RegionalGroup,
)
from napreview.schemas.names import LocalNames
from napreview.schemas.nap import Nap
from napreview.schemas.text import day_words, today
from napreview.services.errors import InvalidInput, StepRefused
from napreview.services.inputs import fit_line
from napreview.services.refusals import require_secretariat
from napreview.store.records import Store

# ISO 3166-1 alpha-3 for a state; an acronym (letters and digits) for an organisation.
STATE_CODE = re.compile(r"^[A-Z]{3}$")
ORGANISATION_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")


# --------------------------------------------------------------------------- reading


def get(store: Store, code: str) -> Member:
    """The member with this code (NotFoundError naming the nearest codes)."""
    return store.members.get(code)


def find(store: Store, code: str) -> Member | None:
    return store.members.find(code)


def get_many(store: Store, codes: Sequence[str]) -> list[Member]:
    """The members with these codes, in that order (NotFoundError for the first unknown)."""
    return store.members.get_many(codes)


def count(store: Store) -> int:
    """How many members are recorded (those that left included)."""
    return store.members.count()


def every_member(store: Store) -> list[Member]:
    """Every member, those that left included."""
    return store.members.all()


def current(store: Store, on: date | None = None) -> list[Member]:
    """The members of the Network on a day (default today)."""
    return store.members.current(on)


def focal_points(store: Store, code: str) -> list[FocalPoint]:
    """The member's focal points today, capital first."""
    return store.focal_points.active(code)


def focal_points_of(store: Store, members: Sequence[Member]) -> dict[str, list[FocalPoint]]:
    """The focal points of many members today (none: an empty list), in one read."""
    found = store.focal_points.active_of([m.code for m in members])
    return {m.code: found.get(m.code, []) for m in members}


@dataclass(frozen=True)
class MemberProfile:
    """A member with every focal point it has had and the NAPs its self-assessments gave."""

    member: Member
    focal_points: list[FocalPoint]
    naps: list[Nap]


def profile(store: Store, code: str) -> MemberProfile:
    member = store.members.get(code)
    return MemberProfile(
        member, store.focal_points.history(member.code), store.documents.naps(member.code)
    )


def latest_nap(store: Store, code: str) -> Nap | None:
    """The member's NAP as its latest self-assessment gave it (a form's starting point)."""
    naps = store.documents.naps(code)
    return naps[-1] if naps else None


# --------------------------------------------------------------------------- joining and leaving


def check_code(code: str, kind: MemberKind) -> str:
    code = code.strip().upper()
    if kind is MemberKind.STATE and not STATE_CODE.match(code):
        raise InvalidInput(
            f"CODE: {code!r} is not an ISO 3166-1 alpha-3 code (three letters, e.g. GMB); "
            "a state is keyed by its alpha-3 code."
        )
    if kind is MemberKind.REGIONAL_ORGANIZATION and not ORGANISATION_CODE.match(code):
        raise InvalidInput(
            f"CODE: {code!r} is not an acronym of 2 to 16 letters or digits (e.g. SADC)."
        )
    return code


def add_member(
    store: Store,
    actor: Actor,
    *,
    code: str,
    name: str,
    kind: MemberKind,
    regional_group: RegionalGroup | None,
    language: Language,
    joined_on: date | None,
    names: LocalNames,
    cedaw_status: CedawStatus | None = None,
) -> Member:
    """A member joins the Network (secretariat only). On a trial installation (its trial door
    open) it gets an example focal point too (fp.<code>@example.org), so that anyone can try a
    cycle with it at once; a production one waits for its real focal point."""
    require_secretariat(store, actor, "add_members")
    code = check_code(code, kind)
    if kind is MemberKind.STATE and regional_group is None:
        raise InvalidInput(
            "--group: a state belongs to one of the UN regional groups "
            f"({', '.join(g.value for g in RegionalGroup)})."
        )
    if kind is MemberKind.REGIONAL_ORGANIZATION:
        if regional_group is not None:
            raise InvalidInput(
                "--group: a regional organisation belongs to no UN regional group "
                "(organisations count as one group in the draw); leave --group out."
            )
        if cedaw_status not in (None, CedawStatus.NOT_APPLICABLE):
            raise InvalidInput(
                "--cedaw: a regional organisation cannot be a party to CEDAW; leave it out."
            )
        cedaw_status = CedawStatus.NOT_APPLICABLE
    elif cedaw_status is CedawStatus.NOT_APPLICABLE:
        raise InvalidInput("--cedaw: a state is a party to CEDAW (state_party) or not (not_party).")
    if not name.strip():
        raise InvalidInput("--name: the member's English name is empty.")
    fit_names(names)
    member = store.members.add(
        code=code,
        name=" ".join(name.split()),
        kind=kind,
        regional_group=regional_group,
        cedaw_status=cedaw_status or CedawStatus.STATE_PARTY,
        language=language,
        joined_on=joined_on or today(),
        names=names,
        by=actor.ref,
    )
    if store.people.has_examples() and trial_open(store):
        store.focal_points.designate(
            example_focal_point(member),
            by="members add (example person of a trial installation)",
            example=True,
        )
    return member


def leave(store: Store, actor: Actor, code: str, on: date) -> Member:
    """A member leaves the Network on a day (secretariat only); nothing of it is deleted."""
    require_secretariat(store, actor, "record_members_leaving", member=code.strip().upper())
    member = store.members.get(code)
    if member.joined_on is not None and on <= member.joined_on:
        raise InvalidInput(
            f"--on: {member.name} joined on {day_words(member.joined_on)}; it can leave only "
            "after that day."
        )
    return store.members.leave(member.code, on, by=actor.ref)


def record_names(store: Store, actor: Actor, code: str, names: LocalNames) -> Member:
    """Record the French or Spanish name a member added later was still missing (secretariat)."""
    require_secretariat(store, actor, "name_members", member=code.strip().upper())
    member = store.members.get(code)
    fit_names(names)
    current = member.names or LocalNames()
    merged = LocalNames(
        en=names.en or current.en, fr=names.fr or current.fr, es=names.es or current.es
    )
    return store.members.set_names(member.code, merged)


def fit_names(names: LocalNames) -> None:
    """Every form of every name fits a letter's header and the store (UnfitText naming the
    language's name otherwise)."""
    for language in ("en", "fr", "es"):
        forms = getattr(names, language)
        if forms is not None:
            for text in (forms.short, forms.article, forms.name, forms.of, forms.to):
                fit_line(f"name_{language}", text)


class NotMemberThatDay(StepRefused):
    """A member named for a cycle that does not belong to the Network on its first day."""


def taking_part(store: Store, codes: list[str] | None, on: date) -> list[Member]:
    """The members a cycle started that day draws and invites: every member of the Network
    that day, or the codes given, each of which must belong to the Network that day."""
    if codes is None:
        return store.members.current(on)
    members = store.members.get_many(codes)
    for member in members:
        if not member.belongs_on(on):
            raise NotMemberThatDay(not_a_member(member, on))
    return members


def not_a_member(member: Member, on: date) -> str:
    if member.left_on is not None and member.left_on <= on:
        return (
            f"{member.name} ({member.code}) left the Network on {day_words(member.left_on)}; "
            "a member that left takes part in no later cycle."
        )
    assert member.joined_on is not None
    return (
        f"{member.name} ({member.code}) joins the Network on {day_words(member.joined_on)}; "
        "it takes part in cycles started from that day."
    )
