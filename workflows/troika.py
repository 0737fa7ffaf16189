"""The review troika draw (DESIGN §5): who peer-reviews whom in a cycle, drawn by lot.

Everything here is a pure function of its arguments and a seed, so that a workflow can run it
deterministically and an auditor can re-run a recorded draw and get the same troikas.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
from collections.abc import Callable, Collection, Mapping, Sequence

from pydantic import BaseModel

from napreview.schemas.members import Member

RECIPROCAL = "reciprocal"
LOAD_CAP = "load_cap"
DISTINCT_GROUPS = "distinct_groups"
# The order in which a small cycle gives up rules: the first is given up first.
RELAXATION_ORDER: tuple[str, ...] = (RECIPROCAL, LOAD_CAP, DISTINCT_GROUPS)

# What each relaxed rule means for the member it was relaxed for, in plain words.
RELAXED_WORDS: dict[str, str] = {
    RECIPROCAL: "one of its reviewers is a member it reviews itself (reciprocal pair)",
    LOAD_CAP: "one of its reviewers reviews more members than the load cap (k+1)",
    DISTINCT_GROUPS: "two of its reviewers come from the same regional group",
}
WHY_RELAXED = (
    "The cycle has too few members or regional groups to keep every rule for every member, so "
    "the draw relaxed them, only where it had to and in a fixed order: reciprocal pairs first, "
    "then the load cap, then distinct groups (DESIGN §5); it never draws a member to review "
    "itself."
)


def explain_relaxed(rules: Sequence[str]) -> str:
    """The rules relaxed for one member, in words ("-" for none)."""
    return "; ".join(RELAXED_WORDS.get(rule, rule) for rule in rules) or "-"


# Random picks tried in a load bucket before listing it in full; misses are rare because only
# the member itself, its current reviewers and the members it reviews can be refused.
_PICK_TRIES = 8
# Reviewers at the load cap tried when a slot can only be filled by freeing one of them.
_REPAIR_TRIES = 64


class TroikaError(ValueError):
    """A draw that cannot be made; the message is shown to a secretariat officer as is."""


class TroikaDraw(BaseModel):
    """A whole cycle's draw, as recorded in history so that it can be re-run and compared."""

    seed: int
    reviewers_per_member: int
    reviewers: dict[str, list[str]]
    relaxed: dict[str, list[str]]


class Redraw(BaseModel):
    """One replacement reviewer and the rules that had to be relaxed to find it."""

    chosen: str
    relaxed: list[str]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _index_members(members: Sequence[Member]) -> dict[str, Member]:
    """Members by code, sorted by code so that the input order never changes a draw."""
    by_code: dict[str, Member] = {}
    for member in members:
        if member.code in by_code:
            raise TroikaError(f"Member {member.code} is listed twice for this cycle.")
        by_code[member.code] = member
    return {code: by_code[code] for code in sorted(by_code)}


def _check_reviewers_per_member(k: int) -> None:
    if k < 1:
        raise TroikaError(f"Each member needs at least 1 reviewer; {k} was asked.")


def _group_cost(
    member_group: str, wants_own: bool, chosen_groups: Sequence[str], group: str
) -> int:
    """How far a reviewer from ``group`` strays from the group rule; 0 means it keeps it.

    Reviewers come from distinct groups other than the member's own, except that a member who
    asked for it gets exactly one reviewer from its own group.
    """
    cost = chosen_groups.count(group)
    if group == member_group:
        return cost + (0 if wants_own else 1)
    if wants_own and member_group not in chosen_groups:
        return cost + 1  # the own-group reviewer is still missing
    return cost


def _open_groups(
    member_group: str, wants_own: bool, chosen_groups: Collection[str], all_groups: Sequence[str]
) -> list[str]:
    """The groups the member's next reviewer may come from without relaxing the group rule."""
    if wants_own and member_group not in chosen_groups:
        return [member_group]
    return [g for g in all_groups if g != member_group and g not in chosen_groups]


