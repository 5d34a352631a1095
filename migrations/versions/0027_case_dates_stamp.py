"""A stamp per organization that changes whenever What's due or the dashboard may change

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 14:00:00.000000

Each server process keeps the What's due and dashboard pages it has made for staff and admins (who see
exactly their organization's live cases) under two stamps: the people list's (migration 0026: any write of a
person, a team, a colleague's name, a custody event) and `case_dates_stamp.stamp`. Triggers set a new random
stamp on any write of the rows those pages are made of: check-ins, removal cases (hearings, orders, stays),
relief applications and their steps, tasks and travel documents, whatever path the write takes. On
PostgreSQL the stamp is written once per organization and transaction, as the list's is.
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

_OF_PERSON = "SELECT org_id AS org FROM person WHERE id = ROW.person_id"
# table -> (the organizations a changed row touches, as SQL over ROW: its new or old row)
ORGANIZATIONS_OF = {
    "check_in": _OF_PERSON,
    "removal_case": _OF_PERSON,
    "relief_application": _OF_PERSON,
    "relief_step": (
        "SELECT p.org_id AS org FROM relief_application a JOIN person p ON p.id = a.person_id "
        "WHERE a.id = ROW.application_id"
    ),
    "task": _OF_PERSON,
    "travel_document": _OF_PERSON,
}

# The PostgreSQL trigger function of TABLE, from the organizations of its OLD and NEW rows.
PG_FUNCTION = """
CREATE FUNCTION bump_case_dates_stamp_TABLE() RETURNS trigger AS $$
DECLARE
  orgs integer[] := '{}';
  org integer;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    orgs := orgs || ARRAY(OLD_ORGANIZATIONS);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    orgs := orgs || ARRAY(NEW_ORGANIZATIONS);
  END IF;
  FOREACH org IN ARRAY orgs LOOP
    -- Once per organization and transaction: the row written first is committed with the rest.
    CONTINUE WHEN org IS NULL
      OR current_setting('casework.dates_bumped_' || org, true) = 'yes';
    INSERT INTO case_dates_stamp(org_id, stamp) VALUES (org, (random() * 9e18)::bigint)
    ON CONFLICT (org_id) DO UPDATE SET stamp = EXCLUDED.stamp;
    PERFORM set_config('casework.dates_bumped_' || org, 'yes', true);
  END LOOP;
  RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def _sqlite_bump(table: str, row: str) -> str:
    """The trigger body that gives every organization `row` touches a new stamp."""
    organizations = ORGANIZATIONS_OF[table].replace("ROW.", f"{row}.")
    return (
        f"INSERT OR IGNORE INTO case_dates_stamp(org_id, stamp) SELECT org, 0 FROM ({organizations}) "  # noqa: S608 (SQL above)
        "WHERE org IS NOT NULL; "
        f"UPDATE case_dates_stamp SET stamp = random() WHERE org_id IN ({organizations}); "
    )


def upgrade():
    op.create_table(
        "case_dates_stamp",
        sa.Column("org_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_case_dates_stamp")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in ORGANIZATIONS_OF:
            for event, row in (("insert", "new"), ("delete", "old")):
                op.execute(
                    f"CREATE TRIGGER {table}_dates_{event} AFTER {event.upper()} ON {table} "
                    f"BEGIN {_sqlite_bump(table, row)}END"
                )
            op.execute(
                f"CREATE TRIGGER {table}_dates_update AFTER UPDATE ON {table} "
                f"BEGIN {_sqlite_bump(table, 'old')}{_sqlite_bump(table, 'new')}END"
            )
    elif dialect == "postgresql":
        for table, organizations in ORGANIZATIONS_OF.items():
            function = (
                PG_FUNCTION.replace("TABLE", table)
                .replace("OLD_ORGANIZATIONS", organizations.replace("ROW.", "OLD."))
                .replace("NEW_ORGANIZATIONS", organizations.replace("ROW.", "NEW."))
            )
            op.execute(function)
            op.execute(
                f"CREATE TRIGGER {table}_dates AFTER INSERT OR DELETE OR UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION bump_case_dates_stamp_{table}()"
            )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in ORGANIZATIONS_OF:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_dates_{event}")
    elif dialect == "postgresql":
        for table in ORGANIZATIONS_OF:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_dates ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS bump_case_dates_stamp_{table}()")
    op.drop_table("case_dates_stamp")
