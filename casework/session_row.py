"""A signed-in request's session row, read with its user and the user's organization in one statement.

It runs on the driver (casework.direct_sql), on the connection the page then uses, beside what the page
registered to read with it (casework.page_reads), and the two objects are made from its columns
(row_sets.EntityColumns): the ORM's execution and loading of them cost about a fifth of the CPU of a request
that serves a kept page. On PostgreSQL a GET reads it on a connection of the request
(`unit_of_work.request_read_connection`), and its user is held until the page makes an ORM session, if it
makes one (a page kept whole does not); elsewhere on the ORM session's connection, the user in that session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from casework import direct_sql, page_reads, row_sets
from casework.extensions import db
from casework.models import Organization, User, WebSession
from casework.outage import DatabaseUnreachable
from casework.unit_of_work import (
    end_request_connection,
    hold_for_orm_session,
    reads_without_transaction,
    request_read_connection,
)

_table = cast(sa.Table, WebSession.__table__)
_user_table = cast(sa.Table, User.__table__)
_organization_table = cast(sa.Table, Organization.__table__)
_USER = row_sets.EntityColumns(User, "user__")
_ORGANIZATION = row_sets.EntityColumns(Organization, "organization__")
# A session's row with its user and the user's organization by the token's hash, built once.
ROW_WITH_USER = (
    sa.select(*_table.c, *_USER.columns, *_ORGANIZATION.columns)
    .select_from(
        _table.outerjoin(_user_table, _user_table.c.id == _table.c.user_id).outerjoin(
            _organization_table, _organization_table.c.id == _user_table.c.org_id
        )
    )
    .where(_table.c.token_hash == sa.bindparam("token_hash"))
)


def read(token_hash: str, endpoint: str | None) -> tuple[dict | None, bool]:
    """(The row of the session whose token has `token_hash`, with what `endpoint`, a GET's page, registered to
    read beside it; whether it was read on the request's own connection, its user to be held for the ORM
    session). Raises DatabaseUnreachable, the request's connection given back."""
    statement, params = page_reads.session_statement(ROW_WITH_USER, endpoint)
    try:
        # A GET on PostgreSQL: a connection of the request, without BEGIN and COMMIT around its reads, which the
        # ORM session uses only if the page makes one; elsewhere the ORM session's own connection.
        connection = request_read_connection() if endpoint is not None else None
        if connection is None:
            reads_without_transaction()
        row = direct_sql.first(
            connection or db.session.connection(), statement, {"token_hash": token_hash, **params}
        )
    except DatabaseUnreachable:
        end_request_connection()
        if db.session.registry.has():
            db.session.rollback()  # no connection to roll back: this only resets the session's state
        raise
    return row, connection is not None


def user_of(row: Mapping[str, Any], held: bool) -> User | None:
    """The user (with the organization) the row names, as if the ORM had loaded them: persistent in the ORM
    session, or, `held` and no ORM session made yet, detached until the request makes one, which then holds
    them."""
    if held and not db.session.registry.has():
        user = _USER.detached_instance(row)
        if user is not None:
            set_committed_value(user, "organization", _ORGANIZATION.detached_instance(row))
            hold_for_orm_session(user, user.organization)
        return user
    orm_session = db.session()
    user = _USER.instance(row, orm_session)
    if user is not None and "organization" not in sa.inspect(user).dict:
        set_committed_value(user, "organization", _ORGANIZATION.instance(row, orm_session))
    return user
