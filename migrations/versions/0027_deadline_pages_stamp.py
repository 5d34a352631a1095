"""The people list's stamp also moves on every write of the dated rows What's due and the dashboard show

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 14:00:00.000000

Each server process keeps the What's due and dashboard pages it has made for staff and admins (who see
exactly their organization's live cases) under the organization's `people_list_stamp` (migration 0026), as it
keeps the people list's pages. That stamp already moves on any write of a person, a team, a colleague's name
or a custody event; these triggers move it too on any write of the rows those pages are made of: check-ins,
removal cases (hearings, orders, stays), relief applications and their steps, tasks and travel documents,
whatever path the write takes.

One stamp, not a second one: on PostgreSQL a transaction holds the stamp row it wrote until it commits, and
two stamps written in opposite orders by two transactions (a check-in then a person; a person then a
check-in) could deadlock. With one row per organization the order cannot differ. A list page is made afresh
after such a write too, which costs a first visit's time.
"""

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

# The PostgreSQL trigger function of TABLE, from the organizations of its OLD and NEW rows: migration 0026's,
# with the same once-per-organization-and-transaction marker.
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
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in ORGANIZATIONS_OF:
            for event, row in (("insert", "new"), ("delete", "old")):
                op.execute(
                    f"CREATE TRIGGER {table}_list_{event} AFTER {event.upper()} ON {table} "
                    f"BEGIN {_sqlite_bump(table, row)}END"
                )
            op.execute(
                f"CREATE TRIGGER {table}_list_update AFTER UPDATE ON {table} "
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
                f"CREATE TRIGGER {table}_list AFTER INSERT OR DELETE OR UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION bump_people_list_stamp_{table}()"
            )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in ORGANIZATIONS_OF:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_list_{event}")
    elif dialect == "postgresql":
        for table in ORGANIZATIONS_OF:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_list ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS bump_people_list_stamp_{table}()")
