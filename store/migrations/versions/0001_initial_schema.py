"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 03:46:38.993511
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "cedaw_results",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("document_id", sa.String(length=64), nullable=False),
        sa.Column("rating", sa.String(length=32), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "cycles",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("reviewers_per_member", sa.Integer(), nullable=False),
        sa.Column("chair", sa.String(length=16), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("draw_sha256", sa.String(length=64), nullable=False),
        sa.Column("started_by", sa.String(length=254), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("reviewer_code", sa.String(length=16), nullable=True),
        sa.Column("submitted_by", sa.String(length=254), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_documents_cycle_member", ["cycle_id", "member_code"], unique=False
        )

    op.create_table(
        "letters",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("copy_to", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("template", sa.String(length=200), nullable=False),
        sa.Column("template_version", sa.String(length=64), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index("ix_letters_cycle_member", ["cycle_id", "member_code"], unique=False)

    op.create_table(
        "members",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("regional_group", sa.String(length=16), nullable=True),
        sa.Column("cedaw_status", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "refusals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=True),
        sa.Column("member_code", sa.String(length=16), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("refusals", schema=None) as batch_op:
        batch_op.create_index("ix_refusals_cycle_member", ["cycle_id", "member_code"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("cedaw_rating", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cycle_id", "member_code"),
    )
    op.create_table(
        "focal_points",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("ministry", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("location", sa.String(length=32), nullable=False),
        sa.Column("active_from", sa.Date(), nullable=False),
        sa.Column("active_to", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=254), nullable=True),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"],
            ["members.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("focal_points", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_focal_points_email"), ["email"], unique=False)
        batch_op.create_index(
            "ix_focal_points_member_location", ["member_code", "location"], unique=False
        )

    op.create_table(
        "naps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("iteration", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("source_document_id", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"],
            ["members.code"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("member_code", "iteration"),
    )
    op.create_table(
        "troika_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("reviewer_code", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("relaxed", sa.JSON(), nullable=False),
        sa.Column("ended_reason", sa.String(length=32), nullable=True),
        sa.Column("replaces", sa.String(length=16), nullable=True),
        sa.Column("redraw_seed", sa.BigInteger(), nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["cycles.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("troika_assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignments_cycle_member", ["cycle_id", "member_code"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=True),
        sa.Column("example", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"],
            ["members.code"],
        ),
        sa.PrimaryKeyConstraint("email"),
    )


def downgrade() -> None:

    op.drop_table("users")
    with op.batch_alter_table("troika_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_cycle_member")

    op.drop_table("troika_assignments")
    op.drop_table("naps")
    with op.batch_alter_table("focal_points", schema=None) as batch_op:
        batch_op.drop_index("ix_focal_points_member_location")
        batch_op.drop_index(batch_op.f("ix_focal_points_email"))

    op.drop_table("focal_points")
    op.drop_table("reviews")
    with op.batch_alter_table("refusals", schema=None) as batch_op:
        batch_op.drop_index("ix_refusals_cycle_member")

    op.drop_table("refusals")
    op.drop_table("members")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index("ix_letters_cycle_member")

    op.drop_table("letters")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_cycle_member")

    op.drop_table("documents")
    op.drop_table("cycles")
    op.drop_table("cedaw_results")
