"""Calendar feed reads in the audit trail: drop calendar_feed.last_used_at

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00.000000

A feed read is a GET, which writes nothing but its audit record: each read is an audit event
("calendar.read"), and the calendar page shows the latest one instead of this column.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")


def downgrade():
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
