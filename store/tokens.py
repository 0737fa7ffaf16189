"""Personal tokens of the command line, kept only as their SHA-256, with expiry and revocation.
How a token is made and checked is people/tokens.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from napreview.store.db import Repository
from napreview.store.errors import NotFoundError
from napreview.store.tables import TokenRow, UserRow


@dataclass(frozen=True)
class TokenInfo:
    id: int
    email: str
    label: str
    created_at: datetime
    expires_at: datetime
    revoked: bool
    last_used_at: datetime | None


def _info(row: TokenRow) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        email=row.email,
        label=row.label,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked=row.revoked_at is not None,
        last_used_at=row.last_used_at,
    )


class TokenRepository(Repository):
    def add(
        self,
        email: str,
        sha256: str,
        *,
        label: str,
        created_by: str | None,
        expires_at: datetime,
    ) -> None:
        with self._session() as s:
            if s.get(UserRow, email) is None:
                raise NotFoundError(f"{email} is not a registered user.")
            s.add(
                TokenRow(
                    email=email,
                    sha256=sha256,
                    label=label[:200],
                    created_by=created_by,
                    expires_at=expires_at,
                )
            )

    def find(self, sha256: str) -> TokenInfo | None:
        """The token with this digest (None: no such token)."""
        with self._session() as s:
            row = s.scalars(select(TokenRow).where(TokenRow.sha256 == sha256)).first()
            return _info(row) if row is not None else None

    def mark_used(self, token_id: int, now: datetime) -> None:
        with self._session() as s:
            s.get_one(TokenRow, token_id).last_used_at = now

    def revoke_all(self, email: str, now: datetime) -> int:
        """Revoke every live token of a person; returns how many."""
        with self._session() as s:
            rows = s.scalars(
                select(TokenRow).where(TokenRow.email == email, TokenRow.revoked_at.is_(None))
            ).all()
            for row in rows:
                row.revoked_at = now
            return len(rows)

    def list(self, email: str | None = None) -> list[TokenInfo]:
        with self._session() as s:
            query = select(TokenRow).order_by(TokenRow.created_at)
            if email:
                query = query.where(TokenRow.email == email)
            return [_info(r) for r in s.scalars(query).all()]
