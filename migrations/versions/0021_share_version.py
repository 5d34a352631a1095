"""A version on each share, so that two people changing what it includes do not overwrite each other

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 06:20:00.000000

Existing shares start at version 1.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_share") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("case_share") as batch_op:
        batch_op.drop_column("version")
