"""Names searched through an index: FTS5 trigrams on SQLite, pg_trgm on PostgreSQL

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 06:15:00.000000

Search matches every folded word of a query anywhere in `person.search_text` (a substring, in any script).
Both indexes answer exactly that question for words of three characters or more:

- SQLite: `person_search`, an FTS5 table with the trigram tokenizer over `person.search_text` (external
  content: the text is stored once, in `person`). Triggers on `person` keep it in step under every write
  path (the application, bulk inserts, imports, the demo, purge, deletes), since the database runs them.
- PostgreSQL: a GIN index with `gin_trgm_ops` on `person.search_text`, which serves `LIKE '%word%'`
  (the pg_trgm extension ships with PostgreSQL and is trusted: the database owner may create it).

A rebuild of the `person` table on SQLite (a batch migration that recreates it) drops its triggers: such a
migration must create them again (`tests/test_name_search.py` checks they are in place at the head).
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = {
    "person_search_insert": (
        "AFTER INSERT ON person BEGIN "
        "INSERT INTO person_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    "person_search_delete": (
        "AFTER DELETE ON person BEGIN "
        "INSERT INTO person_search(person_search, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    ),
    "person_search_update": (
        "AFTER UPDATE OF search_text ON person BEGIN "
        "INSERT INTO person_search(person_search, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO person_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
}


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE person_search USING fts5(search_text, content='person', "
            "content_rowid='id', tokenize='trigram case_sensitive 1')"
        )
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        op.execute("INSERT INTO person_search(person_search) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_person_search_trgm ON person USING gin (search_text gin_trgm_ops)")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS person_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_person_search_trgm")
