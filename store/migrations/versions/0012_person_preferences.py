"""person preferences: the time zone each person reads deadlines in, and their calendar link
(issue #21)

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
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("person_preferences")
