"""a review's count of publications in its read model, to order projections of one moment

Revision ID: 0019_review_publication
Revises: 0018_follow_up_consent
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_review_publication"
down_revision = "0018_follow_up_consent"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("publication", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("publication")
