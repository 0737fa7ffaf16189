"""installation flags: the trial door closed for good, the example password given once
(issue #20 item 3)

An installation migrated from before keeps its state: the example password counts as given when
an example account ever had a password, and the trial door counts as closed when that is so but
no account still has the example password (cleared, or replaced by real ones).

Revision ID: 0009_installation_flags
Revises: 0008_front_end_keys
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0009_installation_flags"
down_revision = "0008_front_end_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    flags = op.create_table(
        "installation_flags",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=254), nullable=False),
    )
    bind = op.get_bind()
    given = bind.execute(
        sa.text(
            "SELECT count(*) FROM accounts JOIN users ON users.email = accounts.email "
            "WHERE users.example AND accounts.password_set_at IS NOT NULL"
        )
    ).scalar_one()
    if not given:
        return
    left = bind.execute(
        sa.text(
            "SELECT count(*) FROM accounts WHERE example_password AND password_hash IS NOT NULL"
        )
    ).scalar_one()
    now = datetime.now(UTC)
    rows = [{"name": "example_passwords_given", "set_at": now, "set_by": "migration"}]
    if not left:
        rows.append({"name": "trial_closed", "set_at": now, "set_by": "migration"})
    op.bulk_insert(flags, rows)


def downgrade() -> None:
    op.drop_table("installation_flags")
