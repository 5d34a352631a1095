"""Counsel replace the application's one attorney

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 01:10:00.000000

An application has several counsel (relief_counsel, added in 0011, which copied each attorney as lead
counsel). The column `relief_application.attorney_contact_id` goes; whatever it still holds (an attorney
saved between 0011 and this migration) is copied again as lead counsel first, unless that counsel is there.
Downgrading brings the column back with each application's first lead counsel (else its first counsel).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

application = sa.table(
    "relief_application", sa.column("id", sa.Integer), sa.column("attorney_contact_id", sa.Integer)
)
counsel = sa.table(
    "relief_counsel",
    sa.column("id", sa.Integer),
    sa.column("application_id", sa.Integer),
    sa.column("contact_id", sa.Integer),
    sa.column("role", sa.String),
)


def _copy_attorneys_into_counsel(conn) -> None:
    """Each attorney not yet lead counsel of its application becomes it."""
    already = (
        sa.select(counsel.c.id)
        .where(
            counsel.c.application_id == application.c.id,
            counsel.c.contact_id == application.c.attorney_contact_id,
            counsel.c.role == "lead",
        )
        .exists()
    )
    rows = conn.execute(
        sa.select(application.c.id, application.c.attorney_contact_id).where(
            application.c.attorney_contact_id.is_not(None), ~already
        )
    ).all()
    if rows:
        conn.execute(
            counsel.insert(), [{"application_id": a, "contact_id": c, "role": "lead"} for a, c in rows]
        )


# The tables that point at relief_application (parents before children: relief_event points at relief_step).
CHILDREN = ("relief_step", "relief_conviction", "relief_event", "relief_counsel", "support_record")


def _keep_children(conn) -> bool:
    """SQLite drops a column by rebuilding the table; with foreign keys on (the application turns them on for
    every connection, and PRAGMA foreign_keys cannot change inside the migration's transaction) dropping the old
    table would delete every row that points at it. Keep them aside to put them back."""
    if conn.dialect.name != "sqlite":
        return False  # PostgreSQL drops the column in place
    for table in CHILDREN:
        conn.exec_driver_sql(f"CREATE TEMP TABLE keep_{table} AS SELECT * FROM {table}")  # noqa: S608 (names above)
    return True


def _restore_children(conn) -> None:
    for table in reversed(CHILDREN):
        conn.exec_driver_sql(f"DELETE FROM {table}")  # noqa: S608 (names above)
    for table in CHILDREN:
        conn.exec_driver_sql(f"INSERT INTO {table} SELECT * FROM temp.keep_{table}")  # noqa: S608 (names above)
        conn.exec_driver_sql(f"DROP TABLE temp.keep_{table}")


def _rebuild_relief_application(conn, change) -> None:
    """Change relief_application's columns, keeping every row that points at it (see _keep_children)."""
    kept = _keep_children(conn)
    with op.batch_alter_table("relief_application", schema=None) as batch_op:
        change(batch_op)
    if kept:
        _restore_children(conn)


def _drop_attorney(batch_op) -> None:
    batch_op.drop_constraint(
        batch_op.f("fk_relief_application_attorney_contact_id_contact"), type_="foreignkey"
    )
    batch_op.drop_column("attorney_contact_id")


def _add_attorney(batch_op) -> None:
    batch_op.add_column(sa.Column("attorney_contact_id", sa.Integer(), nullable=True))
    batch_op.create_foreign_key(
        batch_op.f("fk_relief_application_attorney_contact_id_contact"),
        "contact",
        ["attorney_contact_id"],
        ["id"],
        ondelete="SET NULL",
    )


def upgrade():
    conn = op.get_bind()
    _copy_attorneys_into_counsel(conn)
    _rebuild_relief_application(conn, _drop_attorney)


def downgrade():
    conn = op.get_bind()
    _rebuild_relief_application(conn, _add_attorney)
    # The first lead counsel of each application, else its first counsel of any role.
    ranked = sa.select(
        counsel.c.application_id,
        counsel.c.contact_id,
        sa.func.row_number()
        .over(
            partition_by=counsel.c.application_id,
            order_by=(sa.case((counsel.c.role == "lead", 0), else_=1), counsel.c.id),
        )
        .label("rank"),
    ).subquery()
    for application_id, contact_id in conn.execute(
        sa.select(ranked.c.application_id, ranked.c.contact_id).where(ranked.c.rank == 1)
    ).all():
        conn.execute(
            application.update()
            .where(application.c.id == application_id)
            .values(attorney_contact_id=contact_id)
        )
