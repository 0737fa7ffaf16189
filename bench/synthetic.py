"""Synthetic members for the bench's own store, so that a cycle can have 1,000 or 10,000 members.

The Network has 83 members; to measure at scale the bench adds members shaped like the real
ones (the same mix of regional groups, regional organisations, CEDAW status and languages), each
with an example focal point, so reviewer draws, the CEDAW check and letters all run as they do
for real members. They live only in the bench's temporary store.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterator

from napreview.people.examples import example_focal_point_email
from napreview.schemas.members import CedawStatus, Language, Member, MemberKind, RegionalGroup
from napreview.store.focal_points import Designation
from napreview.store.records import Store

# One synthetic member in twelve is a regional organisation (7 of the 83 are), the rest spread
# over the five regional groups in the Network's proportions (AF 14, APG 14, EEG 16, GRULAC 9,
# WEOG 23); languages follow the real members' mix.
_GROUPS = ["AF"] * 14 + ["APG"] * 14 + ["EEG"] * 16 + ["GRULAC"] * 9 + ["WEOG"] * 23
_LANGUAGES = ["en"] * 7 + ["fr"] * 2 + ["es"] * 2


def synthetic_codes(taken: set[str]) -> Iterator[str]:
    """Codes for synthetic members, three capital letters as a state's (the CEDAW symbols of
    its self-assessment are checked against that shape), none a real member's: the ISO 3166
    user-assigned ranges first (X.., Q.., Z..: 1,092 codes, no country's), then any other."""
    letters = string.ascii_uppercase
    first = ["X", "Q", "Z"] + [c for c in letters if c not in "XQZ"]
    for a in first:
        for b, c in itertools.product(letters, repeat=2):
            if (code := a + b + c) not in taken:
                yield code


def add_synthetic_members(store: Store, total: int) -> list[str]:
    """Bring the store to ``total`` members; returns the codes added (none when it has enough)."""
    have = store.members.count()
    if have >= total:
        return []
    members, focal_points = [], []
    codes = synthetic_codes({m.code for m in store.members.all()})
    for index, code in zip(range(have, total), codes, strict=False):
        organisation = index % 12 == 0
        group = None if organisation else _GROUPS[index % len(_GROUPS)]
        members.append(
            Member(
                code=code,
                name=f"Synthetic Member {index:05d}",
                kind=MemberKind.REGIONAL_ORGANIZATION if organisation else MemberKind.STATE,
                regional_group=RegionalGroup(group) if group else None,
                cedaw_status=(
                    CedawStatus.NOT_APPLICABLE if organisation else CedawStatus.STATE_PARTY
                ),
                language=Language(_LANGUAGES[index % len(_LANGUAGES)]),
            )
        )
        focal_points.append(
            Designation(
                member=code,
                name=f"Example focal point of Synthetic Member {index:05d}",
                title="WPS focal point (example data)",
                ministry="Ministry of Foreign Affairs",
                email=example_focal_point_email(code),
            )
        )
    store.members.add_many(members)
    store.focal_points.designate_many(focal_points, by="bench", example=True)
    return [m.code for m in members]
