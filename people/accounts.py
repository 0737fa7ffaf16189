"""Accounts of the portal: passwords (argon2id) and their rules, signing in with lockout,
sessions, single-use links, and the documented example password of a trial installation. Who a
person *is* (role, member) stays with the people and focal points; this module only proves that
the person at the keyboard is them. The records are the store's (store/accounts.py)."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from napreview.store.accounts import Attempt, HeldAccount, Link, Person
from napreview.store.errors import ConflictError
from napreview.store.records import Store

if TYPE_CHECKING:
    from argon2 import PasswordHasher

# The documented password of the example people on a development installation (DESIGN §10.4).
# `napreview portal` refuses to start while any active example account still has it.
EXAMPLE_PASSWORD = "napreview-example"
MIN_PASSWORD_LENGTH = 10
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)
INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=2)
# "Forgot password" sends at most this many links an hour to one address, and answers at most
# this many requests an hour from one client; beyond, the answer is the same and nothing is sent.
RESETS_PER_ADDRESS = 3
RESETS_PER_CLIENT = 10
RESET_WINDOW = timedelta(hours=1)


@functools.cache
def _hasher() -> PasswordHasher:
    """argon2id with the library's recommended parameters, loaded by the first call that hashes
    or checks a password: a command that only names a person (``--as``) needs none of it."""
    from argon2 import PasswordHasher

    return PasswordHasher()


__all__ = [
    "EXAMPLE_PASSWORD",
    "MAX_FAILURES",
    "MIN_PASSWORD_LENGTH",
    "Accounts",
    "Attempt",
    "Link",
    "PasswordTooWeak",
    "Person",
    "PortalSession",
    "SignIn",
]


def _now() -> datetime:
    return datetime.now(UTC)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _email(email: str) -> str:
    return email.strip().lower()


class PasswordTooWeak(ValueError):
    """The new password is refused; the message says why."""


def check_password_rules(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooWeak(f"at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip().lower() == _email(email):
        raise PasswordTooWeak("not the email address")
    if password == EXAMPLE_PASSWORD:
        raise PasswordTooWeak("not the example password")


@dataclass(frozen=True)
class SignIn:
    """The outcome of one attempt. ``reason`` is recorded: ok, unknown, no_password,
    wrong_password, wrong_password_locked, locked, inactive."""

    ok: bool
    reason: str
    locked_until: datetime | None = None
    # Wrong answers to this address in a row, this one included: each makes the next answer
    # slower (the portal's failure delay).
    failures: int = 0


@dataclass(frozen=True)
class PortalSession:
    email: str
    csrf_token: str
    expires_at: datetime


class Accounts:
    """The portal's accounts, on the same store as the reviews."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.records = store.accounts

    # --- passwords ---

    def set_password(self, email: str, password: str) -> int:
        """A password an operator set: it unlocks the account, and every session of the
        person ends with the old password (whoever knew it is signed out). Returns how many
        sessions were closed."""
        email = _email(email)
        check_password_rules(password, email)
        return self.records.replace_password(email, _hasher().hash(password), _now())

    def give_example_passwords(self) -> int:
        """The documented development password for example people who have none yet (one hash
        for all: it is public anyway)."""
        pending = self.records.without_password(self.store.people.example_emails())
        if pending:
            self.records.set_password_hash(
                pending, _hasher().hash(EXAMPLE_PASSWORD), _now(), example=True
            )
        return len(pending)

    def example_passwords_left(self) -> list[str]:
        return self.records.example_passwords_left()

    def clear_example_passwords(self) -> int:
        """Remove the development password from every example account (they can no longer
        sign in until invited)."""
        return self.records.clear_example_passwords(_now())

    # --- signing in ---

    def sign_in(self, email: str, password: str, address: str | None = None) -> SignIn:
        """Check a password, count failures, lock after MAX_FAILURES; every attempt is recorded.

        The slow check (argon2, about half a second) runs with no transaction open, between two
        short ones that hold the account: the first counts the attempt as a wrong password
        before it is checked, and refuses it unchecked while MAX_FAILURES counted ones are
        unsettled; the second settles it once checked, rereading the account. So at most
        MAX_FAILURES passwords are ever checked before the lock, a right password clears
        neither a lock nor the guesses counted after it, and no other writer waits for a check
        (on SQLite a transaction that holds the account holds the whole database).
        An address without an account costs the same hashing and keeps the same count (from
        its recorded attempts), so neither the time nor the words tell which addresses exist.
        """
        email = _email(email)[:254]
        with self.records.held(email) as held:
            now = _now()
            counted = _count(held, now)
            if isinstance(counted, _Decided):
                held.record(False, counted.outcome.reason, address, now)
        if isinstance(counted, _Decided):
            if counted.costs_a_check:
                _dummy_verify(password)
            return counted.outcome
        right = _verify(counted.password_hash, password)
        with self.records.held(email) as held:
            now = _now()
            outcome = _settle(held, counted, right, now)
            held.record(outcome.ok, outcome.reason, address, now)
        return outcome

    def attempts(self, email: str) -> list[Attempt]:
        return self.records.attempts(_email(email))

    # --- sessions ---

    def open_session(self, email: str, lifetime: timedelta = SESSION_LIFETIME) -> str:
        """A new session; returns the cookie value (32 random bytes), of which only a digest
        is stored."""
        token = secrets.token_urlsafe(32)
        self.records.open_session(
            digest(token), _email(email), secrets.token_urlsafe(32), _now() + lifetime
        )
        return token

    def session(self, token: str, lifetime: timedelta = SESSION_LIFETIME) -> PortalSession | None:
        """The live session behind a cookie, its expiry slid forward; None when expired,
        signed out or the account deactivated."""
        now = _now()
        found = self.records.session(digest(token))
        if found is None:
            return None
        session, active = found
        if session.revoked or session.expires_at <= now or not active:
            return None
        expires_at = session.expires_at
        if now - session.last_seen_at > timedelta(minutes=1):
            expires_at = max(expires_at, now + lifetime)
            self.records.extend_session(digest(token), now, expires_at)
        return PortalSession(session.email, session.csrf_token, expires_at)

    def author_of_form(self, csrf_token: str, within: timedelta) -> str | None:
        """Whose form this is, by the CSRF token its page carried, when its session ended (or
        still runs) at most ``within`` ago and the account is active: the address under which
        what was typed is kept as a draft, never a way to act."""
        if len(csrf_token) < 32:
            return None
        found = self.records.session_of_form(csrf_token)
        if found is None:
            return None
        session, active = found
        if not active or session.expires_at <= _now() - within:
            return None
        return session.email

    def close_session(self, token: str) -> None:
        self.records.close_session(digest(token), _now())

    def close_all_sessions(self, email: str) -> int:
        return self.records.close_sessions(_email(email), _now())

    # --- single-use links (invitations and password resets) ---

    def create_link(
        self, email: str, purpose: str, created_by: str | None, lifetime: timedelta
    ) -> str:
        token = secrets.token_urlsafe(32)
        self.records.add_link(digest(token), _email(email), purpose, created_by, _now() + lifetime)
        return token

    def link(self, token: str) -> tuple[Link | None, str]:
        """The link behind a token and why it cannot be used: ok, unknown, used, expired."""
        found = self.records.link(digest(token))
        if found is None:
            return None, "unknown"
        if found.used:
            return found, "used"
        if found.expires_at <= _now():
            return found, "expired"
        return found, "ok"

    def may_send_reset(self, email: str, address: str | None) -> bool:
        """Count a "forgot password" request (known address or not) and say whether a link
        may be sent for it: not beyond RESETS_PER_ADDRESS an hour for the address, nor
        RESETS_PER_CLIENT from the client. Kept in the store, so every portal process
        counts the same requests."""
        now = _now()
        by_email, by_client = self.records.count_reset_request(
            _email(email), address, now, now - RESET_WINDOW
        )
        return by_email <= RESETS_PER_ADDRESS and by_client <= RESETS_PER_CLIENT

    def use_link(self, token: str, password: str) -> str:
        """Set the password through a link, once; returns the email. Other open links of the
        person stop working, and every session is closed (a reset means someone may know the
        old password). The slow hashing is done before the link is held; the link is then
        checked and used up in one transaction, so a link opened by many at once works once."""
        found, state = self.link(token)
        if found is None or state != "ok":
            raise ConflictError(state)
        check_password_rules(password, found.email)
        return self.records.use_link(digest(token), _hasher().hash(password), _now())

    # --- people ---

    def set_active(self, email: str, active: bool) -> None:
        """Deactivating stops the person at once: their sessions are closed and their tokens
        revoked (a reactivated person signs in again and is given new ones)."""
        email = _email(email)
        now = _now()
        self.records.set_active(email, active, now)
        if not active:
            self.records.close_sessions(email, now)
            self.store.tokens.revoke_all(email, now)

    def is_active(self, email: str) -> bool:
        account = self.records.account(_email(email))
        return account is None or account.active

    def language(self, email: str) -> str | None:
        account = self.records.account(_email(email))
        return account.language if account else None

    def set_language(self, email: str, language: str) -> None:
        self.records.set_language(_email(email), language)

    def people(self) -> list[Person]:
        return self.records.people()


