"""The portal's records on SQLite and PostgreSQL: passwords, lockout, sessions, single-use
links, drafts, NAP files and the example password."""

from __future__ import annotations

from datetime import timedelta

import pytest

from napreview.people.accounts import (
    EXAMPLE_PASSWORD,
    MAX_FAILURES,
    Accounts,
    PasswordTooWeak,
)
from napreview.schemas.attachments import AttachmentKind
from napreview.schemas.members import Role
from napreview.services import attachments, documents
from napreview.services.access import ReadRefused
from napreview.store.errors import ConflictError, NotFoundError


def test_passwords_lockout_and_attempts(any_store):
    accounts = Accounts(any_store)
    any_store.people.register("a@example.org", Role.AUDITOR)
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
    reasons = [attempt.reason for attempt in accounts.attempts("a@example.org")]
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

    mine = ("fp.deu@example.org", "2019", "DEU", "self_assessment")
    documents.save_draft(any_store, *mine, {"nap.title": "T"})
    documents.save_draft(any_store, *mine, {"nap.title": "U"})
    values, _ = documents.draft(any_store, *mine)
    assert values == {"nap.title": "U"}
    documents.drop_draft(any_store, *mine)
    assert documents.draft(any_store, *mine) is None

    pdf = b"%PDF-1.7\n" + bytes(range(256))
    deu = any_store.people.actor("fp.deu@example.org")
    saved = attachments.attach(any_store, deu, "2019", "DEU", AttachmentKind.NAP, "plan.pdf", pdf)
    found = attachments.download(any_store, deu, "2019", "DEU", saved.id)
    assert found.data == pdf and found.file.size == len(pdf)
    assert attachments.files(any_store, deu, "2019", "DEU") == [found.file]
    # the file of another review is not found through this one, and a stranger may not read it
    secretariat = any_store.people.actor("secretariat@example.org")
    with pytest.raises(NotFoundError):
        attachments.download(any_store, secretariat, "2019", "FRA", saved.id)
    mexico = any_store.people.actor("fp.mex@example.org")
    with pytest.raises(ReadRefused):
        attachments.download(any_store, mexico, "2019", "DEU", saved.id)
    assert [r.step for r in any_store.refusals.of_review("2019", "DEU")] == ["read_nap"]


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
