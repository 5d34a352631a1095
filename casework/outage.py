"""When the database cannot be reached: one clear 503 page, /healthz 503, one-line CLI errors.

A failure to connect (connection refused, host down, SQLite file that cannot be opened) or a connection lost
mid-request is raised as `DatabaseUnreachable` (recognized once, where SQLAlchemy reports it). From then on
nothing in the request touches the database again: the session interface keeps its writes, the error page
is shown to an anonymous user (loading the signed-in one would query again), and one line is logged, not a
traceback. Other database errors (a constraint, a lock timeout) are not outages and keep their own paths.
"""

from __future__ import annotations

import functools
import time
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, Response, current_app, g, jsonify, render_template, request
from sqlalchemy import event
from sqlalchemy.engine import ExceptionContext

from casework.extensions import db, login_manager

MESSAGE = "The database is unreachable. Try again in a minute."
RETRY_AFTER_SECONDS = 60
# Pages that report the outage themselves, or need no database at all.
_ANSWER_THEMSELVES = frozenset({"static", "core.healthz"})


class DatabaseUnreachable(sa.exc.OperationalError):
    """The database could not be reached (or the connection was lost): trying again later may work."""


def _recognize_unreachable(context: ExceptionContext) -> None:
    """SQLAlchemy's error hook: a failed connect or a lost connection becomes DatabaseUnreachable."""
    if context.is_pre_ping:
        return  # the pool replaces a dead pooled connection by itself
    if context.connection is not None and not context.is_disconnect:
        return  # an error of a statement on a live connection: not an outage
    if not isinstance(context.sqlalchemy_exception, sa.exc.DBAPIError):
        return  # not the driver's error (a bug in the arguments, an interrupt): keep it as it is
    raise DatabaseUnreachable(
        context.statement,
        context.parameters,
        context.original_exception,
        connection_invalidated=context.is_disconnect,
    ) from context.original_exception


# A pooled connection idle longer than this is pinged before use (a dead one is replaced, as pool_pre_ping
# would); one in steady use is not, so a busy server pays no round trip per request for it.
PING_AFTER_IDLE_SECONDS = 30.0


def _note_checkin(dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """The pool's checkout hook: ping a connection that sat idle; a dead one makes the pool reconnect."""
    checked_in_at = record.info.get("checked_in_at")
    if checked_in_at is None or time.monotonic() - checked_in_at < PING_AFTER_IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
    except Exception as error:  # the driver's own error class: any failure means this connection is gone
        raise sa.exc.DisconnectionError("idle connection lost") from error


def watch(engine: sa.engine.Engine) -> None:
    """Raise DatabaseUnreachable for this engine's failed connects and lost connections; ping pooled
    connections that sat idle (SQLite opens a file: nothing to ping)."""
    event.listen(engine, "handle_error", _recognize_unreachable)
    if engine.dialect.name != "sqlite" and not getattr(engine.pool, "_pre_ping", False):
        event.listen(engine, "checkin", _note_checkin)
        event.listen(engine, "checkout", _ping_if_idle)


def where(url: sa.engine.URL) -> str:
    """The database's location for a message: host:port, or the SQLite file (never the credentials)."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return f"{url.host or 'localhost'}:{url.port or 'default port'}"


def describe(error: DatabaseUnreachable) -> str:
    """One line: where the database was expected and the driver's own first line of the reason."""
    reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error.orig).__name__
    try:
        location = where(db.engine.url)
    except RuntimeError:  # no application context
        location = "?"
    return f"the database is unreachable ({location}): {reason}"


def mark_unreachable(error: DatabaseUnreachable) -> None:
    """Remember for the rest of the request that the database is down (nothing touches it again)."""
    g.database_unreachable = error


def database_unreachable_in_request() -> bool:
    """Whether this request already found the database down."""
    return g.get("database_unreachable") is not None


def _stop_early() -> None:
    """The session could not be read: answer 503 before anything else asks the database (or CSRF fails)."""
    error = g.get("database_unreachable")
    if error is not None and request.endpoint not in _ANSWER_THEMSELVES:
        raise error


def _unreachable_page(error: DatabaseUnreachable) -> Response:
    mark_unreachable(error)
    db.session.rollback()  # no connection to roll back: this only resets the session's state
    g._login_user = login_manager.anonymous_user()  # loading the signed-in user would query again
    current_app.logger.warning("%s %s: %s", request.method, request.path, describe(error))
    if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
        response = jsonify(error=MESSAGE)
    else:
        page = render_template("errors/error.html", code=503, title="Database unreachable", message=MESSAGE)
        response = current_app.response_class(page, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def replace_response(response: Response, error: DatabaseUnreachable) -> None:
    """The session could not be saved after the view had answered (the database went down, or a first page
    needs a new session): the answer becomes the 503 page, since the page's form would not work."""
    unreachable = _unreachable_page(error)
    response.set_data(unreachable.get_data())
    response.status_code = 503
    response.headers["Content-Type"] = unreachable.headers["Content-Type"]
    response.headers["Retry-After"] = unreachable.headers["Retry-After"]
    for header in ("Location", "Content-Disposition"):
        response.headers.pop(header, None)


def _guard_command(command: click.Command | None) -> click.Command | None:
    """Make a command print one line and exit 1 when the database is unreachable (once per command object)."""
    if command is None or getattr(command, "_database_outage_guard", False):
        return command
    invoke = command.invoke

    @functools.wraps(invoke)
    def guarded_invoke(ctx: click.Context) -> Any:
        try:
            return invoke(ctx)
        except DatabaseUnreachable as exc:
            raise click.ClickException(describe(exc)) from None

    command.invoke = guarded_invoke  # type: ignore[method-assign]
    command._database_outage_guard = True  # type: ignore[attr-defined]
    return command


def _guard_cli(app: Flask) -> None:
    """Every command of `flask --app casework ...` (db upgrade included) is looked up through app.cli."""
    get_command = app.cli.get_command

    def guarded_get_command(ctx: click.Context, name: str) -> click.Command | None:
        return _guard_command(get_command(ctx, name))

    app.cli.get_command = guarded_get_command  # type: ignore[method-assign, assignment]


def init_app(app: Flask) -> None:
    """Recognize outages on the app's engine; register the 503 page, the early stop and the CLI guard."""
    with app.app_context():
        watch(db.engine)
    app.register_error_handler(DatabaseUnreachable, _unreachable_page)
    # First of all before_request hooks: CSRF's reads the session, the limiter's may count a request.
    app.before_request_funcs.setdefault(None, []).insert(0, _stop_early)
    _guard_cli(app)
