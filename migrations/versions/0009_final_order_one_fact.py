"""The final order of removal in one place; appeal waived on the removal case

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00.000000

"Final order of removal" is a fact of the removal case; the person's immigration status follows it
(casework.models.people.status_following). Existing rows where the two disagreed are brought together here,
the later of the two stories winning, each change audited (no actor, detail "migration 0009"):

- a status saying final order (or released on an order of supervision) and no removal case: the removal
  case is opened at the final-order stage, its order date left empty (the custody clock then counts from the
  detention, the earliest the marks can fall, and the removal case page asks for the date);
- such a status and a removal case at a stage before any order (no proceedings, Notice to Appear, hearings):
  the removal case moves to the final-order stage, its former stage kept in its notes;
- a removal case at the final-order stage and a status saying otherwise: the status becomes "Final order";
- such a status and a removal case past the order (on appeal, reopened: "In removal proceedings";
  terminated: not known): the status follows the removal case.

Adds removal_case.appeal_waived (the person waived appeal at the hearing: no BIA appeal deadline).
The downgrade drops the column; the cases opened and the statuses changed stay.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

DETAIL = "migration 0009"
FINAL_STATUSES = ("final_order", "order_of_supervision")
BEFORE_ORDER = ("no_proceedings", "nta_issued", "hearings")
STAGE_LABELS = {
    "no_proceedings": "No proceedings",
    "nta_issued": "Notice to Appear issued",
    "hearings": "Hearings in immigration court",
}
STATUS_AFTER = {"appeal": "in_proceedings", "reopened": "in_proceedings", "terminated": None}

person = sa.table(
    "person",
    sa.column("id", sa.Integer),
    sa.column("org_id", sa.Integer),
    sa.column("immigration_status", sa.String),
    sa.column("version", sa.Integer),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
removal_case = sa.table(
    "removal_case",
    sa.column("id", sa.Integer),
    sa.column("person_id", sa.Integer),
    sa.column("stage", sa.String),
    sa.column("stay_status", sa.String),
    sa.column("appeal_waived", sa.Boolean),
    sa.column("notes", sa.Text),
    sa.column("version", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
audit_event = sa.table(
    "audit_event",
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor_id", sa.Integer),
    sa.column("org_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("person_id", sa.Integer),
    sa.column("fields", sa.Text),
    sa.column("detail", sa.String),
)


def _audit(conn, now, org_id, action, object_type, object_id, person_id, fields):
    conn.execute(
        audit_event.insert().values(
            at=now,
            actor_id=None,
            org_id=org_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            person_id=person_id,
            fields=fields,
            detail=DETAIL,
        )
    )


def _set_status(conn, now, row, status):
    conn.execute(
        person.update()
        .where(person.c.id == row.person_id)
        .values(immigration_status=status, version=person.c.version + 1, updated_at=now)
    )
    _audit(
        conn, now, row.org_id, "person.updated", "person", row.person_id, row.person_id, "immigration_status"
    )


def _bring_together(conn) -> None:
    now = datetime.now(UTC)
    today = now.date().isoformat()
    rows = conn.execute(
        sa.select(
            person.c.id.label("person_id"),
            person.c.org_id,
            person.c.immigration_status,
            removal_case.c.id.label("removal_id"),
            removal_case.c.stage,
            removal_case.c.notes,
        ).select_from(person.outerjoin(removal_case, removal_case.c.person_id == person.c.id))
    ).all()
    for row in rows:
        says_final = row.immigration_status in FINAL_STATUSES
        if row.removal_id is None:
            if not says_final:
                continue
            note = (
                f"Opened on {today} from the person's status (final order of removal): "
                "type the date of the order."
            )
            new_id = conn.execute(
                removal_case.insert()
                .values(
                    person_id=row.person_id,
                    stage="final_order",
                    stay_status="none",
                    appeal_waived=False,
                    notes=note,
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
                .returning(removal_case.c.id)
            ).scalar_one()
            _audit(
                conn, now, row.org_id, "removal_case.created", "removal_case", new_id, row.person_id, "stage"
            )
        elif row.stage == "final_order" and not says_final:
            _set_status(conn, now, row, "final_order")
        elif says_final and row.stage in BEFORE_ORDER:
            note = (
                f"Stage was “{STAGE_LABELS[row.stage]}” until {today}, when the person's status said final "
                "order of removal: type the date of the order."
            )
            conn.execute(
                removal_case.update()
                .where(removal_case.c.id == row.removal_id)
                .values(
                    stage="final_order",
                    notes=(row.notes + "\n\n" + note) if row.notes else note,
                    version=removal_case.c.version + 1,
                    updated_at=now,
                )
            )
            _audit(
                conn,
                now,
                row.org_id,
                "removal_case.updated",
                "removal_case",
                row.removal_id,
                row.person_id,
                "notes,stage",
            )
        elif says_final and row.stage in STATUS_AFTER:
            _set_status(conn, now, row, STATUS_AFTER[row.stage])


def upgrade():
    with op.batch_alter_table("removal_case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("appeal_waived", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    _bring_together(op.get_bind())


def downgrade():
    with op.batch_alter_table("removal_case", schema=None) as batch_op:
        batch_op.drop_column("appeal_waived")
