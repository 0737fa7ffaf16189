"""Every table of the store, on one ``Base``: what Alembic's metadata covers, and what the
repositories read and write. Tables import nothing of the store; repositories import tables.

Bodies (documents, letters, CEDAW findings) live here, not in Temporal's history.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class MemberRow(Base):
    __tablename__ = "members"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    regional_group: Mapped[str | None] = mapped_column(String(16))
    cedaw_status: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(2))
    # Members join and leave (dated, never deleted): None for the founding members and for a
    # member that has not left. ``names``: en/fr/es names of a member added later (the
    # founding members' are in i18n/member_names.json).
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    names: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    added_by: Mapped[str | None] = mapped_column(String(254))
    left_by: Mapped[str | None] = mapped_column(String(254))


class FocalPointRow(Base):
    """One focal point for one period; a change closes the row and opens another."""

    __tablename__ = "focal_points"
    __table_args__ = (Index("ix_focal_points_member_location", "member_code", "location"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("members.code"))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    honorific: Mapped[str | None] = mapped_column(String(16))
    rank: Mapped[str | None] = mapped_column(String(32))
    family_name: Mapped[str | None] = mapped_column(String(200))
    ministry: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    location: Mapped[str] = mapped_column(String(32))
    active_from: Mapped[date] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[str | None] = mapped_column(String(254))
    example: Mapped[bool] = mapped_column(Boolean, default=False)


def new_person_id() -> str:
    """An opaque id for a person: what history carries instead of an email or a name."""
    return "p-" + secrets.token_hex(8)


class UserRow(Base):
    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_person_id)
    role: Mapped[str] = mapped_column(String(32))
    member_code: Mapped[str | None] = mapped_column(ForeignKey("members.code"))
    example: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class NapRow(Base):
    """A NAP iteration as last submitted in a self-assessment."""

    __tablename__ = "naps"
    __table_args__ = (UniqueConstraint("member_code", "iteration"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("members.code"))
    iteration: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    adopted_on: Mapped[date] = mapped_column(Date)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_document_id: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CycleRow(Base):
    __tablename__ = "cycles"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seed: Mapped[int] = mapped_column(BigInteger)
    reviewers_per_member: Mapped[int] = mapped_column(Integer)
    chair: Mapped[str] = mapped_column(String(16))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    draw_sha256: Mapped[str] = mapped_column(String(64))
    started_by: Mapped[str] = mapped_column(String(254))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AssignmentRow(Base):
    """One reviewer of one member in one cycle; re-draws close a row and add another."""

    __tablename__ = "troika_assignments"
    __table_args__ = (
        Index("ix_assignments_cycle_member", "cycle_id", "member_code"),
        # what a member was drawn to review (work lists, read scopes)
        Index("ix_assignments_reviewer", "reviewer_code", "active"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cycle_id: Mapped[str] = mapped_column(ForeignKey("cycles.id"))
    member_code: Mapped[str] = mapped_column(String(16))
    reviewer_code: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    relaxed: Mapped[list[str]] = mapped_column(JSON, default=list)
    ended_reason: Mapped[str | None] = mapped_column(String(32))
    replaces: Mapped[str | None] = mapped_column(String(16))
    redraw_seed: Mapped[int | None] = mapped_column(BigInteger)
    drawn_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DocumentRow(Base):
    """A submitted self-assessment or peer review, stored before the workflow is asked."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_cycle_member", "cycle_id", "member_code"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str] = mapped_column(String(16))
    reviewer_code: Mapped[str | None] = mapped_column(String(16))
    submitted_by: Mapped[str] = mapped_column(String(254))
    sha256: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # When its review took it (the store confirmed it for the step); None: not taken (yet), so
    # `napreview documents sweep` removes it once it is older than the grace period.
    taken_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CedawResultRow(Base):
    __tablename__ = "cedaw_results"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str] = mapped_column(String(16))
    document_id: Mapped[str] = mapped_column(String(64))
    rating: Mapped[str] = mapped_column(String(32))
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class LetterRow(Base):
    """A rendered letter, stored once per idempotency key: a retried activity sends it once."""

    __tablename__ = "letters"
    __table_args__ = (
        Index("ix_letters_cycle_member", "cycle_id", "member_code"),
        # a person's letters, newest first: by address, and by the member addressed
        Index("ix_letters_recipient", "recipient", "created_at"),
        Index("ix_letters_recipient_member", "recipient_member", "created_at"),
        # the outbox: queued letters by when they may next be tried
        Index("ix_letters_delivery_due", "delivery_state", "delivery_due_at"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str] = mapped_column(String(16))
    round: Mapped[int] = mapped_column(Integer)
    recipient: Mapped[str] = mapped_column(String(254))
    # The member whose focal point the letter is addressed to (the reviewed member, a reviewer,
    # the Chair for the cycle summary); None for a letter to the secretariat. Whoever is that
    # member's focal point now reads the letter.
    recipient_member: Mapped[str | None] = mapped_column(String(16))
    recipient_name: Mapped[str] = mapped_column(String(200))
    copy_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    template: Mapped[str] = mapped_column(String(200))
    template_version: Mapped[str] = mapped_column(String(64))
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Addresses in copy (the Permanent Mission where known, the secretariat on overdue notices,
    # the members on the cycle summary); ``copy_to`` holds the names the letter shows.
    cc: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Delivery by email (DESIGN §7): queued, sent (with the server's reply) or failed (with the
    # reason). None for letters stored before delivery existed.
    delivery_state: Mapped[str | None] = mapped_column(String(16))
    delivery_detail: Mapped[str | None] = mapped_column(Text)
    delivery_attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When a queued letter may next be tried: a sender claims it by moving this past the end of
    # its attempt, a failed attempt by the time of its retry. None: nobody will try it (letters
    # stored with delivery off, or delivered by the deliver-<id> workflows of earlier releases).
    delivery_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ChairRow(Base):
    """The Chair of the Network for a year, as the secretariat records it: one member, or two
    co-Chairs (``co_member_code``), as the Network has had since 2020."""

    __tablename__ = "network_chairs"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    member_code: Mapped[str] = mapped_column(String(16))
    co_member_code: Mapped[str | None] = mapped_column(String(16))
    recorded_by: Mapped[str] = mapped_column(String(254))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReviewRow(Base):
    """The read model of each review (schemas/review.py ``ReviewProjection``): what lists, work
    pages and the cycle summary read instead of asking Temporal, which stays the truth.

    ``reviewers`` is None while only an older worker has projected the review (it sent no
    deadlines or slots); ``at`` is the review's own clock when it last published, and
    ``publication`` its count of publications then (None from a worker older than the count).
    """

    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_member", "member_code"),
        Index("ix_reviews_stage", "stage", "overdue"),
        # A cycle's counts per stage from the index alone (at ten thousand reviews: 2 ms
        # instead of 19 ms); its page of reviews: ix_reviews_cycle_page below.
        Index("ix_reviews_cycle_stage", "cycle_id", "stage"),
    )

    cycle_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    member_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    stage: Mapped[str] = mapped_column(String(32))
    round: Mapped[int] = mapped_column(Integer, default=1)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    cedaw_rating: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reviewers: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    answers_due: Mapped[datetime | None] = mapped_column(UtcDateTime)
    unanswered: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Which of the review's publications is kept: orders those sharing ``at`` (one task).
    publication: Mapped[int | None] = mapped_column(Integer)


# A page of a cycle, overdue first then by member, read in index order: at ten thousand reviews
# 0.8 ms instead of 14 ms sorting the cycle (ReviewRepository.of_cycle).
Index("ix_reviews_cycle_page", ReviewRow.cycle_id, ReviewRow.overdue.desc(), ReviewRow.member_code)


class ReviewStageRow(Base):
    """One stage a review entered, and when (the review's clock; the store's where an older
    worker sent none): the cycle page's chart, without reading any history."""

    __tablename__ = "review_stages"
    __table_args__ = (Index("ix_review_stages_cycle_member", "cycle_id", "member_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(32))
    round: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class RefusalRow(Base):
    """A refused step: who, what, why. Validators write nothing to history, so it is kept here."""

    __tablename__ = "refusals"
    __table_args__ = (Index("ix_refusals_cycle_member", "cycle_id", "member_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    cycle_id: Mapped[str | None] = mapped_column(String(40))
    member_code: Mapped[str | None] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(254))
    role: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    # The reason as a code of schemas/refusals.py with its parameters, so each reader sees it in
    # their own language; None for refusals recorded before codes (and for those Temporal
    # answered in English only).
    code: Mapped[str | None] = mapped_column(String(40))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class FrontEndKeyRow(Base):
    """A front end's public signing key the workers vouch for: a workflow started without a
    parent checks its start against these (workflows/start.py). Written by the front ends
    (command line, portal) when they sign a start and by `napreview keys`; retired, never
    deleted, so an auditor can still check what it signed."""

    __tablename__ = "front_end_keys"

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TokenRow(Base):
    """A personal token for the command line: shown once, kept only as its SHA-256."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(ForeignKey("users.email"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(40))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditReadRow(Base):
    """One read of a workflow's audit trail (issue #8 item 8): who (person id, email, role,
    member), what (timeline, replay check, export), through which door, when."""

    __tablename__ = "audit_reads"
    __table_args__ = (
        Index("ix_audit_reads_workflow", "workflow_id"),
        Index("ix_audit_reads_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    person_id: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(32))
    member: Mapped[str | None] = mapped_column(String(16))
    workflow_id: Mapped[str] = mapped_column(String(120))
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str | None] = mapped_column(String(16))
    what: Mapped[str] = mapped_column(String(64))
    via: Mapped[str] = mapped_column(String(16))


# --- the portal: passwords, sessions, sign-in attempts, single-use links, drafts, NAP files ---


class InstallationFlagRow(Base):
    """Something that happened once to the installation and is never undone: its trial door
    closed (``--as`` and the example password off for good), the example password given on
    its first start. Present or absent; who set it and when are kept for the auditor."""

    __tablename__ = "installation_flags"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    set_by: Mapped[str] = mapped_column(String(254))


class PreferenceRow(Base):
    """A person's own settings for their deadlines: the time zone they are shown in, the
    calendar link's token (only its SHA-256 kept, like a session's), and how many days before
    each deadline they want a reminder by email."""

    __tablename__ = "person_preferences"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    calendar_token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    reminder_days: Mapped[int | None] = mapped_column(Integer)  # None: no reminder of one's own
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PersonalReminderRow(Base):
    """A reminder of one's own sent (services/reminders.py): each is claimed here before it
    is sent, so that several workers send it once."""

    __tablename__ = "personal_reminders_sent"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


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
    # A form sent after its session ended is found by its page's CSRF token (web/kept.py).
    __table_args__ = (
        Index("ix_portal_sessions_email", "email"),
        Index("ix_portal_sessions_csrf_token", "csrf_token"),
    )

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


class ResetRequestRow(Base):
    """A "forgot password" request, whether or not the address is known: the limit per address
    and per client is counted here, so every portal process shares it."""

    __tablename__ = "reset_requests"
    __table_args__ = (
        Index("ix_reset_requests_email", "email", "at"),
        Index("ix_reset_requests_address", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    email: Mapped[str] = mapped_column(String(254))
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


class ReviewFileRow(Base):
    """A file kept beside a review (its NAP, the monitoring framework, an annex), with the name
    it was uploaded under and its SHA-256."""

    __tablename__ = "review_files"
    __table_args__ = (Index("ix_review_files_cycle_member", "cycle_id", "member_code"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32), default="nap")
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(254))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReviewCommentRow(Base):
    """One comment of a review's conversation. Who wrote it is the signed-in person (person id,
    and the role and member they wrote as), never a name typed in."""

    __tablename__ = "review_comments"
    __table_args__ = (
        Index("ix_review_comments_cycle_member", "cycle_id", "member_code", "at"),
        Index("ix_review_comments_letters_started", "letters_started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(40))
    author_role: Mapped[str] = mapped_column(String(32))
    author_member: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # When the workflow writing its letters was started; None while they wait to be (Temporal
    # was away when it was posted): the worker's look starts them (services/conversation.py).
    letters_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DeputyRow(Base):
    """A member's deputy focal point for one period: the same rights as the focal point, never
    the addressee of the member's letters."""

    __tablename__ = "deputy_focal_points"
    __table_args__ = (Index("ix_deputy_focal_points_member", "member_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("members.code"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    active_from: Mapped[date] = mapped_column(Date)
    active_to: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str | None] = mapped_column(String(254))


class PlanIndicatorRow(Base):
    """A member's own indicator (the global ones are data: schemas/wps_indicators.json). Its id
    is the member's code and a number (DEU-1), given in the order they are added."""

    __tablename__ = "plan_indicators"
    __table_args__ = (Index("ix_plan_indicators_member", "member_code"),)

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    member_code: Mapped[str] = mapped_column(ForeignKey("members.code"))
    number: Mapped[int] = mapped_column(Integer)
    pillar: Mapped[str] = mapped_column(String(32))
    measure: Mapped[str] = mapped_column(String(16))
    by_sex: Mapped[bool] = mapped_column(Boolean)
    title_en: Mapped[str] = mapped_column(String(500))
    title_fr: Mapped[str | None] = mapped_column(String(500))
    title_es: Mapped[str | None] = mapped_column(String(500))
    added_by: Mapped[str] = mapped_column(String(254))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class IndicatorValueRow(Base):
    """A value of an indicator for a member and period: each recording is kept (never
    overwritten); the latest for an indicator, member, period and kind is the value."""

    __tablename__ = "indicator_values"
    __table_args__ = (Index("ix_indicator_values_member", "member_code", "indicator_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indicator_id: Mapped[str] = mapped_column(String(16))
    member_code: Mapped[str] = mapped_column(ForeignKey("members.code"))
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(16))
    women: Mapped[float | None] = mapped_column(Float)
    men: Mapped[float | None] = mapped_column(Float)
    total: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(500))
    recorded_by: Mapped[str] = mapped_column(String(254))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FollowUpRow(Base):
    """The read model of each follow-up (workflows/follow_up.py): where it stands, and its whole
    state as it last published it, which `follow-up show` and the exports read instead of
    asking Temporal. ``at`` is the follow-up's own clock then."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_member", "member_code"),)

    cycle_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    member_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    period: Mapped[int] = mapped_column(Integer, default=1)
    due: Mapped[datetime | None] = mapped_column(UtcDateTime)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class FollowUpItemRow(Base):
    """An item's wording, written once when the follow-up draws it (history keeps its digest)."""

    __tablename__ = "follow_up_items"

    cycle_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    member_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))


class FollowUpReportRow(Base):
    """A progress report's body as its member sent it (history keeps its id and digest)."""

    __tablename__ = "follow_up_reports"
    __table_args__ = (Index("ix_follow_up_reports_cycle_member", "cycle_id", "member_code"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str] = mapped_column(String(16))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    submitted_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FollowUpEvidenceRow(Base):
    """A document a member keeps as evidence of its follow-up's items, with the name it was
    uploaded under and its SHA-256 (history names it by id and digest)."""

    __tablename__ = "follow_up_evidence"
    __table_args__ = (Index("ix_follow_up_evidence_cycle_member", "cycle_id", "member_code"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(254))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FollowUpTermsRow(Base):
    """How often a cycle's members report on their follow-up, if not every twelve months."""

    __tablename__ = "follow_up_terms"

    cycle_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    interval_seconds: Mapped[int] = mapped_column(BigInteger)
    reminder_seconds: Mapped[int] = mapped_column(BigInteger)


class FollowUpConsentRow(Base):
    """Each time a member's focal point gave or withdrew consent to publish its follow-up, kept
    as it happened (who and when); the last one says whether the follow-up is public."""

    __tablename__ = "follow_up_consents"
    __table_args__ = (Index("ix_follow_up_consents_cycle_member", "cycle_id", "member_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cycle_id: Mapped[str] = mapped_column(String(40))
    member_code: Mapped[str] = mapped_column(String(16))
    public: Mapped[bool] = mapped_column(Boolean)
    by: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