class _Pool:
    """Reviewers bucketed by group and current load, so a draw of thousands stays fast.

    Buckets keep a deterministic order (swap-and-pop from lists, never sets), so the same seed
    always gives the same picks whatever the interpreter's hash seed.
    """

    def __init__(self, groups: Mapping[str, str], load_cap: int, loads: Mapping[str, int]) -> None:
        self.load_cap = load_cap
        self.groups = groups
        self.group_names = sorted(set(groups.values()))
        self.loads: dict[str, int] = {code: loads.get(code, 0) for code in groups}
        self.buckets: dict[str, list[list[str]]] = {g: [] for g in self.group_names}
        self.position: dict[str, int] = {}
        for code, group in groups.items():
            self._place(code, group, self.loads[code])

    def _place(self, code: str, group: str, load: int) -> None:
        levels = self.buckets[group]
        while len(levels) <= load:
            levels.append([])
        self.position[code] = len(levels[load])
        levels[load].append(code)

    def add_review(self, code: str) -> None:
        """Move a reviewer one load bucket up."""
        self._move(code, +1)

    def remove_review(self, code: str) -> None:
        """Move a reviewer one load bucket down."""
        self._move(code, -1)

    def _move(self, code: str, step: int) -> None:
        group, load = self.groups[code], self.loads[code]
        bucket = self.buckets[group][load]
        index, last = self.position[code], bucket[-1]
        bucket[index] = last
        self.position[last] = index
        bucket.pop()
        self.loads[code] = load + step
        self._place(code, group, load + step)

    def highest_load(self) -> int:
        return max(len(levels) for levels in self.buckets.values()) - 1

    def pick(
        self,
        allowed_groups: Sequence[str],
        fits: Callable[[str], bool],
        loads: range,
        rng: random.Random,
    ) -> str | None:
        """A fitting reviewer by lot from the lowest load level in ``loads`` that has one."""
        for load in loads:
            buckets = [
                self.buckets[g][load]
                for g in allowed_groups
                if load < len(self.buckets[g]) and self.buckets[g][load]
            ]
            total = sum(len(b) for b in buckets)
            if not total:
                continue
            for _ in range(_PICK_TRIES):
                index = rng.randrange(total)
                for bucket in buckets:
                    if index < len(bucket):
                        break
                    index -= len(bucket)
                if fits(bucket[index]):
                    return bucket[index]
            fitting = [code for bucket in buckets for code in bucket if fits(code)]
            if fitting:
                return rng.choice(fitting)
        return None


def _choose(
    pool: _Pool,
    member: str,
    chosen: Sequence[str],
    wants_own: bool,
    reviewed_by_member: Collection[str],
    barred: Collection[str],
    rng: random.Random,
    repair: Callable[[list[str]], str | None] | None = None,
) -> tuple[str, list[str]] | None:
    """One reviewer for ``member``, relaxing as few rules as possible, in the fixed order.

    Keeping the group rule matters most, then the load cap, then avoiding reciprocal pairs;
    among equals the least-loaded reviewer wins and the lot decides the rest. ``repair`` may
    free a capped reviewer before any rule is relaxed.
    """
    chosen_groups = [pool.groups[c] for c in chosen]
    member_group = pool.groups[member]
    costs = {g: _group_cost(member_group, wants_own, chosen_groups, g) for g in pool.group_names}

    def free(code: str) -> bool:
        return code != member and code not in chosen and code not in barred

    def strict(code: str) -> bool:
        return free(code) and code not in reviewed_by_member

    under_cap = range(pool.load_cap)
    over_cap = range(pool.load_cap, pool.highest_load() + 1)
    tiers = (
        (under_cap, strict, False, False),
        (under_cap, free, False, True),
        (over_cap, strict, True, False),
        (over_cap, free, True, True),
    )
    for cost in sorted(set(costs.values())):
        allowed = [g for g in pool.group_names if costs[g] == cost]
        for loads, fits, breaks_cap, reciprocal in tiers:
            pick = pool.pick(allowed, fits, loads, rng)
            keeps_every_rule = cost == 0 and not breaks_cap and not reciprocal
            if pick is None and keeps_every_rule and repair is not None:
                pick = repair(allowed)
            if pick is not None:
                broken = {DISTINCT_GROUPS: cost > 0, LOAD_CAP: breaks_cap, RECIPROCAL: reciprocal}
                return pick, [rule for rule in RELAXATION_ORDER if broken[rule]]
    return None


