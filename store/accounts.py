"""The portal's account records: password hashes, failures and locks, sessions, sign-in
attempts and single-use links. What is hashed how, which password is allowed and when an
account locks are decided in people/accounts.py; this module only keeps and finds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from napreview.store.db import Repository
from napreview.store.errors import ConflictError, NotFoundError
from napreview.store.tables import (
    AccountLinkRow,
    AccountRow,
    PortalSessionRow,
    ResetRequestRow,
    SignInAttemptRow,
    UserRow,
)


@dataclass(frozen=True)
class Account:
    """What a registered person signs in with; ``password_hash`` None: none set yet."""

    email: str
    password_hash: str | None
    example_password: bool
    active: bool
    language: str | None
    failures: int
    locked_until: datetime | None


@dataclass(frozen=True)
class Person:
    """A registered person with their account, as the people page lists them."""

    email: str
    role: str
    member: str | None
    example: bool
    active: bool
    has_password: bool
    locked_until: datetime | None
    language: str | None


@dataclass(frozen=True)
class PortalSession:
    email: str
    csrf_token: str
    expires_at: datetime
    last_seen_at: datetime
    revoked: bool


@dataclass(frozen=True)
class Link:
    email: str
    purpose: str
    expires_at: datetime
    used: bool


@dataclass(frozen=True)
class Attempt:
    at: datetime
    succeeded: bool
    reason: str


def _account(row: AccountRow) -> Account:
    return Account(
        email=row.email,
        password_hash=row.password_hash,
        example_password=row.example_password,
        active=row.active,
        language=row.language,
        failures=row.failures,
        locked_until=row.locked_until,
    )


def _changed(result: object) -> int:
    return int(result.rowcount or 0) if isinstance(result, CursorResult) else 0


def _set_password(row: AccountRow, password_hash: str, now: datetime, *, example: bool) -> None:
    """A new password: failures and locks are cleared."""
    row.password_hash = password_hash
    row.example_password = example
    row.failures = 0
    row.locked_until = None
    row.password_set_at = now
    row.updated_at = now


def _close_sessions(s: Session, email: str, now: datetime) -> int:
    return _changed(
        s.execute(
            update(PortalSessionRow)
            .where(PortalSessionRow.email == email)
            .where(PortalSessionRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    )


class HeldAccount:
    """An address during one sign-in attempt, inside the transaction that holds it
    (``AccountRepository.held``): what the attempt reads and changes. ``account`` is None when
    the address has no account (not registered, or never given a password)."""

    def __init__(self, s: Session, email: str, row: AccountRow | None) -> None:
        self._s = s
        self.email = email
        self._row = row
        self.account = _account(row) if row is not None else None
        self.registered = row is not None or s.get(UserRow, email) is not None

    def count_failure(self, now: datetime) -> int:
        """One more wrong password in a row (a lock that has run out starts the count again);
        returns the count. An attempt is counted before its password is checked."""
        row = self._existing()
        if row.locked_until is not None and row.locked_until <= now:
            row.failures = 0
        row.failures += 1
        row.locked_until = None
        return row.failures

    def lock(self, until: datetime) -> None:
        self._existing().locked_until = until

    def clear_failures(self, counted: int) -> None:
        """A right password: the ``counted`` failures up to it and its own count are cleared,
        and with them any lock; attempts counted after it (still being checked) stay."""
        row = self._existing()
        row.failures = max(0, row.failures - counted)
        row.locked_until = None

    def failed_since(self, since: datetime) -> list[datetime]:
        """When this address was refused since ``since`` and since its last success, oldest
        first: the count of an address that has no account to keep one."""
        last_success = self._s.scalar(
            select(func.max(SignInAttemptRow.at)).where(
                SignInAttemptRow.email == self.email, SignInAttemptRow.succeeded.is_(True)
            )
        )
        start = max(since, last_success) if last_success is not None else since
        return list(
            self._s.scalars(
                select(SignInAttemptRow.at)
                .where(SignInAttemptRow.email == self.email)
                .where(SignInAttemptRow.succeeded.is_(False))
                .where(SignInAttemptRow.at > start)
                .order_by(SignInAttemptRow.at)
            ).all()
        )

    def record(self, succeeded: bool, reason: str, address: str | None, now: datetime) -> None:
        self._s.add(
            SignInAttemptRow(
                at=now, email=self.email, succeeded=succeeded, reason=reason, address=address
            )
        )

    def _existing(self) -> AccountRow:
        if self._row is None:
            raise NotFoundError(f"{self.email} has no account.")
        return self._row


class AccountRepository(Repository):
    # --- accounts ---

    def account(self, email: str) -> Account | None:
        """The account of a registered person (None: not registered, or no account yet)."""
        with self._session() as s:
            row = s.get(AccountRow, email)
            return _account(row) if row is not None else None

    @staticmethod
    def _open(s: Session, email: str) -> AccountRow:
        """The person's account, opened (active, no password) on first use."""
        row = s.get(AccountRow, email)
        if row is None:
            if s.get(UserRow, email) is None:
                raise NotFoundError(f"{email} is not a registered user.")
            row = AccountRow(email=email, active=True, failures=0, example_password=False)
            s.add(row)
        return row

    def set_password_hash(
        self, emails: list[str], password_hash: str, now: datetime, *, example: bool = False
    ) -> None:
        """A new password for these people (one hash may serve many: the public example one);
        failures and locks are cleared."""
        with self._session() as s:
            for email in emails:
                _set_password(self._open(s, email), password_hash, now, example=example)

    def replace_password(self, email: str, password_hash: str, now: datetime) -> int:
        """A new password for one person, and every session of theirs closed, at once;
        returns how many sessions were closed."""
        with self._session() as s:
            _set_password(self._open(s, email), password_hash, now, example=False)
            return _close_sessions(s, email, now)

    def without_password(self, emails: list[str]) -> list[str]:
        """Those of these people who have no password yet."""
        with self._session() as s:
            having = set(
                s.scalars(
                    select(AccountRow.email)
                    .where(AccountRow.email.in_(emails))
                    .where(AccountRow.password_hash.is_not(None))
                )
            )
            return [e for e in emails if e not in having]

    def example_passwords_left(self) -> list[str]:
        """Active accounts that still have the documented example password."""
        with self._session() as s:
            return list(
                s.scalars(
                    select(AccountRow.email)
                    .where(AccountRow.example_password.is_(True))
                    .where(AccountRow.active.is_(True))
                    .where(AccountRow.password_hash.is_not(None))
                    .order_by(AccountRow.email)
                ).all()
            )

    def clear_example_passwords(self, now: datetime) -> int:
        with self._session() as s:
            return _changed(
                s.execute(
                    update(AccountRow)
                    .where(AccountRow.example_password.is_(True))
                    .values(password_hash=None, example_password=False, updated_at=now)
                )
            )

    def set_active(self, email: str, active: bool, now: datetime) -> None:
        with self._session() as s:
            row = self._open(s, email)
            row.active = active
            row.updated_at = now

    def set_language(self, email: str, language: str) -> None:
        with self._session() as s:
            self._open(s, email).language = language

    def people(self) -> list[Person]:
        """Every registered person with their account, by role then address."""
        with self._session() as s:
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

    # --- failures, locks and attempts ---

    @contextmanager
    def held(self, email: str) -> Iterator[HeldAccount]:
        """The person's account held for one step of a sign-in attempt (counting it, then
        settling it once its password is checked): what the step reads and changes (failures,
        lock, the attempt's record) is one short transaction, and parallel attempts at the
        same address take their turn, so none reads a count another is about to change. The
        password is never checked while the account is held (people/accounts.py)."""
        with self._held() as s:
            row = s.get(AccountRow, email, with_for_update=True)
            yield HeldAccount(s, email, row)

    def attempts(self, email: str) -> list[Attempt]:
        with self._session() as s:
            rows = s.scalars(
                select(SignInAttemptRow)
                .where(SignInAttemptRow.email == email)
                .order_by(SignInAttemptRow.id)
            ).all()
            return [Attempt(r.at, r.succeeded, r.reason) for r in rows]

    # --- sessions ---

    def open_session(
        self, token_sha256: str, email: str, csrf_token: str, expires_at: datetime
    ) -> None:
        with self._session() as s:
            s.add(
                PortalSessionRow(
                    token_sha256=token_sha256,
                    email=email,
                    csrf_token=csrf_token,
                    expires_at=expires_at,
                )
            )

    def session(self, token_sha256: str) -> tuple[PortalSession, bool] | None:
        """The session behind a cookie's digest, and whether its person's account is active."""
        with self._session() as s:
            row = s.get(PortalSessionRow, token_sha256)
            if row is None:
                return None
            account = s.get(AccountRow, row.email)
            found = PortalSession(
                email=row.email,
                csrf_token=row.csrf_token,
                expires_at=row.expires_at,
                last_seen_at=row.last_seen_at,
                revoked=row.revoked_at is not None,
            )
            return found, account is None or account.active

    def session_of_form(self, csrf_token: str) -> tuple[PortalSession, bool] | None:
        """The session whose pages carry this CSRF token, ended or not (a form sent after its
        session ended names it), and whether its person's account is active."""
        with self._session() as s:
            row = s.scalars(
                select(PortalSessionRow).where(PortalSessionRow.csrf_token == csrf_token)
            ).first()
            if row is None:
                return None
            token_sha256 = row.token_sha256
        return self.session(token_sha256)

    def extend_session(self, token_sha256: str, seen_at: datetime, expires_at: datetime) -> None:
        with self._session() as s:
            row = s.get_one(PortalSessionRow, token_sha256)
            row.last_seen_at = seen_at
            row.expires_at = max(row.expires_at, expires_at)

    def close_session(self, token_sha256: str, now: datetime) -> None:
        with self._session() as s:
            row = s.get(PortalSessionRow, token_sha256)
            if row is not None and row.revoked_at is None:
                row.revoked_at = now

    def close_sessions(self, email: str, now: datetime) -> int:
        """Every open session of the person ends now; returns how many."""
        with self._session() as s:
            return _close_sessions(s, email, now)

    # --- single-use links ---

    def add_link(
        self,
        token_sha256: str,
        email: str,
        purpose: str,
        created_by: str | None,
        expires_at: datetime,
    ) -> None:
        with self._session() as s:
            if s.get(UserRow, email) is None:
                raise NotFoundError(
                    f"{email} is not a registered user. Add them first with 'napreview users add'."
                )
            s.add(
                AccountLinkRow(
                    token_sha256=token_sha256,
                    email=email,
                    purpose=purpose,
                    created_by=created_by,
                    expires_at=expires_at,
                )
            )

    def count_reset_request(
        self, email: str, address: str | None, now: datetime, since: datetime
    ) -> tuple[int, int]:
        """Record a "forgot password" request; returns how many were made since ``since``
        for this email address and from this client, this one included. Parallel requests
        take their turn, so none is left out of another's count."""
        with self._held(ResetRequestRow.__tablename__) as s:
            s.add(ResetRequestRow(at=now, email=email[:254], address=address))
            s.flush()
            recent = select(func.count()).select_from(ResetRequestRow)
            recent = recent.where(ResetRequestRow.at > since)
            by_email = s.scalar(recent.where(ResetRequestRow.email == email[:254])) or 0
            by_client = (
                s.scalar(recent.where(ResetRequestRow.address == address)) or 0 if address else 0
            )
            return by_email, by_client

    def link(self, token_sha256: str) -> Link | None:
        with self._session() as s:
            row = s.get(AccountLinkRow, token_sha256)
            if row is None:
                return None
            return Link(row.email, row.purpose, row.expires_at, row.used_at is not None)

    def use_link(self, token_sha256: str, password_hash: str, now: datetime) -> str:
        """Set a password through a single-use link, once: the link is held while it is checked
        and used, so of many parallel requests exactly one succeeds (ConflictError "used" or
        "expired" or "unknown" for the others). Every open link of the person is used up and
        every session closed in the same transaction; returns the person's email."""
        with self._held() as s:
            link = s.get(AccountLinkRow, token_sha256, with_for_update=True)
            if link is None:
                raise ConflictError("unknown")
            if link.used_at is not None:
                raise ConflictError("used")
            if link.expires_at <= now:
                raise ConflictError("expired")
            _set_password(self._open(s, link.email), password_hash, now, example=False)
            s.execute(
                update(AccountLinkRow)
                .where(AccountLinkRow.email == link.email)
                .where(AccountLinkRow.used_at.is_(None))
                .values(used_at=now)
            )
            _close_sessions(s, link.email, now)
            return link.email
