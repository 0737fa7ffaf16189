"""portal accounts: passwords, sessions, sign-in attempts, single-use links, drafts, NAP files

Revision ID: 0003_portal
Revises: 0004
Create Date: 2026-11-28 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_portal"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("email", sa.String(length=254), sa.ForeignKey("users.email"), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("example_password", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("password_set_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email"),
    )
    op.create_table(
        "portal_sessions",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token_sha256"),
    )
    op.create_index("ix_portal_sessions_email", "portal_sessions", ["email"])
    op.create_table(
        "sign_in_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_attempts_email", "sign_in_attempts", ["email"])
    op.create_table(
        "account_links",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("token_sha256"),
    )
    op.create_index("ix_account_links_email", "account_links", ["email"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email", "cycle_id", "member_code", "kind"),
    )
    op.create_table(
        "nap_files",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("cycle_id", sa.String(length=40), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=254), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_nap_files_cycle_member", "nap_files", ["cycle_id", "member_code"])


def downgrade() -> None:
    op.drop_index("ix_nap_files_cycle_member", table_name="nap_files")
    op.drop_table("nap_files")
    op.drop_table("drafts")
    op.drop_index("ix_account_links_email", table_name="account_links")
    op.drop_table("account_links")
    op.drop_index("ix_sign_in_attempts_email", table_name="sign_in_attempts")
    op.drop_table("sign_in_attempts")
    op.drop_index("ix_portal_sessions_email", table_name="portal_sessions")
    op.drop_table("portal_sessions")
    op.drop_table("accounts")
