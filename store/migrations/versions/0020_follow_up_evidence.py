"""documents a member keeps as evidence of its follow-up's items, by id and SHA-256 (issue #22)

Revision ID: 0020_follow_up_evidence
Revises: 0019_review_publication
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_follow_up_evidence"
down_revision = "0019_review_publication"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_up_evidence",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=254), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_follow_up_evidence_cycle_member", "follow_up_evidence", ["cycle_id", "member_code"]
    )


def downgrade() -> None:
    op.drop_index("ix_follow_up_evidence_cycle_member", table_name="follow_up_evidence")
    op.drop_table("follow_up_evidence")
