"""Second factor, per-account sign-in throttling, networks seen per user

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 04:15:00.000000

Users may enrol an authenticator app (TOTP; the secret is encrypted, the last accepted time step is kept so
a code is not accepted twice) with ten single-use recovery codes (salted Argon2id hashes). Organizations say who must
use a second factor and the grace period in days (nobody, 7 days: no change for existing organizations).
Failed sign-ins are counted per account, whatever the client address, and the networks each user signed in
from are kept as keyed hashes, so that a sign-in from a new one sends a notice.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organization") as batch:
        batch.add_column(
            sa.Column("mfa_required_for", sa.String(19), nullable=False, server_default="nobody")
        )
        batch.add_column(sa.Column("mfa_grace_days", sa.Integer(), nullable=False, server_default="7"))
        batch.add_column(sa.Column("mfa_required_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "totp_factor",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_ct", sa.LargeBinary(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(255), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_recovery_code_user_id", "recovery_code", ["user_id"])
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_failure_key_time", "sign_in_failure", ["account_key", "failed_at"])
    op.create_index("ix_sign_in_failure_failed_at", "sign_in_failure", ["failed_at"])
    op.create_table(
        "seen_network",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("network_hash", sa.String(64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "network_hash", name="uq_seen_network_user_hash"),
    )


def downgrade() -> None:
    op.drop_table("seen_network")
    op.drop_index("ix_sign_in_failure_failed_at", table_name="sign_in_failure")
    op.drop_index("ix_sign_in_failure_key_time", table_name="sign_in_failure")
    op.drop_table("sign_in_failure")
    op.drop_index("ix_recovery_code_user_id", table_name="recovery_code")
    op.drop_table("recovery_code")
    op.drop_table("totp_factor")
    with op.batch_alter_table("organization") as batch:
        batch.drop_column("mfa_required_since")
        batch.drop_column("mfa_grace_days")
        batch.drop_column("mfa_required_for")
