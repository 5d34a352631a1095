"""The index over `person.search_text` that name search reads (migration 0019).

SQLite: `person_search`, an FTS5 table with the trigram tokenizer (external content, kept in step by triggers
on `person`); PostgreSQL: a pg_trgm GIN index on the column. Neither is described by the models' metadata,
so schema comparison (`flask db check`, autogenerate) leaves them alone through `include_object`.
"""

from __future__ import annotations

import sqlalchemy as sa

FTS_TABLE = "person_search"
PG_INDEX = "ix_person_search_trgm"
TRIGGERS = ("person_search_insert", "person_search_delete", "person_search_update")

# Only the rowid (the person's id) and the column the MATCH applies to are read.
fts_table = sa.table(FTS_TABLE, sa.column("rowid", sa.Integer), sa.column("search_text", sa.Text))

MIN_INDEXED = 3  # a trigram index finds words of three characters or more


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Whether schema comparison should look at an object (not the search index and its FTS5 tables)."""
    if reflected and compare_to is None and name:
        if type_ == "table" and name.startswith(FTS_TABLE):
            return False
        if type_ == "index" and name == PG_INDEX:
            return False
    return True


def fts_query(words: list[str]) -> str:
    """An FTS5 query matching rows that contain every word as a substring (each quoted as a string)."""
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
