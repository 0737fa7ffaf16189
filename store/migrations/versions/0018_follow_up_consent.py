"""a member's consent to publish its follow-up, given and withdrawn with who and when (issue #22)

Revision ID: 0018_follow_up_consent
Revises: 0017_review_page_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_follow_up_consent"
down_revision = "0017_review_page_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_up_consents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("by", sa.String(length=320), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_follow_up_consents_cycle_member", "follow_up_consents", ["cycle_id", "member_code"]
    )


def downgrade() -> None:
    op.drop_index("ix_follow_up_consents_cycle_member", table_name="follow_up_consents")
    op.drop_table("follow_up_consents")
