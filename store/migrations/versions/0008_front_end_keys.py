"""front-end keys: the public signing keys the workers vouch for, so a workflow started without a
parent checks its start against keys no starter can choose (issue #20)

Revision ID: 0008_front_end_keys
Revises: 0007_read_model
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_front_end_keys"
down_revision = "0007_read_model"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "front_end_keys",
        sa.Column("key_id", sa.String(length=64), primary_key=True),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("front_end_keys")
