"""Races closed (issue #20, items 6 and 7): parallel guesses at one password and parallel uses of
one single-use link, on SQLite and PostgreSQL, with 50 requests at once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TypeVar

import pytest
from argon2 import PasswordHasher

from napreview.people import accounts as accounts_module
from napreview.people.accounts import MAX_FAILURES, Accounts
from napreview.schemas.members import Role
from napreview.store.errors import ConflictError

PARALLEL = 50
EMAIL = "guarded@example.org"
RIGHT = "the right password"

T = TypeVar("T")


def at_once(calls: list[Callable[[], T]]) -> list[T | Exception]:
    """Every call on a thread of its own, released together."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T | Exception:
        start.wait()
        try:
            return call()
        except Exception as err:  # the test counts refusals like answers
            return err

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many real password checks (hash verifications) were made, by outcome."""
    counts: Counter[str] = Counter()
    lock = threading.Lock()
    verify = accounts_module._verify

    def counting(hashed: str, password: str) -> bool:
        right = verify(hashed, password)
        with lock:
            counts["right" if right else "wrong"] += 1
        return right

    monkeypatch.setattr(accounts_module, "_verify", counting)
    return counts


def _guarded(store) -> Accounts:  # type: ignore[no-untyped-def]
    accounts = Accounts(store)
    store.people.register(EMAIL, Role.AUDITOR)
    accounts.set_password(EMAIL, RIGHT)
    return accounts


def test_parallel_wrong_passwords_check_at_most_five_before_the_lock(any_store, checked):
    accounts = _guarded(any_store)
    outcomes = at_once(
        [lambda n=n: accounts.sign_in(EMAIL, f"guess number {n}") for n in range(PARALLEL)]
    )
    reasons = Counter(o.reason for o in outcomes)  # type: ignore[union-attr]
    assert checked["wrong"] <= MAX_FAILURES
    assert reasons["wrong_password"] == MAX_FAILURES - 1
    assert reasons["wrong_password_locked"] == 1
    assert reasons["locked"] == PARALLEL - MAX_FAILURES
    # the answers grow slower: each counts the wrong passwords in a row, this one included
    counted = sorted(o.failures for o in outcomes if o.reason.startswith("wrong"))  # type: ignore[union-attr]
    assert counted == list(range(1, MAX_FAILURES + 1))
    right = accounts.sign_in(EMAIL, RIGHT)
    assert not right.ok and right.reason == "locked"
    assert len(accounts.attempts(EMAIL)) == PARALLEL + 1


def test_a_right_password_in_flight_does_not_clear_a_lock_set_meanwhile(any_store, checked):
    """The right password among 45 wrong ones: whatever the order, 5 wrong ones come after it
    or it comes after the lock, so the account ends locked (a stale check once cleared it)."""
    accounts = _guarded(any_store)
    calls = [lambda n=n: accounts.sign_in(EMAIL, f"guess number {n}") for n in range(45)]
    calls.insert(20, lambda: accounts.sign_in(EMAIL, RIGHT))
    outcomes = at_once(calls)
    assert all(not isinstance(o, Exception) for o in outcomes)
    assert checked["wrong"] <= 2 * MAX_FAILURES - 1 and checked["right"] <= 1
    assert not accounts.sign_in(EMAIL, RIGHT).ok
    assert accounts.sign_in(EMAIL, RIGHT).reason == "locked"


def test_a_link_used_by_fifty_parallel_requests_works_exactly_once(any_store):
    accounts = _guarded(any_store)
    session = accounts.open_session(EMAIL)
    link = accounts.create_link(EMAIL, "reset", None, timedelta(hours=1))
    outcomes = at_once(
        [lambda n=n: accounts.use_link(link, f"chosen password {n}") for n in range(PARALLEL)]
    )
    winners = [n for n, o in enumerate(outcomes) if o == EMAIL]
    refused = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(winners) == 1 and len(refused) == PARALLEL - 1
    assert {str(err) for err in refused} == {"used"}
    assert accounts.sign_in(EMAIL, f"chosen password {winners[0]}").ok
    assert not accounts.sign_in(EMAIL, RIGHT).ok
    assert accounts.session(session) is None  # the reset closed every session
    assert accounts.link(link)[1] == "used"


def test_an_expired_link_is_refused_and_changes_nothing(any_store):
    accounts = _guarded(any_store)
    link = accounts.create_link(EMAIL, "reset", None, timedelta(seconds=-1))
    with pytest.raises(ConflictError, match="expired"):
        accounts.use_link(link, "chosen password 1")
    assert accounts.sign_in(EMAIL, RIGHT).ok


def test_a_sign_in_checking_its_password_keeps_no_other_writer_waiting(any_store, monkeypatch):
    """The password is checked outside any write transaction (issue #23): on SQLite the check
    once held the whole database's write lock (and on PostgreSQL the account's row) for its
    whole length, so other writers waited and some gave up ("database is locked"). The hash is
    made slow by its parameters (four times the default work), so the check lasts about a
    second while a write takes milliseconds."""
    slow = PasswordHasher(time_cost=12)
    monkeypatch.setattr(accounts_module, "_hasher", lambda: slow)
    accounts = _guarded(any_store)
    checking, checked = threading.Event(), threading.Event()
    verify = accounts_module._verify

    def observed(hashed: str, password: str) -> bool:
        checking.set()
        try:
            return verify(hashed, password)
        finally:
            checked.set()

    monkeypatch.setattr(accounts_module, "_verify", observed)
    with ThreadPoolExecutor(max_workers=1) as pool:
        signing_in = pool.submit(accounts.sign_in, EMAIL, RIGHT)
        assert checking.wait(timeout=30)
        started = time.perf_counter()
        accounts.set_language(EMAIL, "fr")  # the same person's account, on both databases
        any_store.people.register("another@example.org", Role.AUDITOR)
        waited = time.perf_counter() - started
        assert not checked.is_set(), f"the writes waited {waited:.2f} s for the check"
        assert signing_in.result().ok
    assert accounts.language(EMAIL) == "fr"


def _meanwhile(
    monkeypatch: pytest.MonkeyPatch, password: str, action: Callable[[], object]
) -> None:
    """Run ``action`` (on another thread, as another request would) while ``password`` is
    being checked."""
    verify = accounts_module._verify

    def checking(hashed: str, typed: str) -> bool:
        if typed == password:
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(action).result(timeout=60)
        return verify(hashed, typed)

    monkeypatch.setattr(accounts_module, "_verify", checking)


def test_a_lock_set_while_the_right_password_is_checked_stays(any_store, monkeypatch):
    """The order the parallel test leaves to chance, made certain: guesses lock the account
    while the right password is being checked; the right password is then refused and does
    not clear the lock (it was decided on a reading from before the lock)."""
    accounts = _guarded(any_store)
    guesses: list[str] = []

    def guess() -> None:
        for n in range(MAX_FAILURES):
            guesses.append(accounts.sign_in(EMAIL, f"guess number {n}").reason)

    _meanwhile(monkeypatch, RIGHT, guess)
    outcome = accounts.sign_in(EMAIL, RIGHT)
    # the right password, counted first and not yet proven, counts as a wrong one: the fourth
    # guess is the fifth in a row and locks, and the fifth guess is refused unchecked
    assert guesses == ["wrong_password"] * (MAX_FAILURES - 2) + ["wrong_password_locked", "locked"]
    assert not outcome.ok and outcome.reason == "locked"
    assert accounts.sign_in(EMAIL, RIGHT).reason == "locked"


def test_a_password_replaced_while_the_old_one_is_checked_no_longer_signs_in(
    any_store, monkeypatch
):
    accounts = _guarded(any_store)
    _meanwhile(monkeypatch, RIGHT, lambda: accounts.set_password(EMAIL, "the new password"))
    outcome = accounts.sign_in(EMAIL, RIGHT)
    assert not outcome.ok and outcome.reason == "wrong_password"
    assert accounts.sign_in(EMAIL, "the new password").ok
