"""Personal tokens: how a person proves who they are to the command line.

A token is shown once when created and kept only as its SHA-256, so a copy of the database does
not let anyone act as anybody. Each has an expiry and can be revoked.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from napreview.schemas.members import Actor
from napreview.store.errors import NotFoundError
from napreview.store.models import TokenRow, UserRow
from napreview.store.repository import Store

PREFIX = "npr_"
DEFAULT_LIFETIME = timedelta(days=90)


class TokenRefused(Exception):
    """The token does not prove anyone: unknown, expired or revoked (the message says which)."""


@dataclass(frozen=True)
class TokenInfo:
    id: int
    email: str
    label: str
    created_at: datetime
    expires_at: datetime
    revoked: bool
    last_used_at: datetime | None


def _digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def create_token(
    store: Store,
    email: str,
    *,
    lifetime: timedelta = DEFAULT_LIFETIME,
    label: str = "",
    created_by: str | None = None,
) -> str:
    """A new token for a registered person; the only time its value is seen."""
    email = email.strip().lower()
    token = PREFIX + secrets.token_urlsafe(32)
    with store.session() as s:
        if s.get(UserRow, email) is None:
            raise NotFoundError(f"{email} is not a registered user.")
        s.add(
            TokenRow(
                email=email,
                sha256=_digest(token),
                label=label[:200],
                created_by=created_by,
                expires_at=datetime.now(UTC) + lifetime,
            )
        )
    return token


def person_for_token(store: Store, token: str) -> Actor:
    """The person a token proves, as the store knows them now."""
    now = datetime.now(UTC)
    with store.session() as s:
        row = s.scalars(select(TokenRow).where(TokenRow.sha256 == _digest(token))).first()
        if row is None:
            raise TokenRefused("This token is not known; ask the secretariat for a new one.")
        if row.revoked_at is not None:
            raise TokenRefused("This token was revoked; ask the secretariat for a new one.")
        if row.expires_at <= now:
            raise TokenRefused(
                f"This token expired on {row.expires_at:%d %B %Y}; ask the secretariat for a "
                "new one."
            )
        row.last_used_at = now
        email = row.email
    return store.resolve_actor(email)


def revoke_tokens(store: Store, email: str) -> int:
    """Revoke every live token of a person; returns how many."""
    now = datetime.now(UTC)
    with store.session() as s:
        rows = s.scalars(
            select(TokenRow).where(
                TokenRow.email == email.strip().lower(), TokenRow.revoked_at.is_(None)
            )
        ).all()
        for row in rows:
            row.revoked_at = now
        return len(rows)


def list_tokens(store: Store, email: str | None = None) -> list[TokenInfo]:
    with store.session() as s:
        query = select(TokenRow).order_by(TokenRow.created_at)
        if email:
            query = query.where(TokenRow.email == email.strip().lower())
        return [
            TokenInfo(
                id=r.id,
                email=r.email,
                label=r.label,
                created_at=r.created_at,
                expires_at=r.expires_at,
                revoked=r.revoked_at is not None,
                last_used_at=r.last_used_at,
            )
            for r in s.scalars(query).all()
        ]
