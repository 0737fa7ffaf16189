"""The Network itself: the Chair of each year, which the secretariat records, and which a cycle
of that year names (DESIGN §1, §7)."""

from __future__ import annotations

from collections.abc import Sequence

from napreview.schemas.members import Actor, Member
from napreview.schemas.network import cycle_year
from napreview.services.errors import InvalidInput
from napreview.services.refusals import require_secretariat
from napreview.store.chairs import MAX_CHAIRS
from napreview.store.records import Store


def chairs(store: Store) -> dict[int, tuple[str, ...]]:
    """The Chair or co-Chairs (member codes) of each year recorded."""
    return store.chairs.all()


class NotOneOrTwoChairs(InvalidInput):
    """A year has one Chair or two co-Chairs, two different members."""


def record_chair(store: Store, by: Actor, year: int, members: Sequence[str]) -> list[Member]:
    """Record (or correct) the Chair, or the two co-Chairs, of a year (secretariat only)."""
    chairs = [store.members.get(code) for code in members]
    codes = [c.code for c in chairs]
    require_secretariat(
        store, by, "record_the_chair_of_the_network", member=codes[0] if codes else None
    )
    if not 1 <= len(codes) <= MAX_CHAIRS or len(set(codes)) != len(codes):
        raise NotOneOrTwoChairs(
            f"A year has one Chair or two co-Chairs, two different members; got {codes}."
        )
    store.chairs.record(year, codes, by=by.email or by.ref)
    return chairs


class NoChairRecorded(InvalidInput):
    """A cycle of a year for which no Chair is recorded: one must be named, never guessed."""


def chair_of_cycle(store: Store, cycle: str) -> str:
    """The Chair the secretariat recorded for the year the cycle id starts with (the first of
    two co-Chairs: the one whose focal point receives the cycle summary)."""
    year = cycle_year(cycle)
    codes = store.chairs.of_year(year) if year is not None else ()
    if not codes:
        which = f"for {year}" if year is not None else f"for cycle {cycle!r} (its id names no year)"
        raise NoChairRecorded(
            f"No Chair of the Network is recorded {which}. Pass --chair CODE, or record the "
            f"Chair first with 'napreview network chair set YEAR CODE'."
        )
    return codes[0]
