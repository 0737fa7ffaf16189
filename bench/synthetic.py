"""Synthetic members for the bench's own store, so that a cycle can have 1,000 or 10,000 members.

The Network has 83 members; to measure at scale the bench adds members shaped like the real
ones (the same mix of regional groups, regional organisations, CEDAW status and languages), each
with an example focal point, so reviewer draws, the CEDAW check and letters all run as they do
for real members. They live only in the bench's temporary store.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert

from napreview.schemas.members import Location, Role
from napreview.store.models import FocalPointRow, MemberRow, UserRow
from napreview.store.repository import Store
from napreview.store.seed import example_focal_point_email

# One synthetic member in twelve is a regional organisation (7 of the 83 are), the rest spread
# over the five regional groups in the Network's proportions (AF 14, APG 14, EEG 16, GRULAC 9,
# WEOG 23); languages follow the real members' mix.
_GROUPS = ["AF"] * 14 + ["APG"] * 14 + ["EEG"] * 16 + ["GRULAC"] * 9 + ["WEOG"] * 23
_LANGUAGES = ["en"] * 7 + ["fr"] * 2 + ["es"] * 2


def synthetic_code(index: int) -> str:
    return f"X{index:05d}"


def add_synthetic_members(store: Store, total: int) -> list[str]:
    """Bring the store to ``total`` members; returns the codes added (none when it has enough)."""
    have = store.member_count()
    if have >= total:
        return []
    members, focal_points, users = [], [], []
    today = date.today()
    for index in range(have, total):
        code = synthetic_code(index)
        organisation = index % 12 == 0
        group = None if organisation else _GROUPS[index % len(_GROUPS)]
        email = example_focal_point_email(code)
        members.append(
            {
                "code": code,
                "name": f"Synthetic Member {index:05d}",
                "kind": "regional_organization" if organisation else "state",
                "regional_group": group,
                "cedaw_status": "not_applicable" if organisation else "state_party",
                "language": _LANGUAGES[index % len(_LANGUAGES)],
            }
        )
        focal_points.append(
            {
                "member_code": code,
                "name": f"Example focal point of Synthetic Member {index:05d}",
                "title": "WPS focal point (example data)",
                "ministry": "Ministry of Foreign Affairs",
                "email": email,
                "location": Location.CAPITAL.value,
                "active_from": today,
                "recorded_by": "bench",
                "example": True,
            }
        )
        users.append(
            {"email": email, "role": Role.FOCAL_POINT.value, "member_code": code, "example": True}
        )
    with store.session() as s:
        s.execute(insert(MemberRow), members)
        s.execute(insert(FocalPointRow), focal_points)
        s.execute(insert(UserRow), users)
    return [m["code"] for m in members]
