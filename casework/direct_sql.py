"""Statements run straight on the driver's connection: the hottest statements on PostgreSQL.

They are the public petition pages' (a signature's lookup and its INSERT, a confirmation's UPDATE) and the
session's row that every signed-in request reads (casework.sessions). Through `Connection.execute` each one
also paid SQLAlchemy's own work per statement (a cache key, an execution context, a cursor result and its
metadata): about a sixth of the CPU a signature costs. Here a statement is compiled once, and each run hands
the driver the SQL text and the parameters, on the DBAPI connection under the request's own SQLAlchemy
`Connection`: the same connection and transaction, committed (or rolled back) by the unit of work.

What stays as through `Connection.execute`: parameters pass through the statement's bind processors (a StrEnum
becomes its stored value) and results through its result processors (the stored value becomes the member);
the engine's `before_cursor_execute` and `after_cursor_execute` events fire (statement counts see these
statements; `unit_of_work.begin_before_writes` opens a transaction before a write); a lost connection is
invalidated and raised as `DatabaseUnreachable` (casework.outage), any other driver error as its
sqlalchemy.exc class, with the parameters hidden. What does not: column defaults computed at each run (an
`onupdate=utcnow`) are not computed, so a statement that would need one is refused on every database (give
it the value); the events get no execution context (None), and the other events of `Connection.execute`
(`before_execute`, error events) do not fire.

Other databases (SQLite, the embedded default) run the statement through `Connection.execute` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from casework.outage import DatabaseUnreachable

# The dialects whose statements run on the driver directly (psycopg takes the compiled SQL and a dict).
DIRECT_DIALECTS = frozenset({"postgresql"})

# A statement that returns rows (a SELECT, or an INSERT or UPDATE with RETURNING).
Statement = sa.Select[Any] | sa.Insert | sa.Update


@dataclass(frozen=True)
class _Compiled:
    """A statement compiled once for one dialect: its SQL, its parameters' defaults and converters, and the
    names and converters of the columns it returns."""

    statement: Statement  # held, so that the id this is kept under is never reused by another statement
    sql: str
    defaults: dict[str, Any]
    bind_processors: dict[str, Callable[[Any], Any]]
    names: tuple[str, ...]
    result_processors: tuple[Callable[[Any], Any] | None, ...]


_compiled: dict[tuple[int, str], _Compiled] = {}


def _compile(statement: Statement, dialect: Dialect) -> _Compiled:
    key = (id(statement), dialect.name)
    found = _compiled.get(key)
    if found is not None and found.statement is statement:
        return found
    compiled = statement.compile(dialect=dialect)
    computed = [*compiled.insert_prefetch, *compiled.update_prefetch]
    if computed:
        # Connection.execute computes these defaults (an `onupdate=utcnow`) at each run; nothing here does.
        raise TypeError(
            f"{', '.join(str(column) for column in computed)}: a default computed at each run; give the "
            "statement its value, or run it through Connection.execute"
        )
    bind_processors: dict[str, Callable[[Any], Any]] = {}
    for name, bind in compiled.binds.items():
        processor = dialect.type_descriptor(bind.type).bind_processor(dialect)
        if processor is not None:
            bind_processors[name] = processor
    columns = list(statement.exported_columns)
    names = tuple(column.key for column in columns if column.key)
    if len(names) != len(columns):
        raise TypeError("every column the statement returns needs a name: label it")
    found = _compiled[key] = _Compiled(
        statement=statement,
        sql=compiled.string,
        defaults=dict(compiled.params),
        bind_processors=bind_processors,
        names=names,
        result_processors=tuple(
            dialect.type_descriptor(column.type).result_processor(dialect, None) for column in columns
        ),
    )
    return found


def _parameters(compiled: _Compiled, params: Mapping[str, Any]) -> dict[str, Any]:
    """The values the SQL names, from `params` or the statement's own literals, converted for the driver."""
    values = {}
    for name, default in compiled.defaults.items():
        value = params.get(name, default)
        processor = compiled.bind_processors.get(name)
        values[name] = processor(value) if processor is not None and value is not None else value
    return values


def first(connection: Connection, statement: Statement, params: Mapping[str, Any]) -> dict | None:
    """The first row `statement` returns with `params`, as {column key: value}, or None."""
    dialect = connection.dialect
    compiled = _compile(statement, dialect)  # on every database, so that none accepts what another refuses
    if dialect.name not in DIRECT_DIALECTS:
        row = connection.execute(statement, params).first()
        return dict(row._mapping) if row is not None else None
    if not connection.in_transaction():
        connection.begin()  # as Connection.execute would: the connection's commit() then ends what runs here
    driver = connection.connection.driver_connection
    values = _parameters(compiled, params)
    try:
        cursor = driver.cursor()  # type: ignore[union-attr]
        # The engine's cursor events, as Connection.execute fires them: what counts or inspects statements
        # (the tests, the benchmark, `unit_of_work.begin_before_writes`) sees these too.
        connection.dispatch.before_cursor_execute(connection, cursor, compiled.sql, values, None, False)
        cursor.execute(compiled.sql, values)
        connection.dispatch.after_cursor_execute(connection, cursor, compiled.sql, values, None, False)
        row = cursor.fetchone()  # (every statement run here returns rows; its description is never built)
    except dialect.loaded_dbapi.Error as error:
        raise _translated(connection, compiled.sql, error) from error
    if row is None:
        return None
    return {
        name: processor(value) if processor is not None else value
        for name, processor, value in zip(compiled.names, compiled.result_processors, row, strict=True)
    }


def _translated(connection: Connection, sql: str, error: Any) -> Exception:
    """The exception SQLAlchemy would have raised for the driver's `error`: a lost connection is invalidated
    (the pool replaces it) and raised as DatabaseUnreachable; anything else as its sqlalchemy.exc class."""
    dialect = connection.dialect
    if dialect.is_disconnect(error, connection.connection.dbapi_connection, None):
        connection.invalidate(error)
        return DatabaseUnreachable(sql, None, error, connection_invalidated=True)
    return sa.exc.DBAPIError.instance(
        sql, None, error, dialect.loaded_dbapi.Error, hide_parameters=True, dialect=dialect
    )
