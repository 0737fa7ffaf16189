"""a cycle's page of reviews and its counts per stage read from indexes (issue #23)

Revision ID: 0017_review_page_indexes
Revises: 0016_follow_up
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_review_page_indexes"
down_revision = "0016_follow_up"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_reviews_cycle_page", "reviews", ["cycle_id", sa.text("overdue DESC"), "member_code"]
    )
    op.create_index("ix_reviews_cycle_stage", "reviews", ["cycle_id", "stage"])


def downgrade() -> None:
    op.drop_index("ix_reviews_cycle_stage", table_name="reviews")
    op.drop_index("ix_reviews_cycle_page", table_name="reviews")
