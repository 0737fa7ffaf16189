"""letters: delivery state, addresses in copy, salutations, the Chairs of the Network

Revision ID: 0002_letters
Revises: 0001
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002_letters"
down_revision = "0001"
branch_labels = None
depends_on = None

# The leadership troika of 2018 (DESIGN §1); later Chairs are recorded by the secretariat.
SEEDED_CHAIRS = {2017: "ESP", 2018: "DEU", 2019: "NAM"}


def upgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cc", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("delivery_state", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("delivery_detail", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("delivery_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("focal_points", schema=None) as batch_op:
        batch_op.add_column(sa.Column("honorific", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("rank", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("family_name", sa.String(length=200), nullable=True))
    chairs = op.create_table(
        "network_chairs",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.String(length=254), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        chairs,
        [
            {"year": year, "member_code": code, "recorded_by": "seed", "recorded_at": now}
            for year, code in SEEDED_CHAIRS.items()
        ],
    )


def downgrade() -> None:
    op.drop_table("network_chairs")
    with op.batch_alter_table("focal_points", schema=None) as batch_op:
        batch_op.drop_column("family_name")
        batch_op.drop_column("rank")
        batch_op.drop_column("honorific")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_column("delivered_at")
        batch_op.drop_column("delivery_attempts")
        batch_op.drop_column("delivery_detail")
        batch_op.drop_column("delivery_state")
        batch_op.drop_column("cc")
