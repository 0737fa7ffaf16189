"""members join and leave: dated (never deleted), with their names in each language when added
later

Revision ID: 0006_members_dated
Revises: 0005_audit_reads
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_members_dated"
down_revision = "0005_audit_reads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("joined_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("names", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("added_by", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("left_by", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("left_by")
        batch_op.drop_column("added_by")
        batch_op.drop_column("names")
        batch_op.drop_column("left_on")
        batch_op.drop_column("joined_on")
