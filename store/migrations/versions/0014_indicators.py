"""indicators: each member's own plan indicators, and the values recorded for the global and
plan indicators per member, period and kind, by sex where they apply (issue #22)

Revision ID: 0014_indicators
Revises: 0013_files_comments_deputies
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_indicators"
down_revision = "0013_files_comments_deputies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_indicators",
        sa.Column("id", sa.String(length=16), primary_key=True),
        sa.Column(
            "member_code", sa.String(length=16), sa.ForeignKey("members.code"), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("pillar", sa.String(length=32), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("by_sex", sa.Boolean(), nullable=False),
        sa.Column("title_en", sa.String(length=500), nullable=False),
        sa.Column("title_fr", sa.String(length=500), nullable=True),
        sa.Column("title_es", sa.String(length=500), nullable=True),
        sa.Column("added_by", sa.String(length=254), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_plan_indicators_member", "plan_indicators", ["member_code"])
    op.create_table(
        "indicator_values",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("indicator_id", sa.String(length=16), nullable=False),
        sa.Column(
            "member_code", sa.String(length=16), sa.ForeignKey("members.code"), nullable=False
        ),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("women", sa.Float(), nullable=True),
        sa.Column("men", sa.Float(), nullable=True),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.String(length=254), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_indicator_values_member",
        "indicator_values",
        ["member_code", "indicator_id", "period"],
    )


def downgrade() -> None:
    op.drop_index("ix_indicator_values_member", table_name="indicator_values")
    op.drop_table("indicator_values")
    op.drop_index("ix_plan_indicators_member", table_name="plan_indicators")
    op.drop_table("plan_indicators")
