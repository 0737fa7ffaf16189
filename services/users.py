"""Who acts: registering people and designating members' focal points (the secretariat's steps,
from the command line and the portal alike), and who a person is now."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from napreview.people.tokens import create_token
from napreview.schemas.members import Actor, FocalPoint, Honorific, Location, Rank, Role
from napreview.schemas.refusals import Reason
from napreview.services.errors import ConflictError, StepRefused
from napreview.services.inputs import UnfitText, fit_email, fit_line
from napreview.services.refusals import record_refusal, require_secretariat
from napreview.store.deputies import Deputy
from napreview.store.focal_points import Designation
from napreview.store.installation import SECRETARIAT_BOOTSTRAPPED
from napreview.store.records import Store


def actor(store: Store, email: str) -> Actor:
    """Who a person is now: their role and the member they act for (NotFoundError when they
    are not registered)."""
    return store.people.actor(email)


def emails(store: Store, person_ids: Sequence[str]) -> dict[str, str]:
    """Person id → email: history names people by opaque id only."""
    return store.people.emails(person_ids)


def add_user(store: Store, by: Actor, email: str, role: Role, member: str | None = None) -> Actor:
    """Register a person with a role (secretariat only); a focal point names their member,
    nobody else names one."""
    require_secretariat(store, by, "add_users")
    email = fit_email(email)
    if role is Role.FOCAL_POINT:
        if not member:
            raise ConflictError("A focal point needs --member, the member they act for.")
        member = store.members.get(member).code
    elif member:
        raise ConflictError(f"A {role.value.replace('_', ' ')} acts for no member; drop --member.")
    return store.people.register(email, role, member)


def new_token(store: Store, email: str, *, lifetime: timedelta, label: str, created_by: str) -> str:
    """A personal token for the person (shown once); its label is checked like every line
    people type (one line, no NUL, not longer than the store keeps)."""
    return create_token(
        store,
        email,
        lifetime=lifetime,
        label=fit_line("label", label) or "",
        created_by=created_by,
    )


def bootstrap_secretariat(store: Store, email: str) -> str:
    """The first secretariat of an installation that has none of its own (the example one
    aside): how a production installation, whose trial door is closed, gets its first person
    who can prove who they are. Works once, whoever reached the database; returns their
    personal token, shown this once. Every later person is added by a secretariat."""
    email = email.strip().lower()
    if store.people.is_example(email):
        raise ConflictError(f"{email} is an example person; give the address of a real one.")
    if store.people.has_own_secretariat() or not store.installation.set_flag(
        SECRETARIAT_BOOTSTRAPPED, email
    ):
        why = Reason(code="secretariat_exists", params={"actor": email})
        raise StepRefused(record_refusal(store, None, None, email, "bootstrap", why), why)
    store.people.register(email, Role.SECRETARIAT)
    return create_token(store, email, label="first secretariat", created_by="bootstrap")


def designate_focal_point(
    store: Store,
    by: Actor,
    member: str,
    *,
    name: str,
    email: str,
    title: str | None = None,
    ministry: str | None = None,
    location: Location = Location.CAPITAL,
    honorific: Honorific | None = None,
    rank: Rank | None = None,
    family_name: str | None = None,
) -> FocalPoint:
    """A member's focal point from today (secretariat only); the previous one at that location
    is kept in the history. Without a family name, a salutation by honorific or rank takes the
    last word of the name."""
    code = store.members.get(member).code
    require_secretariat(store, by, "designate_focal_points", member=code)
    name = fit_line("name", name) or ""
    if not name.strip():
        raise UnfitText("name", "missing", "The name is empty.")
    if family_name is None and (honorific or rank):
        family_name = name.split()[-1]
    return store.focal_points.designate(
        Designation(
            member=code,
            name=name,
            email=fit_email(email),
            title=fit_line("title", title),
            ministry=fit_line("ministry", ministry),
            location=location,
            honorific=honorific,
            rank=rank,
            family_name=fit_line("family_name", family_name),
        ),
        by=by.email,
    )


def designate_deputy(store: Store, by: Actor, member: str, *, name: str, email: str) -> Deputy:
    """A member's deputy focal point from today (secretariat only): the focal point's rights,
    acting as themselves; the member's letters still go to the focal point."""
    code = store.members.get(member).code
    require_secretariat(store, by, "designate_focal_points", member=code)
    name = fit_line("name", name) or ""
    if not name.strip():
        raise UnfitText("name", "missing", "The name is empty.")
    return store.deputies.designate(code, name.strip(), fit_email(email), by=by.email)


def end_deputy(store: Store, by: Actor, member: str, email: str) -> Deputy:
    """The deputy serves no longer, from today (secretariat only); kept in the history."""
    code = store.members.get(member).code
    require_secretariat(store, by, "designate_focal_points", member=code)
    return store.deputies.end(code, fit_email(email))


def deputies(store: Store, member: str) -> list[Deputy]:
    """The member's deputy focal points today."""
    return store.deputies.active(store.members.get(member).code)
