"""The Network itself: the Chair of each year, which the secretariat records, and which a cycle
of that year names (DESIGN §1, §7)."""

from __future__ import annotations

from napreview.schemas.members import Actor, Member
from napreview.schemas.network import cycle_year
from napreview.services.errors import InvalidInput
from napreview.services.refusals import require_secretariat
from napreview.store.records import Store


def chairs(store: Store) -> dict[int, str]:
    """The Chair (a member code) of each year recorded."""
    return store.chairs.all()


def record_chair(store: Store, by: Actor, year: int, member: str) -> Member:
    """Record (or correct) the Chair of a year (secretariat only)."""
    chair = store.members.get(member)
    require_secretariat(store, by, "record_the_chair_of_the_network", member=chair.code)
    store.chairs.record(year, chair.code, by=by.email or by.ref)
    return chair


class NoChairRecorded(InvalidInput):
    """A cycle of a year for which no Chair is recorded: one must be named, never guessed."""


def chair_of_cycle(store: Store, cycle: str) -> str:
    """The Chair the secretariat recorded for the year the cycle id starts with."""
    year = cycle_year(cycle)
    code = store.chairs.of_year(year) if year is not None else None
    if code is None:
        which = f"for {year}" if year is not None else f"for cycle {cycle!r} (its id names no year)"
        raise NoChairRecorded(
            f"No Chair of the Network is recorded {which}. Pass --chair CODE, or record the "
            f"Chair first with 'napreview network chair set YEAR CODE'."
        )
    return code
