"""Inputs that fit everywhere (issue #20, items 5 and 7): a line break, a NUL or a text longer
than the store keeps, in the name, title, ministry or email of a person, a focal point or a
member, is refused at the command line (exit 2, the field named) the same on SQLite and
PostgreSQL, never a traceback with SQL, and nothing is recorded."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from napreview.cli import common
from napreview.cli.app import app
from napreview.schemas.members import Role
from napreview.schemas.text import NAME_LENGTH
from napreview.services import users
from napreview.services.inputs import UnfitText

from ..helpers import SECRETARIAT, fp

runner = CliRunner()

INJECTED = "Isabelle Martin\r\nBcc: spy@example.org"
NUL = "Isabelle\x00Martin"
LONG = "Isabelle " * 1200  # 10,800 characters
GAMBIA = {"--name": "the Gambia", "--name-fr": "la Gambie", "--name-es": "Gambia"}
A_STATE = ["members", "add", "GMB", "--kind", "state", "--group", "AF"]
GENDERS = ["--gender-fr", "f", "--gender-es", "m"]


@pytest.fixture
def napreview(any_store, tmp_path, monkeypatch):
    """`napreview ...` against this test's store (SQLite or PostgreSQL)."""
    monkeypatch.setenv("NAPREVIEW_HOME", str(tmp_path))
    monkeypatch.setenv("NAPREVIEW_DATABASE_URL", any_store.engine.url.render_as_string(False))
    monkeypatch.delenv("NAPREVIEW_USER", raising=False)
    # The command line keeps one store per database in the process; PostgreSQL's is the same
    # database for every test, emptied between them, so its caches must start afresh.
    monkeypatch.setattr(common, "_stores", {})

    def call(*args: str):
        return runner.invoke(app, [*args, "--as", SECRETARIAT])

    return call


def _clear(result, field: str) -> None:
    """Refused as a usage error (exit 2) naming the field, in words, without a traceback."""
    said = result.output
    assert result.exit_code == 2, said
    assert field in said, said
    assert "Traceback" not in said and "sqlalchemy" not in said.lower() and "SQL" not in said


@pytest.mark.parametrize(
    ("option", "value", "field", "why"),
    [
        ("--name", INJECTED, "The name", "\\r, \\n"),
        ("--name", NUL, "The name", "\\x00"),
        ("--name", LONG, "The name", f"at most {NAME_LENGTH} characters"),
        ("--title", "Head\nof Division", "The title", "\\n"),
        ("--ministry", "M" * 201, "The ministry", "at most 200"),
        ("--family-name", "Martin\r", "The family name", "\\r"),
        ("--email", "fp.fra@example.org\r\nBcc: spy@example.org", "The email address", "\\n"),
        ("--email", "a" * 250 + "@example.org", "The email address", "at most 254"),
    ],
)
def test_a_focal_point_that_does_not_fit_is_refused_naming_the_field(
    any_store, napreview, option, value, field, why
):
    before = any_store.focal_points.active("FRA")
    given = {"--name": "Isabelle Martin", "--email": "new.fp@example.org", option: value}
    result = napreview("focal-points", "set", "FRA", *[x for kv in given.items() for x in kv])
    _clear(result, field)
    assert why in result.output
    assert any_store.focal_points.active("FRA") == before


@pytest.mark.parametrize(
    "email", ["eve@example.org\nBcc: spy@example.org", "eve\x00@example.org", "e" * 300 + "@x.org"]
)
def test_a_person_whose_address_does_not_fit_is_refused(any_store, napreview, email):
    _clear(napreview("users", "add", email, "--role", "auditor"), "The email address")
    assert not any(
        p.email.startswith("eve") or p.email.startswith("eee") for p in any_store.accounts.people()
    )


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--name", "the Gambia\x00", "The English name"),
        ("--name-fr", "la Gambie\r\nBcc: spy@example.org", "The French name"),
        ("--name-es", "el " + "Perú " * 40, "The Spanish name"),
    ],
)
def test_a_member_whose_name_does_not_fit_is_refused(any_store, napreview, option, value, field):
    names = {**GAMBIA, option: value}
    result = napreview(*A_STATE, *GENDERS, *[x for kv in names.items() for x in kv])
    _clear(result, field)
    assert any_store.members.find("GMB") is None
    added = napreview(*A_STATE, *GENDERS, *[x for kv in GAMBIA.items() for x in kv])
    assert added.exit_code == 0, added.output
    if option != "--name":  # a name recorded later is checked the same way
        before = any_store.members.get("GMB").names
        _clear(napreview("members", "names", "GMB", option, value), field)
        assert any_store.members.get("GMB").names == before


@pytest.mark.parametrize("label", ["laptop\x00", "laptop\nBcc: spy@example.org", "l" * 201])
def test_a_token_label_that_does_not_fit_is_refused(any_store, napreview, label):
    _clear(napreview("users", "token", fp("DEU"), "--label", label), "The token's label")
    assert any_store.tokens.list(fp("DEU")) == []


def test_the_service_refuses_before_the_database_on_both(any_store):
    secretariat = any_store.people.actor(SECRETARIAT)
    with pytest.raises(UnfitText) as refused:
        users.designate_focal_point(
            any_store, secretariat, "FRA", name=LONG, email="new.fp@example.org"
        )
    assert refused.value.field == "name" and refused.value.problem == "too_long"
    with pytest.raises(UnfitText) as refused:
        users.add_user(any_store, secretariat, "x\x00@example.org", Role.AUDITOR)
    assert refused.value.field == "email" and refused.value.problem == "control"
