"""the read model: each review's deadlines and reviewer slots, the stages it entered; letters
found by the member they were addressed to; refusals as a code with parameters

Revision ID: 0007_read_model
Revises: 0006_members_dated
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_read_model"
down_revision = "0006_members_dated"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewers", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("answers_due", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("unanswered", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_reviews_member", ["member_code"], unique=False)
        batch_op.create_index("ix_reviews_stage", ["stage", "overdue"], unique=False)
    op.create_table(
        "review_stages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_stages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_stages_cycle_member", ["cycle_id", "member_code"], unique=False
        )
    # What is known of the reviews projected so far: the stage each was at when last heard of.
    op.execute(
        "INSERT INTO review_stages (cycle_id, member_code, stage, round, at) "
        "SELECT cycle_id, member_code, stage, round, updated_at FROM reviews"
    )

    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient_member", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_letters_recipient", ["recipient", "created_at"], unique=False)
        batch_op.create_index(
            "ix_letters_recipient_member", ["recipient_member", "created_at"], unique=False
        )
    _letters_by_recipient_member(op.get_bind())

    with op.batch_alter_table("troika_assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_reviewer", ["reviewer_code", "active"], unique=False)

    with op.batch_alter_table("refusals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))


def _letters_by_recipient_member(connection: sa.Connection) -> None:
    """The member each stored letter was addressed to, from its idempotency key
    (``review-<cycle>-<member>/<kind>/<round>/<member addressed or "secretariat">[/…]``); the
    cycle summary goes to the Chair, the letter's own member."""
    letters = sa.table(
        "letters",
        sa.column("id", sa.String),
        sa.column("recipient_member", sa.String),
    )
    rows = connection.execute(
        sa.text("SELECT id, idempotency_key, kind, member_code FROM letters")
    ).all()
    updates = []
    for letter_id, key, kind, member in rows:
        parts = key.split("/")
        addressed = member if kind == "cycle_summary" else (parts[3] if len(parts) > 3 else member)
        if addressed != "secretariat":
            updates.append({"letter_id": letter_id, "addressed": addressed})
    statement = (
        letters.update()
        .where(letters.c.id == sa.bindparam("letter_id"))
        .values(recipient_member=sa.bindparam("addressed"))
    )
    for start in range(0, len(updates), BATCH):
        connection.execute(statement, updates[start : start + BATCH])


def downgrade() -> None:
    with op.batch_alter_table("refusals", schema=None) as batch_op:
        batch_op.drop_column("params")
        batch_op.drop_column("code")
    with op.batch_alter_table("troika_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_reviewer")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index("ix_letters_recipient_member")
        batch_op.drop_index("ix_letters_recipient")
        batch_op.drop_column("recipient_member")
    with op.batch_alter_table("review_stages", schema=None) as batch_op:
        batch_op.drop_index("ix_review_stages_cycle_member")
    op.drop_table("review_stages")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_stage")
        batch_op.drop_index("ix_reviews_member")
        batch_op.drop_column("at")
        batch_op.drop_column("unanswered")
        batch_op.drop_column("answers_due")
        batch_op.drop_column("reviewers")
        batch_op.drop_column("deadline")
