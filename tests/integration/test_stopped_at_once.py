"""Tokens, sessions and letters stop at once (issue #20, items 7 and 8), on SQLite and
PostgreSQL: a deactivated person's token and sessions are refused the moment they are
deactivated, an operator's new password signs every session out, and a letter is read by the
member it was addressed to, not by whoever has its address now."""

from __future__ import annotations

import pytest

from napreview.people.accounts import Accounts
from napreview.people.tokens import TokenRefused, create_token, person_for_token
from napreview.schemas.members import Location
from napreview.services import access
from napreview.services import letters as letter_ops
from napreview.store.focal_points import Designation

from ..helpers import SECRETARIAT, fp
from .test_read_model import CYCLE, letter


def test_a_deactivated_persons_token_and_sessions_stop_at_once(any_store):
    accounts = Accounts(any_store)
    person = fp("DEU")
    token = create_token(any_store, person, created_by=SECRETARIAT)
    session = accounts.open_session(person)
    assert person_for_token(any_store, token).email == person
    accounts.set_active(person, False)
    with pytest.raises(TokenRefused, match="deactivated"):
        person_for_token(any_store, token)
    assert accounts.session(session) is None
    # reactivated, the person signs in afresh: the old token and session stay stopped
    accounts.set_active(person, True)
    with pytest.raises(TokenRefused, match="revoked"):
        person_for_token(any_store, token)
    assert accounts.session(session) is None
    assert person_for_token(any_store, create_token(any_store, person)).email == person


def test_a_password_an_operator_sets_signs_every_session_out(any_store):
    accounts = Accounts(any_store)
    person = fp("MEX")
    sessions = [accounts.open_session(person) for _ in range(2)]
    other = accounts.open_session(fp("DEU"))
    assert accounts.set_password(person, "an operator's choice") == 2
    assert all(accounts.session(s) is None for s in sessions)
    assert accounts.session(other) is not None
    assert accounts.sign_in(person, "an operator's choice").ok


def test_a_letter_stays_with_the_member_it_was_addressed_to(any_store):
    any_store.letters.store(
        f"review-{CYCLE}-DEU/invitation/1/0", letter("invitation", "DEU", fp("DEU"), "DEU", 0)
    )
    [sent] = letter_ops.list_for(any_store, any_store.people.actor(SECRETARIAT))
    # Germany designates a new focal point, and the old address comes to serve France
    successor = "new.fp.deu@example.org"
    any_store.focal_points.designate(Designation(member="DEU", name="Anna Weber", email=successor))
    any_store.focal_points.designate(
        Designation(
            member="FRA", name="Old Address", email=fp("DEU"), location=Location.NEW_YORK_MISSION
        )
    )
    moved = any_store.people.actor(fp("DEU"))
    assert moved.member == "FRA"
    assert letter_ops.list_for(any_store, moved) == []  # the address takes no letter along
    assert not access.can_read_letter(moved, sent)
    with pytest.raises(access.ReadRefused):
        letter_ops.letter(any_store, moved, sent.id)
    # whoever is Germany's focal point now reads it, under another address
    now = any_store.people.actor(successor)
    assert [x.id for x in letter_ops.list_for(any_store, now)] == [sent.id]
    assert letter_ops.letter(any_store, now, sent.id).body_text == "text 0"