@dataclass(frozen=True)
class _Decided:
    """An attempt answered without checking its password; ``costs_a_check``: it takes the
    time of one all the same, so that time does not tell the answer."""

    outcome: SignIn
    costs_a_check: bool


@dataclass(frozen=True)
class _Counted:
    """An attempt counted as a wrong password until its check proves otherwise: the hash it is
    checked against, and the count in a row it made."""

    password_hash: str
    failures: int


def _count(held: HeldAccount, now: datetime) -> _Decided | _Counted:
    """The first step of a sign-in, with the account held: refuse what needs no check, or
    count the attempt before its check."""
    account = held.account
    if account is None or account.password_hash is None:
        return _without_account(held, now)
    if account.locked_until is not None and account.locked_until > now:
        return _Decided(SignIn(False, "locked", account.locked_until, account.failures), False)
    if not account.active:
        failures = len(held.failed_since(now - LOCK_FOR)) + 1
        return _Decided(SignIn(False, "inactive", failures=failures), True)
    failures = held.count_failure(now)
    if failures > MAX_FAILURES:
        # MAX_FAILURES counted attempts are still being checked (or were cut off mid-check):
        # guesses come faster than they are checked, so the account locks and this one is
        # refused unchecked. The lock runs out like any other, and the count with it.
        held.lock(now + LOCK_FOR)
        return _Decided(SignIn(False, "locked", now + LOCK_FOR, failures), False)
    return _Counted(account.password_hash, failures)


