"""audit reads: who read which audit trail (timeline, replay check, export), when, and how

Revision ID: 0005_audit_reads
Revises: 0003_portal
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_audit_reads"
down_revision = "0003_portal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_reads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("member", sa.String(length=16), nullable=True),
        sa.Column("workflow_id", sa.String(length=120), nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=True),
        sa.Column("what", sa.String(length=64), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_reads_workflow", "audit_reads", ["workflow_id"])
    op.create_index("ix_audit_reads_person", "audit_reads", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_reads_person", table_name="audit_reads")
    op.drop_index("ix_audit_reads_workflow", table_name="audit_reads")
    op.drop_table("audit_reads")
