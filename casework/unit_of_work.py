"""One unit of work per request, and the same for CLI commands: commit is a mechanism, not a habit.

A request commits once, after its view returns without an exception, and rolls back when anything raises
(an abort(404) included): the change and its audit row stand or fall together. Views and operations never
commit; operations flush. Commands and jobs outside a request use `transaction()`.

A GET or HEAD request may write its audit records and nothing else: a flush that would change anything
else raises WriteInReadOnlyRequest, so a page that writes as a side effect fails its tests.

On PostgreSQL a GET's reads run outside a transaction (no BEGIN and COMMIT round trips), and its first
statement that writes, locks or streams opens one: see `reads_without_transaction`.

Work outside the database that must follow the commit (a document's file gets its final name only once its
row is committed) registers with `after_commit(callback, on_rollback=...)`: the callback runs right after
the unit of work's commit, `on_rollback` when it ends any other way (an error, a refusal rolled back, a
session closed without commit). Both belong to the outermost transaction; a failing callback is logged and
never undoes the commit.
"""

from __future__ import annotations

import functools
import inspect
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import CodeType, FunctionType
from typing import ParamSpec, TypeVar

from flask import Blueprint, Flask, g, has_request_context, request
from flask.ctx import RequestContext
from sqlalchemy import Connection, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from casework.errors import WriteInReadOnlyRequest
from casework.extensions import HELD_FOR_ORM_SESSION, ORM_SESSION_CONNECTION, db
from casework.models import AuditEvent

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PENDING = "casework.after_commit"  # session.info key: [(on_commit, on_rollback), ...]
_REQUEST_CONNECTION = "_request_connection"  # g key: the request's own Core connection, if it opened one

logger = logging.getLogger("casework.unit_of_work")

P = ParamSpec("P")
R = TypeVar("R")
B = TypeVar("B", bound=Blueprint)


class MatchedOnceRequestContext(RequestContext):
    """Flask's request context, whose address is matched against the routes once: the session opens before
    Flask matches it and needs the endpoint (`casework.i18n.requested_endpoint` matches it then)."""

    _matched = False

    def match_request(self) -> None:
        """Match the address (the first time it is asked: its rule, view arguments or routing error stay)."""
        if not self._matched:
            self._matched = True
            super().match_request()


class CaseworkFlask(Flask):
    """Flask whose every view runs inside the request's unit of work."""

    def request_context(self, environ) -> RequestContext:
        """The request's context (its address matched once)."""
        return MatchedOnceRequestContext(self, environ)

    def dispatch_request(self):
        """Run the view; commit once when it returns, roll back when it raises."""
        return run_request(super().dispatch_request)

    def ensure_sync(self, func):
        """Flask's check that a hook or view is no coroutine, made once per function body: Flask makes it for
        every hook of every request (fourteen a page here, each an `inspect` of the function's code)."""
        code = getattr(func, "__code__", None)
        if type(func) is not FunctionType or code is None or hasattr(func, "_is_coroutine_marker"):
            return super().ensure_sync(func)
        is_coroutine = _IS_COROUTINE.get(code)
        if is_coroutine is None:
            is_coroutine = _IS_COROUTINE[code] = inspect.iscoroutinefunction(func)
        return self.async_to_sync(func) if is_coroutine else func


# Kept per code object, not per function: a closure made anew for each request (an after_this_request hook)
# shares its code, so this never grows past the application's own functions.
_IS_COROUTINE: dict[CodeType, bool] = {}


def run_request(view: Callable[[], R]) -> R:
    """Call `view` as the request's unit of work: commit once when it returns, roll back when it raises."""
    g._read_only_view = request.method in READ_ONLY_METHODS
    plain = g._plain_request = request.blueprint in _PLAIN_BLUEPRINTS
    try:
        if not plain:
            reads_without_transaction()
    except SQLAlchemyError:
        db.session.rollback()  # no connection: the view's own first statement meets the outage and says so
    try:
        try:
            result = view()
            _commit()  # a GET's commit, too, flushes nothing but its audit record
        except BaseException:
            if db.session.registry.has():
                db.session.rollback()
            _end_request_connection(commit=False)
            raise
        _end_request_connection(commit=True)
    finally:
        g._read_only_view = False
    return result


# Blueprints whose pages load no ORM object and run their statements on `plain_connection`.
_PLAIN_BLUEPRINTS: set[str] = set()


def without_orm_session(blueprint: B) -> B:
    """Have the pages of `blueprint` (which load no ORM object) run on `plain_connection`; returns it."""
    _PLAIN_BLUEPRINTS.add(blueprint.name)
    return blueprint


