"""Refusals outside a review: steps only the secretariat may take, and the record every refused
step leaves. Apart from services/steps.py so that commands that never talk to Temporal
(members, focal points, the Chair, letters) do not import it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from napreview.schemas.members import Actor, Role
from napreview.services.errors import StepRefused

if TYPE_CHECKING:
    from napreview.store.repository import Store


def require_secretariat(
    store: Store, actor: Actor, step: str, cycle: str | None = None, member: str | None = None
) -> None:
    """Steps only the secretariat may take outside a review; a refusal is recorded."""
    if actor.role is not Role.SECRETARIAT:
        reason = f"You act as {actor.acts_as()}; only the secretariat may {step.replace('_', ' ')}."
        record_refusal(store, cycle, member, actor, step, reason)
        raise StepRefused(reason)


def record_refusal(
    store: Store, cycle: str | None, member: str | None, actor: Actor, step: str, reason: str
) -> None:
    store.record_refusal(
        actor=actor.ref,
        role=actor.role.value,
        step=step,
        reason=reason,
        cycle=cycle,
        member=member,
    )


__all__ = ["record_refusal", "require_secretariat"]