def _settle(held: HeldAccount, counted: _Counted, right: bool, now: datetime) -> SignIn:
    """The second step, with the account held again and read afresh: what the check means now.
    A right password clears the count up to it, never a lock set while it was checked (by
    guesses counted with or after it) nor the guesses counted after it; a wrong one that was
    the MAX_FAILURES-th in a row locks the account, unless a right one cleared the count."""
    account = held.account
    if account is None or account.password_hash != counted.password_hash:
        # A new password was set meanwhile (and the count cleared): the old one is wrong now.
        return SignIn(False, "wrong_password", failures=counted.failures)
    if not account.active:
        return SignIn(False, "inactive", failures=counted.failures)
    locked_until = account.locked_until
    if locked_until is not None and locked_until <= now:
        locked_until = None
    if right:
        if locked_until is not None:
            return SignIn(False, "locked", locked_until, account.failures)
        held.clear_failures(counted.failures)
        return SignIn(True, "ok")
    if counted.failures < MAX_FAILURES or account.failures < MAX_FAILURES:
        return SignIn(False, "wrong_password", locked_until, counted.failures)
    if locked_until is None:
        locked_until = now + LOCK_FOR
        held.lock(locked_until)
    return SignIn(False, "wrong_password_locked", locked_until, counted.failures)


def _without_account(held: HeldAccount, now: datetime) -> _Decided:
    """The answer an address without a password gets is the one a wrong password would:
    the same hashing, the same count in a row, a "lock" after as many failures. Its count is
    its recorded attempts, so this attempt is recorded before its hashing."""
    reason = "no_password" if held.registered else "unknown"
    failed = held.failed_since(now - LOCK_FOR)
    if len(failed) >= MAX_FAILURES:
        return _Decided(
            SignIn(False, reason, failed[MAX_FAILURES - 1] + LOCK_FOR, MAX_FAILURES), False
        )
    locked_until = now + LOCK_FOR if len(failed) + 1 >= MAX_FAILURES else None
    return _Decided(SignIn(False, reason, locked_until, len(failed) + 1), True)


def _verify(hashed: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return _hasher().verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    """Made on first use, not on import: an argon2 hash is a fifth of a second, which every
    command naming a person paid at start-up (issue #23)."""
    return _hasher().hash("napreview: a password nobody has")


def _dummy_verify(password: str) -> None:
    """Spend the time of a real check, so timing does not tell which addresses exist."""
    _verify(_dummy_hash(), password)