def plain_connection(autocommit: bool = False) -> Connection:
    """The connection of a request of a `without_orm_session` blueprint: a Core connection from the pool,
    outside the ORM session (whose transaction bookkeeping cost such a request about as much as one of its
    statements), committed or rolled back by `run_request` as the session is, and returned to the pool then.
    On PostgreSQL a read-only request's reads, and with `autocommit` a request whose one write is a single
    statement (see `self_committing_connection`), commit as they run. Anywhere else (another page, a
    command, the demo data): the session's connection, as `self_committing_connection` gives it."""
    if not (has_request_context() and g.get("_plain_request")):
        return self_committing_connection() if autocommit else db.session.connection()
    connection = g.get(_REQUEST_CONNECTION)
    if connection is None:
        connection = db.engine.connect()
        if connection.dialect.name == "postgresql" and (autocommit or request.method in READ_ONLY_METHODS):
            connection.execution_options(isolation_level="AUTOCOMMIT")
        setattr(g, _REQUEST_CONNECTION, connection)
    return connection


def request_read_connection() -> Connection | None:
    """A signed-in GET's (or HEAD's) one connection on PostgreSQL, opened for its session's row
    (casework.session_row): its reads run without a transaction until a statement writes, locks or streams, as
    with `reads_without_transaction`, and the ORM session runs on it too if the page makes one
    (`casework.extensions.RequestSession`): a page kept whole makes none, and pays neither its making nor its
    commit. Returned to the pool at the end of the request. None elsewhere (SQLite, a form posted)."""
    if request.method not in READ_ONLY_METHODS or request.blueprint in _PLAIN_BLUEPRINTS:
        return None  # a public page's plain connection is never the ORM session's
    connection = g.get(ORM_SESSION_CONNECTION)
    if connection is None and not db.session.registry.has() and db.engine.dialect.name == "postgresql":
        connection = db.engine.connect()  # (with an ORM session made already, it keeps its own connection)
        connection.execution_options(isolation_level="AUTOCOMMIT", **{BEGIN_ON_WRITE: True})
        setattr(g, _REQUEST_CONNECTION, connection)
        setattr(g, ORM_SESSION_CONNECTION, connection)
    return connection


def hold_for_orm_session(*instances: object) -> None:
    """Have the request's ORM session, when it is made, hold `instances` (detached, read on
    `request_read_connection`) as persistent from the start, in place of any held before."""
    setattr(g, HELD_FOR_ORM_SESSION, instances)


def end_request_connection(error: BaseException | None = None) -> None:
    """Give the request's own connection back to the pool, its transaction (if any) rolled back: for a
    request that ends before its view (a redirect by a hook, an address that matches no page; a teardown
    function), or a connection lost."""
    try:
        _end_request_connection(commit=False)
    except SQLAlchemyError:
        logger.warning("the request's connection could not be rolled back", exc_info=True)


def _end_request_connection(commit: bool) -> None:
    connection = g.pop(_REQUEST_CONNECTION, None)
    g.pop(ORM_SESSION_CONNECTION, None)
    if connection is None:
        return
    try:
        if connection.in_transaction():
            if commit:
                connection.commit()
            else:
                connection.rollback()
    finally:
        connection.close()


def self_committing_connection() -> Connection:
    """The connection for a request whose one write is a single statement: on PostgreSQL it commits as it runs."""
    # No BEGIN and COMMIT round trips, and the row locks the statement takes end with it, not after the page is
    # rendered (a petition's confirmation: every other confirmation waits for that row). Only while the unit
    # of work has not begun, and in a request; whatever runs after it on this connection commits as it runs
    # too, so the request must write nothing else. SQLite, a unit of work under way, or a GET's connection (on
    # which a write first opens a transaction): the usual connection.
    session = db.session()
    if (
        not has_request_context()
        or g.get(ORM_SESSION_CONNECTION) is not None
        or session.in_transaction()
        or session.get_bind().dialect.name != "postgresql"
    ):
        return session.connection()
    return session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def reads_without_transaction() -> None:
    """On PostgreSQL, a GET's (or HEAD's) reads run without BEGIN and COMMIT (two of the four round trips of a
    people list page kept whole): its connection is in autocommit until a statement that writes, locks or
    reads through a server-side cursor, which first opens a real transaction (`begin_before_writes`), so
    that the audit rows a page writes commit or roll back together as before. Reads see the same either
    way: under READ COMMITTED each statement takes its own snapshot. Only before the unit of work began."""
    if request.method not in READ_ONLY_METHODS or g.get(ORM_SESSION_CONNECTION) is not None:
        return  # the ORM session will run on the request's connection, already so
    session = db.session()
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT", BEGIN_ON_WRITE: True})


# What a statement run outside a transaction may be: a plain SELECT that neither locks nor streams.
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b|pg_advisory", re.IGNORECASE)
# The execution option that marks a connection set by reads_without_transaction.
BEGIN_ON_WRITE = "casework_begin_on_write"


