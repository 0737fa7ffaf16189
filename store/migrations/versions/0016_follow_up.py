"""the follow-up of a completed review: its read model, its items' wording, its progress
reports and each cycle's reporting terms (issue #22)

Revision ID: 0016_follow_up
Revises: 0015_letter_outbox
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_follow_up"
down_revision = "0015_letter_outbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_ups",
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cycle_id", "member_code"),
    )
    op.create_index("ix_follow_ups_member", "follow_ups", ["member_code"])
    op.create_table(
        "follow_up_items",
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("cycle_id", "member_code", "key"),
    )
    op.create_table(
        "follow_up_reports",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("submitted_by", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_follow_up_reports_cycle_member", "follow_up_reports", ["cycle_id", "member_code"]
    )
    op.create_table(
        "follow_up_terms",
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("interval_seconds", sa.BigInteger(), nullable=False),
        sa.Column("reminder_seconds", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("cycle_id"),
    )


def downgrade() -> None:
    op.drop_table("follow_up_terms")
    op.drop_index("ix_follow_up_reports_cycle_member", table_name="follow_up_reports")
    op.drop_table("follow_up_reports")
    op.drop_table("follow_up_items")
    op.drop_index("ix_follow_ups_member", table_name="follow_ups")
    op.drop_table("follow_ups")
