"""The people who act: an address, an opaque person id (what history carries), a role, the
member a focal point acts for, and whether they are example data of a trial installation."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from napreview.schemas.members import Actor, Role
from napreview.schemas.text import today
from napreview.store.db import Repository
from napreview.store.deputies import active_on as deputy_active_on
from napreview.store.errors import NotFoundError
from napreview.store.tables import DeputyRow, FocalPointRow, UserRow

# Where notices to the secretariat go while no secretariat is registered.
FALLBACK_SECRETARIAT = "secretariat@example.org"


class PeopleRepository(Repository):
    def register(
        self, email: str, role: Role, member: str | None = None, *, example: bool = False
    ) -> Actor:
        """Register a person with a role, or change the role of one registered."""
        email = email.strip().lower()
        with self._session() as s:
            user = s.get(UserRow, email)
            if user is None:
                user = UserRow(email=email, role=role.value, member_code=member, example=example)
                s.add(user)
                s.flush()
            else:
                user.role = role.value
                user.member_code = member
            return Actor(person_id=user.person_id, email=email, role=role, member=member)

    def actor(self, email: str) -> Actor:
        """Who a person is now: their role and, for a focal point, the member they currently serve.

        A focal point whose designation has ended keeps their account but acts for no member,
        so a change of focal point takes effect at once.
        """
        email = email.strip().lower()
        with self._session() as s:
            user = s.get(UserRow, email)
            if user is None:
                raise NotFoundError(
                    f"{email} is not a registered user. The secretariat can add them with "
                    "'napreview users add'."
                )
            role = Role(user.role)
            member = user.member_code
            if role is Role.FOCAL_POINT:
                day = today()
                active = s.scalars(
                    select(FocalPointRow.member_code)
                    .where(FocalPointRow.email == email)
                    .where(FocalPointRow.active_from <= day)
                    .where(FocalPointRow.active_to.is_(None) | (FocalPointRow.active_to > day))
                ).first()
                if active is None:  # a deputy focal point acts for their member too
                    active = s.scalars(
                        select(DeputyRow.member_code)
                        .where(DeputyRow.email == email)
                        .where(deputy_active_on(day))
                    ).first()
                has_any = (
                    s.scalars(select(FocalPointRow.id).where(FocalPointRow.email == email)).first()
                    or s.scalars(select(DeputyRow.id).where(DeputyRow.email == email)).first()
                )
                if has_any is not None:
                    member = active
            return Actor(person_id=user.person_id, email=email, role=role, member=member)

    def emails(self, person_ids: Sequence[str]) -> dict[str, str]:
        """Person id → email, for timelines and records (history keeps ids only)."""
        if not person_ids:
            return {}
        with self._session() as s:
            rows = s.execute(
                select(UserRow.person_id, UserRow.email).where(
                    UserRow.person_id.in_(sorted(set(person_ids)))
                )
            ).all()
            return {person_id: email for person_id, email in rows}

    def exists(self, email: str) -> bool:
        with self._session() as s:
            return s.get(UserRow, email.strip().lower()) is not None

    def secretariat_email(self) -> str:
        """Where notices to the secretariat go: the first secretariat registered."""
        with self._session() as s:
            email = s.scalars(
                select(UserRow.email)
                .where(UserRow.role == Role.SECRETARIAT.value)
                .order_by(UserRow.example, UserRow.created_at)
            ).first()
            return email or FALLBACK_SECRETARIAT

    def has_own_secretariat(self) -> bool:
        """Whether the installation has a secretariat of its own (not an example person)."""
        with self._session() as s:
            return (
                s.scalars(
                    select(UserRow.email)
                    .where(UserRow.role == Role.SECRETARIAT.value)
                    .where(UserRow.example.is_(False))
                ).first()
                is not None
            )

    def has_examples(self) -> bool:
        """An installation that still has the example people of DESIGN §10.4 (a trial one)."""
        with self._session() as s:
            return (
                s.scalars(select(UserRow.email).where(UserRow.example.is_(True))).first()
                is not None
            )

    def is_example(self, email: str) -> bool:
        with self._session() as s:
            user = s.get(UserRow, email.strip().lower())
            return bool(user and user.example)

    def example_emails(self) -> list[str]:
        with self._session() as s:
            return list(
                s.scalars(
                    select(UserRow.email).where(UserRow.example.is_(True)).order_by(UserRow.email)
                )
            )