def begin_before_writes(engine) -> None:
    """Open a transaction on a connection of `reads_without_transaction` before its first statement that is
    not a plain read (PostgreSQL)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_before_writes(conn, cursor, statement, parameters, context, executemany) -> None:
        if not conn._execution_options.get(BEGIN_ON_WRITE):
            return
        streams = context is not None and context.execution_options.get("stream_results")
        if not streams and _plain_select(statement):
            return
        if _no_transaction_open(conn):
            conn.connection.dbapi_connection.execute("BEGIN")


@functools.lru_cache(maxsize=1024)
def _plain_select(statement: str) -> bool:
    """Whether the SQL text is a SELECT that locks nothing (kept per text: the application's statements are
    compiled once and sent many times, and the search runs through the whole text)."""
    return statement.lstrip()[:6].upper() == "SELECT" and not _LOCKING.search(statement)


def rollback() -> None:
    """Discard what the request has done so far (a refused operation, an edit conflict); work may go on."""
    db.session.rollback()


@contextmanager
def transaction() -> Iterator[None]:
    """A unit of work outside a request (a CLI command, one step of a batch): commit on success, roll back
    on any exception. Nested use is not supported: each step of a batch is one transaction of its own."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    _commit()


def command(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator for a CLI command body: the whole command is one unit of work."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction():
            return func(*args, **kwargs)

    return wrapped


def after_commit(callback: Callable[[], None], on_rollback: Callable[[], None] | None = None) -> None:
    """Run `callback` once the current unit of work has committed; `on_rollback` (if given) instead when it
    is rolled back or closed without a commit."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # the callbacks belong to a transaction; this one ends with the unit of work
    session.info.setdefault(_PENDING, []).append((callback, on_rollback))


def _call(callback: Callable[[], None] | None, when: str) -> None:
    if callback is None:
        return
    try:
        callback()
    except Exception:  # the transaction's outcome stands; what failed here is left for the recovery steps
        logger.exception("%s callback %r failed", when, callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    """The outermost transaction committed (a savepoint's commit decides nothing): run the callbacks."""
    if session.get_nested_transaction() is not None:
        return
    for callback, _ in session.info.pop(_PENDING, ()):
        _call(callback, "after-commit")


@event.listens_for(Session, "after_transaction_end")
def _run_on_rollback(session: Session, transaction) -> None:
    """The outermost transaction ended without running its callbacks: it did not commit."""
    if transaction.parent is not None:
        return
    for _, on_rollback in session.info.pop(_PENDING, ()):
        _call(on_rollback, "on-rollback")


def _commit() -> None:
    if not db.session.registry.has():
        return  # no session was made (a page on `plain_connection`): none is made only to find nothing to commit
    session = db.session()
    if not session.in_transaction():
        return
    if _only_read_without_transaction(session):
        # Nothing to commit: the connection goes back to the pool as a commit would give it back, and what was
        # loaded stays loaded (detached), without a commit's flush, expiry and bookkeeping (2.7% of the
        # instructions of a people list page kept whole; a rollback would cost more than the commit).
        session.close()
    else:
        session.commit()


def _only_read_without_transaction(session: Session) -> bool:
    """Whether the request's session only read, on a connection of `reads_without_transaction` that never
    began a transaction, with nothing to flush and no callback waiting for a commit: nothing to commit."""
    if session.new or session.deleted or session.info.get(_PENDING) or session.identity_map.check_modified():
        return False
    transaction = session.get_transaction()
    # The transaction's connections, each under its engine and under itself.
    connections = {entry[0] for entry in transaction._connections.values()} if transaction else set()  # noqa: SLF001
    if len(connections) != 1:
        return False
    connection = connections.pop()
    return bool(connection._execution_options.get(BEGIN_ON_WRITE)) and _no_transaction_open(connection)  # noqa: SLF001


def _no_transaction_open(connection: Connection) -> bool:
    """Whether the PostgreSQL server has no transaction open on this connection (no BEGIN sent, or it ended)."""
    from psycopg.pq import TransactionStatus

    dbapi_connection = connection.connection.dbapi_connection
    return dbapi_connection is not None and dbapi_connection.info.transaction_status == TransactionStatus.IDLE


def _in_read_only_view() -> bool:
    return has_request_context() and g.get("_read_only_view", False)


@event.listens_for(Session, "before_flush")
def _read_only_requests_write_only_audit(session: Session, flush_context, instances) -> None:
    """A GET writes nothing but its audit record."""
    if not _in_read_only_view():
        return
    changed = [*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))]
    offending = sorted({type(o).__name__ for o in changed if not isinstance(o, AuditEvent)})
    if offending:
        raise WriteInReadOnlyRequest(
            f"{request.method} {request.url_rule} tried to write {', '.join(offending)}: only POST changes data"
        )
