"""Every command-line call checks that the schema is current without importing Alembic (issue
#23): it reads the migration heads from the scripts' headers itself, and must find what
Alembic finds, or a call would migrate for nothing or, worse, not when it must."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from napreview.store.db import alembic_config, head_revisions


def test_the_schema_check_finds_the_heads_alembic_finds():
    alembic = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert head_revisions() == frozenset(alembic.get_heads())


def test_every_revision_fits_the_version_table():
    """Alembic keeps the revision in a VARCHAR(32): a longer id migrates SQLite and fails on
    PostgreSQL."""
    alembic = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert [r.revision for r in alembic.walk_revisions() if len(r.revision) > 32] == []
