"""The portal's records on SQLite and PostgreSQL: passwords, lockout, sessions, single-use
links, drafts, NAP files and the example password."""

from __future__ import annotations

from datetime import timedelta

import pytest

from napreview.schemas.members import Role
from napreview.store.accounts import (
    EXAMPLE_PASSWORD,
    MAX_FAILURES,
    Accounts,
    PasswordTooWeak,
)
from napreview.store.errors import ConflictError


def test_passwords_lockout_and_attempts(any_store):
    accounts = Accounts(any_store)
    any_store.add_user("a@example.org", Role.AUDITOR)
    assert accounts.sign_in("a@example.org", "whatever").reason == "no_password"
    with pytest.raises(PasswordTooWeak):
        accounts.set_password("a@example.org", "short")
    with pytest.raises(PasswordTooWeak):
        accounts.set_password("a@example.org", EXAMPLE_PASSWORD)
    accounts.set_password("a@example.org", "correct horse")
    assert accounts.sign_in("A@Example.org ", "correct horse").ok
    for _ in range(MAX_FAILURES - 1):
        assert accounts.sign_in("a@example.org", "wrong").reason == "wrong_password"
    locked = accounts.sign_in("a@example.org", "wrong")
    assert locked.reason == "wrong_password_locked" and locked.locked_until is not None
    assert accounts.sign_in("a@example.org", "correct horse").reason == "locked"
    assert accounts.sign_in("nobody@example.org", "x").reason == "unknown"
    reasons = [reason for _, _, reason in accounts.attempts("a@example.org")]
    assert reasons[0] == "no_password" and reasons[-1] == "locked"
    accounts.set_password("a@example.org", "another horse")  # an operator unlocks
    assert accounts.sign_in("a@example.org", "another horse").ok


def test_sessions_links_drafts_and_files(any_store):
    accounts = Accounts(any_store)
    token = accounts.open_session("fp.deu@example.org")
    found = accounts.session(token)
    assert found is not None and found.email == "fp.deu@example.org" and found.csrf_token
    assert accounts.session(token + "x") is None
    accounts.close_session(token)
    assert accounts.session(token) is None
    one, two = (
        accounts.open_session("fp.deu@example.org"),
        accounts.open_session("fp.deu@example.org"),
    )
    assert accounts.close_all_sessions("fp.deu@example.org") == 2
    assert accounts.session(one) is None and accounts.session(two) is None
    short = accounts.open_session("fp.deu@example.org", timedelta(seconds=-1))
    assert accounts.session(short) is None
    live = accounts.open_session("fp.deu@example.org")
    accounts.set_active("fp.deu@example.org", False)
    assert accounts.session(live) is None

    link = accounts.create_link(
        "fp.fra@example.org", "invite", "secretariat@example.org", timedelta(days=1)
    )
    assert accounts.link(link)[1] == "ok"
    assert accounts.use_link(link, "a new password") == "fp.fra@example.org"
    assert accounts.link(link)[1] == "used"
    with pytest.raises(ConflictError):
        accounts.use_link(link, "another password")
    old = accounts.create_link("fp.fra@example.org", "reset", None, timedelta(seconds=-1))
    assert accounts.link(old)[1] == "expired" and accounts.link("nope")[1] == "unknown"

    accounts.save_draft("fp.deu@example.org", "2019", "DEU", "self_assessment", {"nap.title": "T"})
    accounts.save_draft("fp.deu@example.org", "2019", "DEU", "self_assessment", {"nap.title": "U"})
    values, _ = accounts.draft("fp.deu@example.org", "2019", "DEU", "self_assessment")
    assert values == {"nap.title": "U"}
    accounts.drop_draft("fp.deu@example.org", "2019", "DEU", "self_assessment")
    assert accounts.draft("fp.deu@example.org", "2019", "DEU", "self_assessment") is None

    pdf = b"%PDF-1.7\n" + bytes(range(256))
    saved = accounts.save_nap_file("2019", "DEU", "plan.pdf", pdf, "fp.deu@example.org")
    info, data = accounts.nap_file(saved.id)
    assert data == pdf and info.size == len(pdf) and accounts.nap_files("2019", "DEU") == [info]


def test_example_passwords_are_given_once_and_can_be_cleared(any_store):
    accounts = Accounts(any_store)
    assert accounts.give_example_passwords() == 85
    assert accounts.give_example_passwords() == 0
    assert accounts.sign_in("fp.au@example.org", EXAMPLE_PASSWORD).ok
    assert len(accounts.example_passwords_left()) == 85
    accounts.set_password("secretariat@example.org", "a real password")
    assert "secretariat@example.org" not in accounts.example_passwords_left()
    assert accounts.clear_example_passwords() == 84
    assert accounts.example_passwords_left() == []
    assert accounts.sign_in("fp.au@example.org", EXAMPLE_PASSWORD).reason == "no_password"
