"""A stamp per organization that changes whenever the people list's filter choices may change

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 06:20:00.000000

The people list caches its filter choices (countries, communities, colleagues) per organization in each
server process; `list_choices_stamp.stamp` tells every process that its copy is stale. Triggers set a new
random stamp on any write that can change a choice (a person added, deleted or moved, their citizenship,
community or deletion; a user added, deleted, renamed, (de)activated or moved), whatever path the write
takes (the application, imports, the demo, purge, bulk inserts). On PostgreSQL the stamp is written once
per organization and transaction (a transaction-local setting remembers it), so a bulk insert pays for one
row write, not one per person.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

WATCHED = {
    "person": "citizenship, community, deleted_at, org_id",
    "user_account": "name, email, active, org_id",
}


SQLITE_BUMP = (
    "INSERT OR IGNORE INTO list_choices_stamp(org_id, stamp) VALUES (ROW.org_id, 0); "
    "UPDATE list_choices_stamp SET stamp = random() WHERE org_id = ROW.org_id; "
)


def _sqlite_bump(row: str) -> str:
    """The trigger body that gives the organization of `row` (new or old) a new stamp."""
    return SQLITE_BUMP.replace("ROW.", f"{row}.")


def upgrade():
    op.create_table(
        "list_choices_stamp",
        sa.Column("org_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_list_choices_stamp")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, columns in WATCHED.items():
            op.execute(
                f"CREATE TRIGGER {table}_choices_insert AFTER INSERT ON {table} BEGIN {_sqlite_bump('new')}END"
            )
            op.execute(
                f"CREATE TRIGGER {table}_choices_delete AFTER DELETE ON {table} BEGIN {_sqlite_bump('old')}END"
            )
            op.execute(
                f"CREATE TRIGGER {table}_choices_update AFTER UPDATE OF {columns} ON {table} "
                f"BEGIN {_sqlite_bump('old')}{_sqlite_bump('new')}END"
            )
    elif dialect == "postgresql":
        op.execute(
            """
            CREATE FUNCTION bump_list_choices_stamp() RETURNS trigger AS $$
            DECLARE
              org integer;
            BEGIN
              FOREACH org IN ARRAY ARRAY[
                CASE WHEN TG_OP <> 'INSERT' THEN OLD.org_id END,
                CASE WHEN TG_OP <> 'DELETE' THEN NEW.org_id END
              ] LOOP
                -- Once per organization and transaction: the row written first is committed with the rest.
                CONTINUE WHEN org IS NULL
                  OR current_setting('casework.choices_bumped_' || org, true) = 'yes';
                INSERT INTO list_choices_stamp(org_id, stamp) VALUES (org, (random() * 9e18)::bigint)
                ON CONFLICT (org_id) DO UPDATE SET stamp = EXCLUDED.stamp;
                PERFORM set_config('casework.choices_bumped_' || org, 'yes', true);
              END LOOP;
              RETURN NULL;
            END
            $$ LANGUAGE plpgsql
            """
        )
        for table, columns in WATCHED.items():
            op.execute(
                f"CREATE TRIGGER {table}_choices AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION bump_list_choices_stamp()"
            )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in WATCHED:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_choices_{event}")
    elif dialect == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_choices ON {table}")
        op.execute("DROP FUNCTION IF EXISTS bump_list_choices_stamp()")
    op.drop_table("list_choices_stamp")
