"""Indicators and their values, for the command line and the portal alike (issue #22).

Who may do what: every person proven reads the global catalogue; a member's own indicators and
its values are read by its focal points, the secretariat and auditors; they are added and
recorded by the member's focal points and the secretariat, never by auditors. A refusal is
recorded like every refused step. A value that does not fit its indicator (an unknown indicator,
a period that is not one, a negative count, women and men that do not make the total) is
refused before anything is kept (``InvalidInput``, exit 2; an unknown indicator or member is
``NotFoundError``, exit 4).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from napreview.schemas.indicators import (
    GLOBAL_PREFIX,
    Indicator,
    IndicatorValue,
    NewPlanIndicator,
    NewValue,
    completed,
    global_catalogue,
    period_problem,
    reading_problems,
)
from napreview.schemas.members import Actor, Role
from napreview.schemas.refusals import Reason
from napreview.services import access
from napreview.services.errors import InvalidInput, NotFoundError
from napreview.services.refusals import acting, refuse
from napreview.store.records import Store


@dataclass(frozen=True)
class IndicatorView:
    """An indicator with the values of one member (or of every member the person reads)."""

    indicator: Indicator
    values: list[IndicatorValue]


def catalogue(store: Store, actor: Actor, member: str | None = None) -> list[Indicator]:
    """The global indicators, then the plan indicators of ``member`` (of every member the
    person reads, where None: all for the secretariat and auditors, their own for a focal
    point)."""
    if member is not None:
        member = readable_member(store, actor, member)
        own = store.indicators.plan_indicators(member)
    elif access.reads_everything(actor):
        own = store.indicators.plan_indicators()
    elif actor.member is not None:
        own = store.indicators.plan_indicators(actor.member)
    else:
        own = []
    return [*global_catalogue().indicators, *own]


def indicator(store: Store, actor: Actor, indicator_id: str) -> Indicator:
    """One indicator; a plan indicator only for those who read its member's records."""
    key = indicator_id.strip().upper()
    if key.startswith(GLOBAL_PREFIX):
        found = next((i for i in global_catalogue().indicators if i.id == key), None)
        if found is None:
            raise NotFoundError(
                f"No global indicator {indicator_id}: they run from SG-01 to "
                f"SG-{len(global_catalogue().indicators):02d}."
            )
        return found
    try:
        found = store.indicators.plan_indicator(key)
    except NotFoundError:
        raise NotFoundError(f"No indicator {indicator_id}.") from None
    assert found.member is not None
    readable_member(store, actor, found.member)
    return found


def show(store: Store, actor: Actor, indicator_id: str, member: str | None = None) -> IndicatorView:
    """An indicator and its current values: of ``member``, or of every member the person
    reads."""
    found = indicator(store, actor, indicator_id)
    if member is not None:
        values = store.indicators.values(readable_member(store, actor, member), found.id)
    elif found.member is not None:
        values = store.indicators.values(found.member, found.id)
    else:
        values = [
            v
            for v in store.indicators.values(None, found.id)
            if access.reads_everything(actor) or v.member == actor.member
        ]
    return IndicatorView(found, values)


def values(store: Store, actor: Actor, member: str | None = None) -> list[IndicatorValue]:
    """The current values of a member (of every member the person reads, where None)."""
    if member is not None:
        return store.indicators.values(readable_member(store, actor, member))
    if access.reads_everything(actor):
        return store.indicators.values()
    return store.indicators.values(actor.member) if actor.member else []


def add(store: Store, actor: Actor, member: str, new: NewPlanIndicator) -> Indicator:
    """A member's own indicator, added by its focal point or the secretariat."""
    code = _changeable(store, actor, member, "add_an_indicator")
    return store.indicators.add(code, new, actor.ref)


def record(store: Store, actor: Actor, value: NewValue) -> IndicatorValue:
    """Keep a value after checking it against its indicator; a refused value changes nothing."""
    code = _changeable(store, actor, value.member, "record_an_indicator_value")
    found = indicator(store, actor, value.indicator)
    if found.member is not None and found.member != code:
        raise InvalidInput(f"{found.id} is an indicator of {found.member}'s plan, not of {code}'s.")
    problems = [p for p in [period_problem(value.period)] if p]
    problems += reading_problems(found, value.reading)
    if problems:
        raise InvalidInput(
            f"The value of {found.id} for {value.period}: " + "; ".join(problems) + "."
        )
    kept = value.model_copy(
        update={"member": code, "indicator": found.id, "reading": completed(found, value.reading)}
    )
    return store.indicators.record(kept, actor.ref)


def new_value(**fields: object) -> NewValue:
    """A value from what a door collected, refused as invalid input naming the field."""
    try:
        return NewValue.model_validate(fields)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"{where}: {first['msg']}") from None


def readable_member(store: Store, actor: Actor, member: str) -> str:
    """The member's code, once the person may read its own records (indicators, values, the
    draft for its periodic report): its focal points, the secretariat and auditors; refused and
    recorded otherwise."""
    code = store.members.get(member.strip().upper()).code
    if access.reads_everything(actor) or actor.member == code:
        return code
    raise access.refuse_read(
        store, actor, "indicators", None, code, f"the indicators and values of {code}"
    )


def _changeable(store: Store, actor: Actor, member: str, step: str) -> str:
    """The member's code, once the person may change its indicators: the secretariat, or the
    member's own focal point."""
    code = store.members.get(member.strip().upper()).code
    if actor.role is Role.SECRETARIAT or (actor.role is Role.FOCAL_POINT and actor.member == code):
        return code
    if actor.role is Role.FOCAL_POINT:
        reason = Reason(code="not_own_focal_point", params={**acting(actor), "member": code})
    else:
        reason = Reason(
            code="wrong_role", params={**acting(actor), "roles": ["secretariat", "focal_point"]}
        )
    refuse(store, None, code, actor, step, reason)
