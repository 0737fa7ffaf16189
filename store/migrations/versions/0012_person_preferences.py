"""person preferences: the time zone each person reads deadlines in, their calendar link, and
the reminders of their own by email, with those sent (issue #21)

Revision ID: 0012_person_preferences
Revises: 0011_co_chairs
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_person_preferences"
down_revision = "0011_co_chairs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_preferences",
        sa.Column("email", sa.String(length=254), primary_key=True),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("calendar_token_sha256", sa.String(length=64), nullable=True, unique=True),
        sa.Column("reminder_days", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "personal_reminders_sent",
        sa.Column("email", sa.String(length=254), primary_key=True),
        sa.Column("key", sa.String(length=300), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("personal_reminders_sent")
    op.drop_table("person_preferences")