def draw_troika(
    members: Sequence[Member],
    seed: int,
    reviewers_per_member: int = 3,
    own_group: Collection[str] = (),
) -> TroikaDraw:
    """Draw k reviewers for every member of the cycle (DESIGN §5).

    Members are visited in a seeded order, one slot per member per round, so loads grow evenly;
    each slot goes to a least-loaded reviewer that keeps every rule. When every such reviewer is
    at the load cap, one of them hands a review it holds to someone with room; only when that
    fails too are rules relaxed (reciprocal pairs, then the load cap, then distinct groups), and
    each relaxation is recorded for the member whose slot needed it.
    """
    k = reviewers_per_member
    _check_reviewers_per_member(k)
    by_code = _index_members(members)
    wanting_own = set(own_group)
    unknown = sorted(wanting_own - by_code.keys())
    if unknown:
        raise TroikaError(
            "Only members taking part in the cycle can ask for a reviewer from their own group; "
            f"not taking part: {', '.join(unknown)}."
        )
    n = len(by_code)
    if n == 0:
        raise TroikaError("No member takes part in the cycle, so there is nobody to draw.")
    if n < k + 1:
        raise TroikaError(
            f"A cycle of {_plural(n, 'member')} cannot give each member "
            f"{_plural(k, 'reviewer')}: at least {k + 1} members must take part."
        )

    rng = random.Random(seed)
    groups = {code: member.draw_group for code, member in by_code.items()}
    pool = _Pool(groups, k + 1, {})
    reviewers: dict[str, list[str]] = {code: [] for code in by_code}
    reviewing: dict[str, set[str]] = {code: set() for code in by_code}
    relaxed: dict[str, set[str]] = {}

    def hand_over(member: str, allowed: list[str]) -> str | None:
        """Free a capped reviewer for ``member`` by moving one of its reviews to someone else.

        Only reviews drawn without relaxation are moved, and the new reviewer must keep every
        rule for the member it takes over, so the swap never breaks a rule anywhere.
        """
        capped = [
            code
            for g in allowed
            if pool.load_cap < len(pool.buckets[g])
            for code in pool.buckets[g][pool.load_cap]
            if code != member and code not in reviewers[member] and code not in reviewing[member]
        ]
        rng.shuffle(capped)
        for busy in capped[:_REPAIR_TRIES]:
            for other in sorted(reviewing[busy]):
                if other in relaxed:
                    continue
                kept = [c for c in reviewers[other] if c != busy]
                open_groups = _open_groups(
                    groups[other],
                    other in wanting_own,
                    {groups[c] for c in kept},
                    pool.group_names,
                )

                def fits(code: str, other: str = other, busy: str = busy) -> bool:
                    return (
                        code not in (other, busy, member)
                        and code not in reviewers[other]
                        and code not in reviewing[other]
                    )

                substitute = pool.pick(open_groups, fits, range(pool.load_cap), rng)
                if substitute is None:
                    continue
                slots = reviewers[other]
                slots[slots.index(busy)] = substitute
                reviewing[busy].discard(other)
                reviewing[substitute].add(other)
                pool.add_review(substitute)
                # ``busy`` gives up one review here and takes ``member``'s in the caller.
                pool.remove_review(busy)
                return busy
        return None

    order = list(by_code)
    rng.shuffle(order)
    for round_ in range(k):
        for member in order if round_ % 2 == 0 else reversed(order):
            chosen = reviewers[member]
            found = _choose(
                pool,
                member,
                chosen,
                member in wanting_own,
                reviewing[member],
                (),
                rng,
                repair=functools.partial(hand_over, member),
            )
            assert found is not None  # n >= k + 1 leaves a candidate for every slot
            pick, rules = found
            chosen.append(pick)
            reviewing[pick].add(member)
            pool.add_review(pick)
            if rules:
                relaxed.setdefault(member, set()).update(rules)

    return TroikaDraw(
        seed=seed,
        reviewers_per_member=k,
        reviewers=reviewers,
        relaxed={
            code: [rule for rule in RELAXATION_ORDER if rule in rules]
            for code, rules in sorted(relaxed.items())
        },
    )


def redraw_reviewer(
    members: Sequence[Member],
    assignments: Mapping[str, Sequence[str]],
    member: str,
    excluded: Collection[str],
    seed: int,
    reviewers_per_member: int = 3,
    own_group: bool = False,
) -> Redraw:
    """Draw one replacement reviewer for ``member`` under the same rules as the cycle's draw.

    ``assignments`` is the cycle's current map, the leaving reviewer already removed; it gives
    the member's remaining reviewers and every reviewer's load. ``excluded`` holds codes that
    must never be chosen (the member's previous and current reviewers).
    """
    k = reviewers_per_member
    _check_reviewers_per_member(k)
    by_code = _index_members(members)
    if member not in by_code:
        raise TroikaError(f"Member {member} does not take part in this cycle.")
    remaining = list(assignments.get(member, ()))
    outsiders = sorted(set(remaining) - by_code.keys())
    if outsiders:
        raise TroikaError(
            f"Reviewers of {member} not taking part in this cycle: {', '.join(outsiders)}."
        )
    loads: dict[str, int] = {}
    for codes in assignments.values():
        for code in codes:
            loads[code] = loads.get(code, 0) + 1
    reviewed_by_member = {m for m, codes in assignments.items() if member in codes}
    groups = {code: m.draw_group for code, m in by_code.items()}
    found = _choose(
        _Pool(groups, k + 1, loads),
        member,
        remaining,
        own_group,
        reviewed_by_member,
        set(excluded),
        random.Random(seed),
    )
    if found is None:
        raise TroikaError(
            f"No member is left to review {member}: every other member taking part in the cycle "
            "is one of its reviewers or has been excluded from reviewing it."
        )
    chosen, rules = found
    return Redraw(chosen=chosen, relaxed=rules)


def draw_digest(draw: TroikaDraw) -> str:
    """SHA-256 of a canonical JSON of the draw, so history can pin it and an auditor compare."""
    canonical = json.dumps(
        {
            "seed": draw.seed,
            "reviewers_per_member": draw.reviewers_per_member,
            "reviewers": draw.reviewers,
            "relaxed": draw.relaxed,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()
