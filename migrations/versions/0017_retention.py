"""Retention of closed cases and of the audit trail

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 04:55:00.000000

Each organization may purge closed cases a number of years after they closed and delete audit events older
than a number of years (both off: NULL). A case on legal hold is never purged.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organization") as batch_op:
        batch_op.add_column(sa.Column("purge_closed_after_years", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("audit_retention_years", sa.Integer(), nullable=True))
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("legal_hold", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_column("legal_hold")
    with op.batch_alter_table("organization") as batch_op:
        batch_op.drop_column("audit_retention_years")
        batch_op.drop_column("purge_closed_after_years")
