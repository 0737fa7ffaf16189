"""files beside a review (the NAP, the monitoring framework, annexes), each with its kind and
media type; a conversation per review; deputy focal points (issue #21)

Revision ID: 0013_files_comments_deputies
Revises: 0012_person_preferences
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_files_comments_deputies"
down_revision = "0012_person_preferences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every NAP kept so far is a file of its review, of the kind "nap".
    op.drop_index("ix_nap_files_cycle_member", table_name="nap_files")
    op.rename_table("nap_files", "review_files")
    with op.batch_alter_table("review_files", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=32), nullable=False, server_default="nap")
        )
        batch_op.add_column(
            sa.Column(
                "media_type",
                sa.String(length=100),
                nullable=False,
                server_default="application/pdf",
            )
        )
    op.create_index("ix_review_files_cycle_member", "review_files", ["cycle_id", "member_code"])
    op.create_table(
        "review_comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=40), nullable=False),
        sa.Column("author_role", sa.String(length=32), nullable=False),
        sa.Column("author_member", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_review_comments_cycle_member", "review_comments", ["cycle_id", "member_code", "at"]
    )
    op.create_table(
        "deputy_focal_points",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("active_from", sa.Date(), nullable=False),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=254), nullable=True),
        sa.ForeignKeyConstraint(["member_code"], ["members.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deputy_focal_points_member", "deputy_focal_points", ["member_code"])


def downgrade() -> None:
    op.drop_index("ix_deputy_focal_points_member", table_name="deputy_focal_points")
    op.drop_table("deputy_focal_points")
    op.drop_index("ix_review_comments_cycle_member", table_name="review_comments")
    op.drop_table("review_comments")
    op.drop_index("ix_review_files_cycle_member", table_name="review_files")
    with op.batch_alter_table("review_files", schema=None) as batch_op:
        batch_op.drop_column("media_type")
        batch_op.drop_column("kind")
    op.rename_table("review_files", "nap_files")
    op.create_index("ix_nap_files_cycle_member", "nap_files", ["cycle_id", "member_code"])
