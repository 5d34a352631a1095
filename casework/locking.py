"""Holding a row until the request commits, so that a check and the write it allows cannot interleave.

A check that counts rows and then inserts or updates (the next position of a step, the active admins left,
the signatures of one mailbox on SQLite) is only true while nobody else does the same: each such check first locks
the row that owns what it counts (the application, the petition, the organization), then reads.

PostgreSQL: `SELECT .. FOR UPDATE` on that row; a second request waits for the first to commit and, in READ
COMMITTED, its next statement sees what the first wrote. SQLite has one writer at a time for the whole
database: a write that changes nothing takes that lock before the count is read (the driver opens the
transaction at the first write, so nothing read earlier in the request pins an older snapshot).

Where a unique constraint alone can hold the rule, no lock is needed: the signatures of one mailbox each hold
one of its places on the petition (casework.petitions.signing).
"""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa

from casework.extensions import db
from casework.models import Base


def lock_row(model: type[Base], row_id: int, connection: sa.Connection | None = None) -> None:
    """Lock the row `row_id` of `model`'s table until the unit of work ends (commit or rollback); on
    `connection` when given (a page's plain connection: unit_of_work.plain_connection), else the session's."""
    table = cast(sa.Table, model.__table__)
    execute = connection.execute if connection is not None else db.session.execute
    if (connection or db.session.get_bind()).dialect.name == "sqlite":
        # Rewrite the columns that would otherwise change on any UPDATE (updated_at) with their own value:
        # the row stays as it was, and no key is touched (no foreign key action can fire).
        unchanged = {column: column for column in table.c if column.onupdate is not None}
        if not unchanged:
            raise TypeError(f"{table.name} has no column to rewrite for a lock (such as updated_at)")
        execute(sa.update(table).where(table.c.id == row_id).values(unchanged))
    else:
        execute(sa.select(table.c.id).where(table.c.id == row_id).with_for_update())
