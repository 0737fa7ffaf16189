"""letters wait in the store for their delivery: when a queued letter may next be tried (issue
#23: delivery without a workflow per letter)

Revision ID: 0015_letter_outbox
Revises: 0014_indicators
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_letter_outbox"
down_revision = "0014_indicators"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_due_at", sa.DateTime(timezone=True)))
    op.create_index("ix_letters_delivery_due", "letters", ["delivery_state", "delivery_due_at"])


def downgrade() -> None:
    op.drop_index("ix_letters_delivery_due", table_name="letters")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_column("delivery_due_at")
