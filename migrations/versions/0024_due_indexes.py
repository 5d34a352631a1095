"""Indexes for What's due and the dashboard

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 10:00:00.000000

Each count and first page of What's due and the dashboard reads index entries only: the dated kinds by
(what selects them, day, person), and whether the person is visible from (org_id, deleted_at) on SQLite (a
person found by rowid) or (id) INCLUDE (org_id, deleted_at) on PostgreSQL, so that a row costs an index entry
rather than a wide person row. The detained are read in the dashboard's order.

The planner needs statistics for the new indexes: run `flask --app casework analyze` after upgrading a large
database (PostgreSQL's autovacuum does it in time).
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

LIVE = sa.text("deleted_at IS NULL")

INDEXES = {
    "person": [
        # Whether a person is visible: SQLite reads the first by rowid, PostgreSQL the second by id.
        ("ix_person_org_deleted", ["org_id", "deleted_at"], None, {}),
        ("ix_person_id_visible", ["id"], None, {"postgresql_include": ["org_id", "deleted_at"]}),
        ("ix_person_org_detained", ["org_id", "custody_status", "custody_since", "id"], LIVE, {}),
    ],
    "check_in": [("ix_check_in_outcome_day", ["outcome", "scheduled_on", "person_id"], None, {})],
    "removal_case": [
        ("ix_removal_case_hearing_person", ["next_hearing_on", "person_id"], None, {}),
        ("ix_removal_case_stage_order", ["stage", "order_date"], None, {}),
    ],
    "relief_application": [("ix_relief_application_kind_status", ["kind", "status", "person_id"], None, {})],
    "relief_step": [("ix_relief_step_open_due", ["done_on", "due_on", "application_id"], None, {})],
    "task": [("ix_task_open_due", ["done_on", "due_on", "person_id"], None, {})],
    "travel_document": [
        ("ix_travel_document_outcome_expiry", ["outcome", "expires_on", "person_id"], None, {}),
        ("ix_travel_document_country_outcome", ["country", "outcome", "person_id"], None, {}),
    ],
}


def upgrade():
    # Plain CREATE INDEX (no batch mode): SQLite adds an index without rebuilding the table, so the person
    # table's FTS5 triggers (migration 0022) stay as they are.
    for table, indexes in INDEXES.items():
        for name, columns, where, options in indexes:
            op.create_index(
                name, table, columns, unique=False, sqlite_where=where, postgresql_where=where, **options
            )


def downgrade():
    for table, indexes in reversed(INDEXES.items()):
        for name, *_ in reversed(indexes):
            op.drop_index(name, table_name=table)
