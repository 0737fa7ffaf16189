"""Personal tokens: how a person proves who they are to the command line.

A token is shown once when created and kept only as its SHA-256, so a copy of the database does
not let anyone act as anybody. Each has an expiry and can be revoked.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from napreview.schemas.members import Actor
from napreview.store.records import Store
from napreview.store.tokens import TokenInfo

PREFIX = "npr_"
DEFAULT_LIFETIME = timedelta(days=90)

__all__ = ["TokenInfo", "TokenRefused", "create_token", "list_tokens", "person_for_token"]


class TokenRefused(Exception):
    """The token does not prove anyone: unknown, expired or revoked (the message says which)."""


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
    token = PREFIX + secrets.token_urlsafe(32)
    store.tokens.add(
        email.strip().lower(),
        _digest(token),
        label=label,
        created_by=created_by,
        expires_at=datetime.now(UTC) + lifetime,
    )
    return token


def person_for_token(store: Store, token: str) -> Actor:
    """The person a token proves, as the store knows them now."""
    now = datetime.now(UTC)
    found = store.tokens.find(_digest(token))
    if found is None:
        raise TokenRefused("This token is not known; ask the secretariat for a new one.")
    account = store.accounts.account(found.email)
    if account is not None and not account.active:
        raise TokenRefused(
            f"{found.email} is deactivated; their tokens no longer prove anyone. The "
            "secretariat can reactivate them and give a new token."
        )
    if found.revoked:
        raise TokenRefused("This token was revoked; ask the secretariat for a new one.")
    if found.expires_at <= now:
        raise TokenRefused(
            f"This token expired on {found.expires_at:%d %B %Y}; ask the secretariat for a new one."
        )
    store.tokens.mark_used(found.id, now)
    return store.people.actor(found.email)


def revoke_tokens(store: Store, email: str) -> int:
    """Revoke every live token of a person; returns how many."""
    return store.tokens.revoke_all(email.strip().lower(), datetime.now(UTC))


def list_tokens(store: Store, email: str | None = None) -> list[TokenInfo]:
    return store.tokens.list(email.strip().lower() if email else None)
