"""Accounts of the portal: passwords (argon2id), sessions, sign-in attempts and lockout,
single-use links, drafts and uploaded NAP files. Who a person *is* (role, member) stays in
`users` and `focal_points`; this module only proves that the person at the keyboard is them."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Select, select, update

from napreview.store.account_models import (
    AccountLinkRow,
    AccountRow,
    DraftRow,
    NapFileRow,
    PortalSessionRow,
    SignInAttemptRow,
)
from napreview.store.errors import ConflictError, NotFoundError
from napreview.store.models import UserRow
from napreview.store.repository import Store

# The documented password of the example people on a development installation (DESIGN §10.4).
# `napreview portal` refuses to start while any active example account still has it.
EXAMPLE_PASSWORD = "napreview-example"
MIN_PASSWORD_LENGTH = 10
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)
INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=2)

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters


def _now() -> datetime:
    return datetime.now(UTC)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PasswordTooWeak(ValueError):
    """The new password is refused; the message says why."""


def check_password_rules(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooWeak(f"at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip().lower() == email.strip().lower():
        raise PasswordTooWeak("not the email address")
    if password == EXAMPLE_PASSWORD:
        raise PasswordTooWeak("not the example password")


@dataclass(frozen=True)
class SignIn:
    """The outcome of one attempt. ``reason`` is recorded: ok, unknown, no_password,
    wrong_password, locked, inactive."""

    ok: bool
    reason: str
    locked_until: datetime | None = None


@dataclass(frozen=True)
class PortalSession:
    email: str
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class Link:
    email: str
    purpose: str
    expires_at: datetime


@dataclass(frozen=True)
class Person:
    email: str
    role: str
    member: str | None
    example: bool
    active: bool
    has_password: bool
    locked_until: datetime | None
    language: str | None


@dataclass(frozen=True)
class NapFile:
    id: str
    cycle: str
    member: str
    filename: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


def _nap_file(row: NapFileRow) -> NapFile:
    return NapFile(
        id=row.id,
        cycle=row.cycle_id,
        member=row.member_code,
        filename=row.filename,
        size=row.size,
        sha256=row.sha256,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
    )


class Accounts:
    """The portal's records, on the same database as the reviews."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- passwords ---

    def _account(self, s: Any, email: str, create: bool = False) -> AccountRow | None:
        row = s.get(AccountRow, email)
        if row is None and create:
            if s.get(UserRow, email) is None:
                raise NotFoundError(f"{email} is not a registered user.")
            row = AccountRow(email=email, active=True, failures=0, example_password=False)
            s.add(row)
        return row

    def set_password(self, email: str, password: str) -> None:
        """A password the person chose (or an operator set); unlocks the account."""
        email = email.strip().lower()
        check_password_rules(password, email)
        hashed = _hasher.hash(password)
        with self.store.session() as s:
            row = self._account(s, email, create=True)
            assert row is not None
            row.password_hash = hashed
            row.example_password = False
            row.failures = 0
            row.locked_until = None
            row.password_set_at = _now()
            row.updated_at = _now()

    def give_example_passwords(self) -> int:
        """The documented development password for example people who have none yet (one hash
        for all: it is public anyway)."""
        with self.store.session() as s:
            emails = s.scalars(select(UserRow.email).where(UserRow.example.is_(True))).all()
            pending = []
            for email in emails:
                row = s.get(AccountRow, email)
                if row is None or row.password_hash is None:
                    pending.append(email)
            if not pending:
                return 0
            hashed = _hasher.hash(EXAMPLE_PASSWORD)
            for email in pending:
                row = self._account(s, email, create=True)
                assert row is not None
                row.password_hash = hashed
                row.example_password = True
                row.password_set_at = _now()
            return len(pending)

    def example_passwords_left(self) -> list[str]:
        with self.store.session() as s:
            return list(
                s.scalars(
                    select(AccountRow.email)
                    .where(AccountRow.example_password.is_(True))
                    .where(AccountRow.active.is_(True))
                    .where(AccountRow.password_hash.is_not(None))
                    .order_by(AccountRow.email)
                ).all()
            )

    def clear_example_passwords(self) -> int:
        """Remove the development password from every example account (they can no longer
        sign in until invited)."""
        with self.store.session() as s:
            result = s.execute(
                update(AccountRow)
                .where(AccountRow.example_password.is_(True))
                .values(password_hash=None, example_password=False, updated_at=_now())
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # --- signing in ---

    def sign_in(self, email: str, password: str, address: str | None = None) -> SignIn:
        """Check a password, count failures, lock after MAX_FAILURES; every attempt is recorded.

        A locked account is refused even with the right password, so guessing gains nothing.
        """
        email = email.strip().lower()
        now = _now()
        with self.store.session() as s:
            user = s.get(UserRow, email)
            row = s.get(AccountRow, email) if user else None
            outcome: SignIn
            if user is None:
                _hasher_dummy_verify(password)
                outcome = SignIn(False, "unknown")
            elif row is None or row.password_hash is None:
                _hasher_dummy_verify(password)
                outcome = SignIn(False, "no_password")
            elif not row.active:
                outcome = SignIn(False, "inactive")
            elif row.locked_until is not None and row.locked_until > now:
                outcome = SignIn(False, "locked", row.locked_until)
            elif _verify(row.password_hash, password):
                row.failures = 0
                row.locked_until = None
                outcome = SignIn(True, "ok")
            else:
                if row.locked_until is not None and row.locked_until <= now:
                    row.failures = 0
                row.failures += 1
                if row.failures >= MAX_FAILURES:
                    row.locked_until = now + LOCK_FOR
                    outcome = SignIn(False, "wrong_password_locked", row.locked_until)
                else:
                    row.locked_until = None
                    outcome = SignIn(False, "wrong_password")
            s.add(
                SignInAttemptRow(
                    email=email[:254], succeeded=outcome.ok, reason=outcome.reason, address=address
                )
            )
            return outcome

    def failures(self, email: str) -> int:
        with self.store.session() as s:
            row = s.get(AccountRow, email.strip().lower())
            return row.failures if row else 0

    def attempts(self, email: str) -> list[tuple[datetime, bool, str]]:
        with self.store.session() as s:
            rows = s.scalars(
                select(SignInAttemptRow)
                .where(SignInAttemptRow.email == email.strip().lower())
                .order_by(SignInAttemptRow.id)
            ).all()
            return [(r.at, r.succeeded, r.reason) for r in rows]

    # --- sessions ---

    def open_session(self, email: str, lifetime: timedelta = SESSION_LIFETIME) -> str:
        """A new session; returns the cookie value (32 random bytes), of which only a digest
        is stored."""
        token = secrets.token_urlsafe(32)
        with self.store.session() as s:
            s.add(
                PortalSessionRow(
                    token_sha256=digest(token),
                    email=email.strip().lower(),
                    csrf_token=secrets.token_urlsafe(32),
                    expires_at=_now() + lifetime,
                )
            )
        return token

    def session(self, token: str, lifetime: timedelta = SESSION_LIFETIME) -> PortalSession | None:
        """The live session behind a cookie, its expiry slid forward; None when expired,
        signed out or the account deactivated."""
        now = _now()
        with self.store.session() as s:
            row = s.get(PortalSessionRow, digest(token))
            if row is None or row.revoked_at is not None or row.expires_at <= now:
                return None
            account = s.get(AccountRow, row.email)
            if account is not None and not account.active:
                return None
            if now - row.last_seen_at > timedelta(minutes=1):
                row.last_seen_at = now
                row.expires_at = max(row.expires_at, now + lifetime)
            return PortalSession(row.email, row.csrf_token, row.expires_at)

    def close_session(self, token: str) -> None:
        with self.store.session() as s:
            row = s.get(PortalSessionRow, digest(token))
            if row is not None and row.revoked_at is None:
                row.revoked_at = _now()

    def close_all_sessions(self, email: str) -> int:
        with self.store.session() as s:
            result = s.execute(
                update(PortalSessionRow)
                .where(PortalSessionRow.email == email.strip().lower())
                .where(PortalSessionRow.revoked_at.is_(None))
                .values(revoked_at=_now())
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # --- single-use links (invitations and password resets) ---

    def create_link(
        self, email: str, purpose: str, created_by: str | None, lifetime: timedelta
    ) -> str:
        email = email.strip().lower()
        token = secrets.token_urlsafe(32)
        with self.store.session() as s:
            if s.get(UserRow, email) is None:
                raise NotFoundError(
                    f"{email} is not a registered user. Add them first with 'napreview users add'."
                )
            s.add(
                AccountLinkRow(
                    token_sha256=digest(token),
                    email=email,
                    purpose=purpose,
                    created_by=created_by,
                    expires_at=_now() + lifetime,
                )
            )
        return token

    def link(self, token: str) -> tuple[Link | None, str]:
        """The link behind a token and why it cannot be used: ok, unknown, used, expired."""
        with self.store.session() as s:
            row = s.get(AccountLinkRow, digest(token))
            if row is None:
                return None, "unknown"
            found = Link(row.email, row.purpose, row.expires_at)
            if row.used_at is not None:
                return found, "used"
            if row.expires_at <= _now():
                return found, "expired"
            return found, "ok"

    def use_link(self, token: str, password: str) -> str:
        """Set the password through a link, once; returns the email. Other open links of the
        person stop working, and every session is closed (a reset means someone may know the
        old password)."""
        found, state = self.link(token)
        if found is None or state != "ok":
            raise ConflictError(state)
        self.set_password(found.email, password)
        with self.store.session() as s:
            s.execute(
                update(AccountLinkRow)
                .where(AccountLinkRow.email == found.email)
                .where(AccountLinkRow.used_at.is_(None))
                .values(used_at=_now())
            )
        self.close_all_sessions(found.email)
        return found.email

    # --- people ---

    def set_active(self, email: str, active: bool) -> None:
        email = email.strip().lower()
        with self.store.session() as s:
            row = self._account(s, email, create=True)
            assert row is not None
            row.active = active
            row.updated_at = _now()
        if not active:
            self.close_all_sessions(email)

    def is_active(self, email: str) -> bool:
        with self.store.session() as s:
            row = s.get(AccountRow, email.strip().lower())
            return row is None or row.active

    def language(self, email: str) -> str | None:
        with self.store.session() as s:
            row = s.get(AccountRow, email.strip().lower())
            return row.language if row else None

    def set_language(self, email: str, language: str) -> None:
        with self.store.session() as s:
            row = self._account(s, email.strip().lower(), create=True)
            assert row is not None
            row.language = language

    def people(self) -> list[Person]:
        with self.store.session() as s:
            users = s.scalars(select(UserRow).order_by(UserRow.role, UserRow.email)).all()
            accounts = {a.email: a for a in s.scalars(select(AccountRow)).all()}
            result = []
            for u in users:
                a = accounts.get(u.email)
                result.append(
                    Person(
                        email=u.email,
                        role=u.role,
                        member=u.member_code,
                        example=u.example,
                        active=a.active if a else True,
                        has_password=bool(a and a.password_hash),
                        locked_until=a.locked_until if a else None,
                        language=a.language if a else None,
                    )
                )
            return result

    # --- drafts ---

    def save_draft(
        self, email: str, cycle: str, member: str, kind: str, values: dict[str, Any]
    ) -> datetime:
        with self.store.session() as s:
            row = s.scalars(_draft_query(email, cycle, member, kind)).first()
            if row is None:
                row = DraftRow(email=email, cycle_id=cycle, member_code=member, kind=kind)
                s.add(row)
            row.values = values
            row.updated_at = _now()
            return row.updated_at

    def draft(
        self, email: str, cycle: str, member: str, kind: str
    ) -> tuple[dict[str, Any], datetime] | None:
        with self.store.session() as s:
            row = s.scalars(_draft_query(email, cycle, member, kind)).first()
            return (dict(row.values), row.updated_at) if row else None

    def drop_draft(self, email: str, cycle: str, member: str, kind: str) -> None:
        with self.store.session() as s:
            row = s.scalars(_draft_query(email, cycle, member, kind)).first()
            if row is not None:
                s.delete(row)

    # --- NAP files ---

    def save_nap_file(
        self, cycle: str, member: str, filename: str, data: bytes, uploaded_by: str
    ) -> NapFile:
        row = NapFileRow(
            id=uuid.uuid4().hex,
            cycle_id=cycle,
            member_code=member,
            filename=filename[-255:] or "nap.pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by=uploaded_by,
            uploaded_at=_now(),
        )
        with self.store.session() as s:
            s.add(row)
            s.flush()
            return _nap_file(row)

    def nap_files(self, cycle: str, member: str) -> list[NapFile]:
        with self.store.session() as s:
            rows = s.scalars(
                select(NapFileRow)
                .where(NapFileRow.cycle_id == cycle)
                .where(NapFileRow.member_code == member)
                .order_by(NapFileRow.uploaded_at)
            ).all()
            return [_nap_file(r) for r in rows]

    def nap_file(self, file_id: str) -> tuple[NapFile, bytes]:
        with self.store.session() as s:
            row = s.get(NapFileRow, file_id)
            if row is None:
                raise NotFoundError(f"There is no NAP file {file_id!r}.")
            return _nap_file(row), bytes(row.data)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_DUMMY = _hasher.hash("napreview: a password nobody has")


def _hasher_dummy_verify(password: str) -> None:
    """Spend the time of a real check, so timing does not tell which addresses exist."""
    _verify(_DUMMY, password)


def _draft_query(email: str, cycle: str, member: str, kind: str) -> Select[tuple[DraftRow]]:
    """A person's one draft of one document (of ``kind``) for one review."""
    return (
        select(DraftRow)
        .where(DraftRow.email == email)
        .where(DraftRow.cycle_id == cycle)
        .where(DraftRow.member_code == member)
        .where(DraftRow.kind == kind)
    )
