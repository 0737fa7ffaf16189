"""The trial door closes for good, and administration needs the secretariat's proven identity
(issue #20 items 3 and 4), on SQLite and PostgreSQL. No Temporal service: none of these
commands talks to it before it knows who acts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from napreview.cli import common
from napreview.cli.app import app
from napreview.people.accounts import EXAMPLE_PASSWORD, Accounts
from napreview.people.trial import close_trial, give_example_passwords_once, trial_open
from napreview.services.installation import open_store
from napreview.store.installation import TRIAL_CLOSED
from napreview.store.records import Store

from ..helpers import AUDITOR, SECRETARIAT, fp

runner = CliRunner()


@pytest.fixture
def napreview(any_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`napreview ...` on this test's store, as a fresh process would open it."""
    monkeypatch.setenv("NAPREVIEW_HOME", str(tmp_path))
    monkeypatch.setenv("NAPREVIEW_DATABASE_URL", any_store.engine.url.render_as_string(False))
    for name in ("NAPREVIEW_USER", "NAPREVIEW_TOKEN", "NAPREVIEW_PRODUCTION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(common, "_stores", {})

    def call(*args: str, stdin: str | None = None):
        return runner.invoke(app, list(args), input=stdin)

    return call


def said(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(result.output.split())


def refusals(store: Store) -> list[tuple[str, str, str | None]]:
    """The refusals kept outside any review: (actor, step, code)."""
    return [
        (r.actor, r.step, r.why.code if r.why else None)
        for r in store.refusals.of_review(None, None)
    ]


def test_clearing_the_example_passwords_closes_the_trial_door_for_good(napreview, any_store):
    accounts = Accounts(any_store)
    assert give_example_passwords_once(any_store) == 85
    assert give_example_passwords_once(any_store) == 0  # `up` restarted: nothing given again
    eve = napreview("users", "add", "eve@example.net", "--role", "auditor", "--as", SECRETARIAT)
    assert eve.exit_code == 0, eve.output  # the trial door is open
    nobody = napreview("users", "clear-example-passwords")
    assert nobody.exit_code == 3 and "Nobody proved who they are" in said(nobody)
    focal = napreview("users", "clear-example-passwords", "--as", fp("DEU"))
    assert focal.exit_code == 3 and "only the secretariat" in said(focal)
    assert len(accounts.example_passwords_left()) == 85  # neither changed anything

    closed = napreview("users", "clear-example-passwords", "--as", SECRETARIAT)
    assert closed.exit_code == 0, closed.output
    assert "removed from 85 account(s)" in said(closed) and "closed for good" in said(closed)
    assert accounts.example_passwords_left() == []
    assert accounts.sign_in(fp("AU"), EXAMPLE_PASSWORD).reason == "no_password"

    # The example people are still there, but --as acts for none of them any more.
    assert any_store.people.is_example(SECRETARIAT)
    eve = napreview("users", "add", "eve@example.net", "--role", "secretariat", "--as", SECRETARIAT)
    assert eve.exit_code == 3 and "trial door of this installation is closed" in said(eve)
    assert any_store.people.actor("eve@example.net").role.value == "auditor"  # unchanged
    reading = napreview("members", "list", "--as", AUDITOR)
    assert reading.exit_code == 3
    # Nothing opens it again: not `up` restarted, not a second clearing.
    assert give_example_passwords_once(any_store) == 0
    assert accounts.example_passwords_left() == []
    assert not trial_open(any_store)
    assert refusals(any_store) == [
        ("unproven", "clear_example_passwords", "identity_needed"),
        (any_store.people.actor(fp("DEU")).ref, "clear_example_passwords", "secretariat_only"),
        (SECRETARIAT, "act_as", "trial_closed"),
        (AUDITOR, "act_as", "trial_closed"),
    ]


def test_a_closed_installation_is_bootstrapped_once_with_a_token(napreview, any_store, monkeypatch):
    close_trial(any_store, by="test")
    made = napreview("users", "add", "Head@UN.org", "--role", "secretariat", "--bootstrap")
    assert made.exit_code == 0, made.output
    assert "first secretariat of this installation" in said(made)
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("npr_")
    again = napreview("users", "add", "mallory@example.net", "--role", "secretariat", "--bootstrap")
    assert again.exit_code == 3 and "already has a secretariat of its own" in said(again)
    assert not any_store.people.exists("mallory@example.net")
    example = napreview("users", "add", SECRETARIAT, "--role", "secretariat", "--bootstrap")
    assert example.exit_code == 3 and "example person" in said(example)

    # The first secretariat proves who they are with the token, and administers from there.
    monkeypatch.setenv("NAPREVIEW_TOKEN", token)
    added = napreview("users", "add", "deputy@un.org", "--role", "secretariat")
    assert added.exit_code == 0, added.output
    password = napreview("users", "set-password", "deputy@un.org", "--password-stdin",
                         stdin="a long enough password\n")  # fmt: skip
    assert password.exit_code == 0, password.output
    assert Accounts(any_store).sign_in("deputy@un.org", "a long enough password").ok
    # A member joining a closed installation waits for its real focal point: no example one.
    joined = napreview("members", "add", "SADC", "--name", "SADC", "--kind",
                       "regional_organization", "--names-pending")  # fmt: skip
    assert joined.exit_code == 0 and "Designate its focal point" in said(joined)
    assert any_store.focal_points.history("SADC") == []
    monkeypatch.delenv("NAPREVIEW_TOKEN")
    assert napreview("users", "add", "x@un.org", "--role", "auditor").exit_code == 3
    assert ("mallory@example.net", "bootstrap", "secretariat_exists") in refusals(any_store)


def test_a_bootstrap_is_refused_once_the_installation_has_a_secretariat(napreview, any_store):
    made = napreview("users", "add", "chief@un.org", "--role", "secretariat", "--as", SECRETARIAT)
    assert made.exit_code == 0, made.output
    late = napreview("users", "add", "late@un.org", "--role", "secretariat", "--bootstrap")
    assert late.exit_code == 3 and not any_store.people.exists("late@un.org")


def test_a_production_setting_closes_the_door_on_the_first_start(napreview, any_store, monkeypatch):
    Accounts(any_store).give_example_passwords()
    monkeypatch.setenv("NAPREVIEW_PRODUCTION", "true")
    refused = napreview("members", "list", "--as", SECRETARIAT)
    assert refused.exit_code == 3 and "trial door" in said(refused)
    flag = any_store.installation.flag(TRIAL_CLOSED)
    assert flag is not None and flag.set_by == "NAPREVIEW_PRODUCTION"
    assert Accounts(any_store).example_passwords_left() == []
    # For good: the setting taken away does not open it again.
    monkeypatch.delenv("NAPREVIEW_PRODUCTION")
    monkeypatch.setattr(common, "_stores", {})
    assert napreview("members", "list", "--as", SECRETARIAT).exit_code == 3
    reopened = open_store(any_store.engine.url.render_as_string(False))
    assert not trial_open(reopened) and give_example_passwords_once(reopened) == 0


ADMINISTRATION = [
    ("users", "add", "new@un.org", "--role", "auditor"),
    ("users", "token", fp("DEU")),
    ("users", "revoke-tokens", fp("DEU")),
    ("users", "set-password", fp("DEU"), "--password-stdin"),
    ("users", "deactivate", fp("DEU")),
    ("users", "activate", fp("DEU")),
    ("users", "invite", fp("DEU")),
    ("users", "clear-example-passwords"),
    ("keys", "rotate"),
    ("keys", "retire", "k1"),
    (
        "members",
        "add",
        "ECCAS",
        "--name",
        "ECCAS",
        "--kind",
        "regional_organization",
        "--names-pending",
    ),  # fmt: skip
    ("members", "leave", "USA", "--on", "2027-06-30"),
    ("members", "names", "SADC", "--name-fr", "la SADC"),
    ("focal-points", "set", "DEU", "--name", "Anna Schmidt", "--email", "a.schmidt@diplo.de"),
    ("network", "chair", "set", "2027", "DEU"),
]


def test_every_administrative_command_needs_the_proven_secretariat(napreview, any_store):
    """Nobody proven and a focal point are refused alike (exit 3), each refusal recorded, and
    nothing changes; the secretariat's own step goes through."""
    sadc = napreview("members", "add", "SADC", "--name", "SADC", "--kind",
                     "regional_organization", "--names-pending", "--as", SECRETARIAT)  # fmt: skip
    assert sadc.exit_code == 0, sadc.output  # a member added later, whose names may be recorded
    for command in ADMINISTRATION:
        nobody = napreview(*command, stdin="a long enough password\n")
        assert nobody.exit_code == 3 and "Nobody proved" in said(nobody), (command, nobody.output)
        focal = napreview(*command, "--as", fp("DEU"), stdin="a long enough password\n")
        assert focal.exit_code == 3 and "only the secretariat" in said(focal), command
    steps = [step for actor, step, code in refusals(any_store) if code == "identity_needed"]
    assert len(steps) == len(ADMINISTRATION)
    assert not any_store.people.exists("new@un.org")
    assert not any(m.code == "ECCAS" for m in any_store.members.all())
    assert any_store.members.get("USA").left_on is None
    assert Accounts(any_store).example_passwords_left() == []  # none was ever given
    chair = napreview("network", "chair", "set", "2027", "DEU", "--as", SECRETARIAT)
    assert chair.exit_code == 0, chair.output


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
@pytest.mark.parametrize(
    ("before", "given", "closed"),
    [("never started", False, False), ("given", True, False), ("cleared", True, True)],
)
def test_an_installation_from_before_the_flags_keeps_its_state(
    kind, before, given, closed, tmp_path
):
    """Migrated, an installation whose example passwords were cleared stays closed, one that
    had them is not given them again, and one that never had them gets them on its first
    `up`."""
    from alembic import command

    from napreview.services.installation import seed
    from napreview.store.db import alembic_config, migrate
    from napreview.store.installation import EXAMPLE_PASSWORDS_GIVEN

    from ..conftest import empty_database

    url = empty_database(kind, tmp_path, "old.db")
    command.upgrade(alembic_config(url), "0008_front_end_keys")
    old = Store.from_url(url)
    seed(old)  # members and people only: tables the old schema has
    if before != "never started":
        Accounts(old).give_example_passwords()
    if before == "cleared":
        Accounts(old).clear_example_passwords()
    migrate(url)
    store = Store.from_url(url)
    assert (store.installation.flag(EXAMPLE_PASSWORDS_GIVEN) is not None) is given
    assert trial_open(store) is not closed
    assert give_example_passwords_once(store) == (0 if given else 85)


def test_a_new_production_installation_has_the_members_and_no_example_people(tmp_path, monkeypatch):
    """Nobody invented is seeded where real people will work: the secretariat bootstraps
    itself and invites the others by name."""
    monkeypatch.setenv("NAPREVIEW_HOME", str(tmp_path))
    monkeypatch.setenv("NAPREVIEW_PRODUCTION", "true")
    for name in ("NAPREVIEW_DATABASE_URL", "NAPREVIEW_USER", "NAPREVIEW_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(common, "_stores", {})
    first = runner.invoke(app, ["members", "list"])
    assert "the 83 members and no people yet" in said(first), first.output
    store = open_store(f"sqlite:///{tmp_path / 'napreview.db'}")
    assert store.members.count() == 83
    assert not store.people.exists(SECRETARIAT) and not store.people.exists(fp("DEU"))
    chief = runner.invoke(
        app, ["users", "add", "chief@un.org", "--role", "secretariat", "--bootstrap"]
    )
    assert chief.exit_code == 0, chief.output
