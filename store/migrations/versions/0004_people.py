"""people: opaque person ids (history carries them instead of emails) and personal tokens

Revision ID: 0004
Revises: 0002_letters
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002_letters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.String(length=40), nullable=True))
    users = sa.table("users", sa.column("email", sa.String), sa.column("person_id", sa.String))
    connection = op.get_bind()
    for (email,) in connection.execute(sa.select(users.c.email)).all():
        connection.execute(
            users.update()
            .where(users.c.email == email)
            .values(person_id="p-" + secrets.token_hex(8))
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("person_id", existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint("uq_users_person_id", ["person_id"])
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=40), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["email"], ["users.email"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    op.create_index("ix_tokens_email", "tokens", ["email"])


def downgrade() -> None:
    op.drop_index("ix_tokens_email", table_name="tokens")
    op.drop_table("tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("uq_users_person_id", type_="unique")
        batch_op.drop_column("person_id")
