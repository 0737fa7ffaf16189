"""What an attacker learns from the sign-in and "forgot password" doors (issue #20, item 8), on
SQLite and PostgreSQL: an unknown address is refused at the same cost and with the same count
as a known one with a wrong password, and "forgot password" sends a bounded number of links per
address and per client, counted in the store, even when asked 40 times at once."""

from __future__ import annotations

from collections import Counter

from napreview.people.accounts import (
    MAX_FAILURES,
    RESETS_PER_ADDRESS,
    RESETS_PER_CLIENT,
    Accounts,
)
from napreview.schemas.members import Role

from .test_races import at_once, checked  # noqa: F401 (a fixture)


def test_an_unknown_address_costs_and_counts_like_a_wrong_password(any_store, checked):  # noqa: F811
    accounts = Accounts(any_store)
    any_store.people.register("known@example.org", Role.AUDITOR)
    accounts.set_password("known@example.org", "the right password")
    any_store.people.register("no.password@example.org", Role.AUDITOR)
    answers: dict[str, list] = {}
    for email in ("known@example.org", "nobody@example.org", "no.password@example.org"):
        before = sum(checked.values())
        answers[email] = [accounts.sign_in(email, f"guess {n}") for n in range(MAX_FAILURES + 1)]
        # one hash checked per answer until the lock, none after it, whoever the address is
        assert sum(checked.values()) - before == MAX_FAILURES
    shapes = {
        email: [(a.ok, a.failures, a.locked_until is not None) for a in outcome]
        for email, outcome in answers.items()
    }
    assert shapes["nobody@example.org"] == shapes["known@example.org"]
    assert shapes["no.password@example.org"] == shapes["known@example.org"]
    assert [a.failures for a in answers["known@example.org"][:MAX_FAILURES]] == [1, 2, 3, 4, 5]


def test_forgot_password_is_limited_per_address_and_per_client(any_store):
    accounts = Accounts(any_store)
    same = [accounts.may_send_reset("fp.deu@example.org", f"10.0.0.{n}") for n in range(5)]
    assert same == [True] * RESETS_PER_ADDRESS + [False] * (5 - RESETS_PER_ADDRESS)
    one_client = [
        accounts.may_send_reset(f"someone.{n}@example.org", "192.0.2.7")
        for n in range(RESETS_PER_CLIENT + 2)
    ]
    assert one_client == [True] * RESETS_PER_CLIENT + [False, False]
    assert accounts.may_send_reset("someone.else@example.org", "192.0.2.8")


def test_forty_requests_at_once_send_no_more_links_than_the_limit(any_store):
    accounts = Accounts(any_store)
    answers = at_once(
        [
            lambda n=n: accounts.may_send_reset("fp.mex@example.org", f"10.1.0.{n}")
            for n in range(40)
        ]
    )
    assert Counter(answers) == {True: RESETS_PER_ADDRESS, False: 40 - RESETS_PER_ADDRESS}
