"""First-start data: the 83 members of DESIGN §2 and the example people of §10.4."""

from __future__ import annotations

from napreview.people.examples import (
    EXAMPLE_PEOPLE,
    MINISTRY,
    POSITION,
    SECRETARIAT,
)
from napreview.schemas.members import (
    Honorific,
    Location,
    Rank,
    Role,
)
from napreview.store.models import MemberRow, UserRow
from napreview.store.network import MEMBERS
from napreview.store.repository import Store

SECRETARIAT_EMAIL = "secretariat@example.org"
AUDITOR_EMAIL = "auditor@example.org"


def example_focal_point_email(code: str) -> str:
    return f"fp.{code.lower()}@example.org"


def seed(store: Store) -> bool:
    """Seed an empty store; a store that already has members is left untouched (returns False)."""
    if store.member_count() > 0:
        return False
    with store.session() as s:
        for m in MEMBERS:
            s.add(
                MemberRow(
                    code=m.code,
                    name=m.name,
                    kind=m.kind.value,
                    regional_group=m.regional_group.value if m.regional_group else None,
                    cedaw_status=m.cedaw_status.value,
                    language=m.language.value,
                )
            )
        s.add(UserRow(email=SECRETARIAT_EMAIL, role=Role.SECRETARIAT.value, example=True))
        s.add(UserRow(email=AUDITOR_EMAIL, role=Role.AUDITOR.value, example=True))
    for m in MEMBERS:
        honorific, rank, given, family = EXAMPLE_PEOPLE[m.code]
        store.set_focal_point(
            m.code,
            name=f"{given} {family}",
            email=example_focal_point_email(m.code),
            title=POSITION[m.language],
            ministry=(MINISTRY if m.regional_group else SECRETARIAT)[m.language],
            location=Location.CAPITAL,
            by="seed",
            example=True,
            honorific=Honorific(honorific),
            rank=Rank(rank) if rank else None,
            family_name=family,
        )
    return True
