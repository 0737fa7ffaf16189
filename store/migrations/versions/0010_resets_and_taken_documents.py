"""reset requests and taken documents: "forgot password" is counted in the store, per address
and per client, so every portal process keeps one limit; a document records when its review took
it, so the ones no review took can be swept (issue #20)

Revision ID: 0010_resets_and_taken_documents
Revises: 0008_front_end_keys
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_resets_and_taken_documents"
down_revision = "0009_installation_flags"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reset_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
    )
    op.create_index("ix_reset_requests_email", "reset_requests", ["email", "at"])
    op.create_index("ix_reset_requests_address", "reset_requests", ["address", "at"])
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True))
    # Which of the documents kept so far a review took is known only to the reviews: every one
    # of them counts as taken, so no sweep removes what a review may hold.
    op.execute("UPDATE documents SET taken_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("taken_at")
    op.drop_index("ix_reset_requests_address", table_name="reset_requests")
    op.drop_index("ix_reset_requests_email", table_name="reset_requests")
    op.drop_table("reset_requests")
