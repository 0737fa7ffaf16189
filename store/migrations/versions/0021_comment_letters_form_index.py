"""a comment's letters waiting to be started, and the sessions found by their forms' CSRF token
(issue #21)

A comment posted while Temporal could not be reached is kept with ``letters_started_at`` empty,
and the worker's look starts its letters. Comments already stored are taken as started: their
posting either started the letters or failed in front of the person.

Revision ID: 0021_comment_letters_form_index
Revises: 0020_follow_up_evidence
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_comment_letters_form_index"
down_revision = "0020_follow_up_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "review_comments",
        sa.Column("letters_started_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute("UPDATE review_comments SET letters_started_at = at")
    op.create_index("ix_review_comments_letters_started", "review_comments", ["letters_started_at"])
    op.create_index("ix_portal_sessions_csrf_token", "portal_sessions", ["csrf_token"])


def downgrade() -> None:
    op.drop_index("ix_portal_sessions_csrf_token", table_name="portal_sessions")
    op.drop_index("ix_review_comments_letters_started", table_name="review_comments")
    with op.batch_alter_table("review_comments") as batch:
        batch.drop_column("letters_started_at")
