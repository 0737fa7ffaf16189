"""co-Chairs: a year of the Network may have two Chairs; a second, optional member per year
keeps every year recorded so far readable as it was (issue #19)

Revision ID: 0011_co_chairs
Revises: 0010_resets_and_taken_documents
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_co_chairs"
down_revision = "0010_resets_and_taken_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("network_chairs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("co_member_code", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("network_chairs", schema=None) as batch_op:
        batch_op.drop_column("co_member_code")
