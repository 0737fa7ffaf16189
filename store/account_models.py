"""Tables of the portal: passwords, sessions, sign-in attempts, single-use links, drafts and
uploaded NAP files. Kept apart from the review records; imported by store.models so that one
metadata (and one migration history) covers every table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from napreview.store.models import Base, UtcDateTime, utcnow


class AccountRow(Base):
    """What a person signs in with. One per user; no row means no password has been set."""

    __tablename__ = "accounts"

    email: Mapped[str] = mapped_column(ForeignKey("users.email"), primary_key=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    example_password: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(2))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    password_set_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PortalSessionRow(Base):
    """A signed-in browser. Only the SHA-256 of the cookie's value is kept."""

    __tablename__ = "portal_sessions"
    __table_args__ = (Index("ix_portal_sessions_email", "email"),)

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SignInAttemptRow(Base):
    """Every sign-in attempt, successful or not, with why it failed."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (Index("ix_sign_in_attempts_email", "email"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    email: Mapped[str] = mapped_column(String(254))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))


class AccountLinkRow(Base):
    """A single-use link (an invitation or a password reset); only its SHA-256 is kept."""

    __tablename__ = "account_links"
    __table_args__ = (Index("ix_account_links_email", "email"),)

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    purpose: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(254))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DraftRow(Base):
    """A form filled in part, per person and document, so weeks of work are never lost."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("email", "cycle_id", "member_code", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254))
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class NapFileRow(Base):
    """An uploaded NAP (PDF), stored with its SHA-256, for one member's review in one cycle."""

    __tablename__ = "nap_files"
    __table_args__ = (Index("ix_nap_files_cycle_member", "cycle_id", "member_code"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(254))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
