"""One step per position; organization settings are versioned

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 03:30:00.000000

Steps added to one application at the same moment could share a position (eleven steps at position 11): a
unique constraint on (application, position) now refuses that. Applications that already hold such
duplicates are renumbered first, in the order of (position, id), and every rule that counts from a step
("anchor_position") follows the step that held that position first, so no due date moves.

The organization gets a `version` (1 for every existing one), so that two admins saving the settings at the
same time do not silently overwrite each other.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

step = sa.table(
    "relief_step",
    sa.column("id", sa.Integer),
    sa.column("application_id", sa.Integer),
    sa.column("position", sa.Integer),
    sa.column("anchor_position", sa.Integer),
)


def _applications_with_duplicate_positions(conn) -> list[int]:
    return list(
        conn.execute(
            sa.select(step.c.application_id)
            .group_by(step.c.application_id, step.c.position)
            .having(sa.func.count() > 1)
            .distinct()
            .order_by(step.c.application_id)
        ).scalars()
    )


def _renumber(conn, application_id: int) -> None:
    """Positions 1..n in the order of (position, id); anchors move with the first step of their position."""
    rows = conn.execute(
        sa.select(step.c.id, step.c.position, step.c.anchor_position)
        .where(step.c.application_id == application_id)
        .order_by(step.c.position, step.c.id)
    ).all()
    new_position: dict[int, int] = {}
    moved: dict[int, int] = {}
    for index, row in enumerate(rows, start=1):
        new_position.setdefault(row.position, index)
        moved[row.id] = index
    for row in rows:
        anchor = row.anchor_position
        values = {"position": moved[row.id]}
        if anchor is not None and anchor in new_position:
            values["anchor_position"] = new_position[anchor]
        conn.execute(step.update().where(step.c.id == row.id).values(**values))


def upgrade():
    conn = op.get_bind()
    for application_id in _applications_with_duplicate_positions(conn):
        _renumber(conn, application_id)
    with op.batch_alter_table("relief_step", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_relief_step_application_id_position"), ["application_id", "position"]
        )
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("relief_step", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_relief_step_application_id_position"), type_="unique")
