"""The custody clocks held by a granted stay, by an index of their own

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 16:30:00.000000

What's due and the dashboard compute the custody clock only for the detained whose stored dates can give a
mark (casework/deadlines/clock_bounds.py), each case read as an index range: the detention's start
(ix_person_org_detained), the order's date (ix_removal_case_stage_order), and a granted stay, which holds a
clock whatever its dates, by this partial index of the few cases that have one (without it every removal case
was read, or every detained person with theirs).

Run `flask --app casework analyze` after upgrading a large database (PostgreSQL's autovacuum does it in time).
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

STAYED = sa.text("stay_granted_on IS NOT NULL")


def upgrade():
    # Plain CREATE INDEX (no batch mode): SQLite adds an index without rebuilding the table.
    op.create_index(
        "ix_removal_case_stayed",
        "removal_case",
        ["stage", "order_date"],
        unique=False,
        sqlite_where=STAYED,
        postgresql_where=STAYED,
    )


def downgrade():
    op.drop_index("ix_removal_case_stayed", table_name="removal_case")
