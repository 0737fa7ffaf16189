"""First-start data: the 83 members of DESIGN §2 and the example people of §10.4."""

from __future__ import annotations

from rules.network import MEMBERS
from schemas.members import Location, Role
from store.models import MemberRow, UserRow
from store.repository import Store

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
        store.set_focal_point(
            m.code,
            name=f"Example focal point of {m.name}",
            email=example_focal_point_email(m.code),
            title="WPS focal point (example data)",
            ministry="Ministry of Foreign Affairs" if m.regional_group else "Secretariat",
            location=Location.CAPITAL,
            by="seed",
            example=True,
        )
    return True
