"""What each share includes, chosen by the owning organization

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 05:05:00.000000

Privileged material, the A-number, and export and printing each reach a partner only when the share says
so. Existing shares take the narrow defaults (all off).
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_share") as batch_op:
        batch_op.add_column(
            sa.Column("includes_privileged", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("includes_a_number", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("allows_export", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("case_share") as batch_op:
        batch_op.drop_column("allows_export")
        batch_op.drop_column("includes_a_number")
        batch_op.drop_column("includes_privileged")
