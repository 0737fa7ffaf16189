"""Refusals outside a review: steps only the secretariat may take, and the record every refused
step leaves, as a code with parameters beside its English (schemas/refusals.py). Apart from
services/steps.py so that commands that never talk to Temporal (members, focal points, the
Chair, letters) do not import it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NoReturn

from napreview.schemas.members import Actor, Role
from napreview.schemas.refusals import Param, Reason
from napreview.services.errors import StepRefused

if TYPE_CHECKING:
    from napreview.store.records import Store
    from napreview.store.refusals import RefusalRecord


def require_secretariat(
    store: Store, actor: Actor, step: str, cycle: str | None = None, member: str | None = None
) -> None:
    """Steps only the secretariat may take outside a review; a refusal is recorded."""
    if actor.role is not Role.SECRETARIAT:
        reason = Reason(
            code="secretariat_only",
            params={**acting(actor), "step": step.replace("_", " ")},
        )
        refuse(store, cycle, member, actor, step, reason)


def require_own_focal_point(
    store: Store,
    actor: Actor,
    cycle: str | None,
    member: str,
    step: str,
    about: Mapping[str, Param] | None = None,
) -> None:
    """Steps only the member's own focal points (its deputies too) take; a refusal is recorded
    (``about``: what else it names, such as the follow-up item a change was for)."""
    if not (actor.role is Role.FOCAL_POINT and actor.member == member):
        params = {**(about or {}), **acting(actor), "member": member}
        reason = Reason(code="not_own_focal_point", params=params)
        refuse(store, cycle, member, actor, step, reason)


def refuse(
    store: Store, cycle: str | None, member: str | None, actor: Actor, step: str, reason: Reason
) -> NoReturn:
    """Record the refused step and answer it (StepRefused with the English sentence)."""
    raise StepRefused(record_refusal(store, cycle, member, actor, step, reason), reason)


def acting(actor: Actor) -> dict[str, Param]:
    """The parameters a refusal names the acting person by (``acts_as`` in a sentence)."""
    params: dict[str, Param] = {"actor_role": actor.role.value}
    if actor.member:
        params["actor_member"] = actor.member
    return params


def record_refusal(
    store: Store,
    cycle: str | None,
    member: str | None,
    actor: Actor | str,
    step: str,
    reason: Reason | str,
    *,
    english: str | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """Record a refused step; returns its English sentence. ``reason``: a code with parameters,
    or only the English a workflow answered with. ``english`` keeps a sentence written
    otherwise than the code's (``names``: member names by code for the code's sentence).
    ``actor``: the person, or the address someone gave who is proven to be nobody."""
    why = reason if isinstance(reason, Reason) else None
    said = english or (why.english(names) if why is not None else str(reason))
    store.refusals.record(
        actor=actor.ref if isinstance(actor, Actor) else actor,
        role=actor.role.value if isinstance(actor, Actor) else None,
        step=step,
        reason=said,
        why=why,
        cycle=cycle,
        member=member,
    )
    return said


# The steps of a member's follow-up (workflows/follow_up_rules.py STEPS, its start, its
# publication, reading its audit trail). The store keeps their refusals under the review's cycle
# and member; they belong on the follow-up's timeline, not the review's. Key rotations
# (trust_key, distrust_key) record no refusal.
FOLLOW_UP_STEPS = frozenset(
    {
        "start_follow_up",
        "update_item",
        "submit_progress_report",
        "acknowledge_report",
        "publish_follow_up",
        "unpublish_follow_up",
        "read_follow_up_audit",
    }
)


def recorded_refusals(
    store: Store, cycle: str, member: str | None, *, follow_up: bool | None = None
) -> list[RefusalRecord]:
    """The refusals the store kept of one member's review and its follow-up (or, without a
    member, of the cycle itself), oldest first; ``follow_up`` True: only the follow-up's,
    False: only the review's (each on its own audit timeline)."""
    kept = store.refusals.of_review(cycle, member)
    if follow_up is None:
        return kept
    return [r for r in kept if (r.step in FOLLOW_UP_STEPS) == follow_up]


__all__ = [
    "FOLLOW_UP_STEPS",
    "acting",
    "record_refusal",
    "recorded_refusals",
    "require_secretariat",
]
