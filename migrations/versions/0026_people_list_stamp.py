"""A stamp per organization that changes whenever a page of its people list may change

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 21:15:00.000000

Each server process keeps the pages of the people list it has made for staff and admins (who see exactly
their organization's live cases), under `people_list_stamp.stamp`. Triggers set a new random stamp on any
write that can change what such a page shows, filters or sorts on: any write of a person (every column:
names, places, statuses, the A-number, the search text, the dates it sorts by); a team member added,
removed or moved; a user renamed or deleted (team names); a custody event written (the "detained between"
filter). Whatever path the write takes (the application, imports, the demo, purge, bulk SQL). On PostgreSQL
the stamp is written once per organization and transaction, as the filter choices' stamp is (migration 0023).
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# table -> (the organizations a changed row touches, as SQL over ROW: its new or old row)
ORGANIZATIONS_OF = {
    "person": "SELECT ROW.org_id AS org",
    "case_assignment": "SELECT org_id AS org FROM person WHERE id = ROW.person_id",
    "custody_event": "SELECT org_id AS org FROM person WHERE id = ROW.person_id",
    "user_account": (
        "SELECT ROW.org_id AS org UNION SELECT p.org_id FROM case_assignment a JOIN person p ON p.id = a.person_id "
        "WHERE a.user_id = ROW.id"
    ),
}
# The writes of each table that can change a page (None: every update).
UPDATES_OF = {"person": None, "case_assignment": None, "custody_event": None, "user_account": "name, email"}

# The PostgreSQL trigger function of TABLE, from the organizations of its OLD and NEW rows.
PG_FUNCTION = """
CREATE FUNCTION bump_people_list_stamp_TABLE() RETURNS trigger AS $$
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
      OR current_setting('casework.list_bumped_' || org, true) = 'yes';
    INSERT INTO people_list_stamp(org_id, stamp) VALUES (org, (random() * 9e18)::bigint)
    ON CONFLICT (org_id) DO UPDATE SET stamp = EXCLUDED.stamp;
    PERFORM set_config('casework.list_bumped_' || org, 'yes', true);
  END LOOP;
  RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def _sqlite_bump(table: str, row: str) -> str:
    """The trigger body that gives every organization `row` touches a new stamp."""
    organizations = ORGANIZATIONS_OF[table].replace("ROW.", f"{row}.")
    return (
        f"INSERT OR IGNORE INTO people_list_stamp(org_id, stamp) SELECT org, 0 FROM ({organizations}) "  # noqa: S608 (SQL above)
        "WHERE org IS NOT NULL; "
        f"UPDATE people_list_stamp SET stamp = random() WHERE org_id IN ({organizations}); "
    )


def upgrade():
    op.create_table(
        "people_list_stamp",
        sa.Column("org_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_people_list_stamp")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, columns in UPDATES_OF.items():
            of = f" OF {columns}" if columns else ""
            for event, row in (("insert", "new"), ("delete", "old")):
                op.execute(
                    f"CREATE TRIGGER {table}_list_{event} AFTER {event.upper()} ON {table} "
                    f"BEGIN {_sqlite_bump(table, row)}END"
                )
            op.execute(
                f"CREATE TRIGGER {table}_list_update AFTER UPDATE{of} ON {table} "
                f"BEGIN {_sqlite_bump(table, 'old')}{_sqlite_bump(table, 'new')}END"
            )
    elif dialect == "postgresql":
        for table in UPDATES_OF:
            organizations = ORGANIZATIONS_OF[table]
            function = (
                PG_FUNCTION.replace("TABLE", table)
                .replace("OLD_ORGANIZATIONS", organizations.replace("ROW.", "OLD."))
                .replace("NEW_ORGANIZATIONS", organizations.replace("ROW.", "NEW."))
            )
            op.execute(function)
            columns = UPDATES_OF[table]
            of = f" OF {columns}" if columns else ""
            op.execute(
                f"CREATE TRIGGER {table}_list AFTER INSERT OR DELETE OR UPDATE{of} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION bump_people_list_stamp_{table}()"
            )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in UPDATES_OF:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_list_{event}")
    elif dialect == "postgresql":
        for table in UPDATES_OF:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_list ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS bump_people_list_stamp_{table}()")
    op.drop_table("people_list_stamp")
