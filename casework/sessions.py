"""Server-side sessions: the cookie carries a random token, the data lives in the web_session table.

Logging out deletes the row, so a copied or replayed cookie is worthless afterwards; deactivating a
user or changing a password deletes that user's rows. Session writes use their own short transaction,
independent of the request's unit of work.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, timedelta
from typing import cast

import sqlalchemy as sa
from flask import Flask, Request, Response, request
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from casework import outage
from casework.extensions import db
from casework.models import WebSession
from casework.models.base import utcnow
from casework.outage import DatabaseUnreachable, database_unreachable_in_request, mark_unreachable

_serializer = TaggedJSONSerializer()
_table = cast(sa.Table, WebSession.__table__)
TOUCH_INTERVAL = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):
    """Session data plus the bookkeeping needed to save, rotate or destroy its row."""

    def __init__(self, initial=None, token: str | None = None, last_seen=None, created_at=None):
        def on_update(self):
            """Any change marks the session for saving."""
            self.modified = True

        super().__init__(initial, on_update)
        self.token = token
        self.last_seen = last_seen
        self.created_at = created_at
        self.modified = False
        self.rotate = False

    def regenerate(self) -> None:
        """Move the data to a fresh token (on sign-in, against session fixation)."""
        self.rotate = True
        self.modified = True

    def destroy(self) -> None:
        """Forget everything and end the server-side session."""
        self.clear()
        self.rotate = True
        self.modified = True


class DatabaseSessionInterface(SessionInterface):
    """Flask session interface backed by the web_session table."""

    serializer = _serializer

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        """The session of the cookie's token, or a new empty one (expired or idle sessions are deleted)."""
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 100:
            return ServerSession()
        try:
            return self._open(app, token)
        except DatabaseUnreachable as exc:
            # Raising here would escape the error handlers (the session opens before them): the request
            # answers 503 from its first before_request hook instead (casework.outage).
            mark_unreachable(exc)
            return ServerSession()

    def _open(self, app: Flask, token: str) -> ServerSession:
        now = utcnow()
        with db.engine.connect() as conn:
            row = conn.execute(sa.select(_table).where(_table.c.token_hash == _hash(token))).first()
        if row is None:
            return ServerSession()
        expires_at = _aware(row.expires_at)
        last_seen = _aware(row.last_seen_at)
        if expires_at <= now or now - last_seen > app.config["SESSION_IDLE_TIMEOUT"]:
            delete_session_rows(_table.c.token_hash == _hash(token))
            return ServerSession()
        try:
            data = self.serializer.loads(row.data)
        except ValueError:
            data = {}
        return ServerSession(data, token=token, last_seen=last_seen, created_at=_aware(row.created_at))

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Write, rotate or delete the session's row, in a transaction of its own, and set the cookie."""
        if not isinstance(session, ServerSession):
            return  # every session this interface opens is a ServerSession; Flask never saves another
        if database_unreachable_in_request():
            return  # the database is down: keep the cookie as it is, try nothing more
        try:
            self._save(app, session, response)
        except DatabaseUnreachable as exc:
            outage.replace_response(response, exc)

    def _save(self, app: Flask, session: ServerSession, response: Response) -> None:
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        now = utcnow()

        if session.token and (session.rotate or not session):
            delete_session_rows(_table.c.token_hash == _hash(session.token))
            if not session:
                response.delete_cookie(name, domain=domain, path=path)
                return
            session.token = None
        if not session:
            return

        user_id = session.get("_user_id")
        values = {
            "data": self.serializer.dumps(dict(session)),
            "user_id": int(user_id) if user_id else None,
            "last_seen_at": now,
        }
        if session.token is None:
            token = secrets.token_urlsafe(32)
            created = now
            with db.engine.begin() as conn:
                conn.execute(
                    _table.insert().values(
                        token_hash=_hash(token),
                        created_at=created,
                        expires_at=created + app.permanent_session_lifetime,
                        **values,
                    )
                )
            response.set_cookie(
                name,
                token,
                httponly=True,
                secure=self.get_cookie_secure(app) or request.is_secure,
                samesite=self.get_cookie_samesite(app),
                domain=domain,
                path=path,
            )
            response.vary.add("Cookie")
            return
        if session.modified or (session.last_seen and now - session.last_seen > TOUCH_INTERVAL):
            with db.engine.begin() as conn:
                conn.execute(
                    _table.update().where(_table.c.token_hash == _hash(session.token)).values(**values)
                )
        response.vary.add("Cookie")


def _aware(value):
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def delete_session_rows(condition) -> None:
    """Delete server-side sessions matching a condition, in a transaction of their own."""
    with db.engine.begin() as conn:
        conn.execute(_table.delete().where(condition))


def end_sessions_of(user_id: int, keep_token: str | None = None) -> None:
    """Sign a user out everywhere, within the request's transaction (deactivation, password change)."""
    condition = _table.c.user_id == user_id
    if keep_token:
        condition = sa.and_(condition, _table.c.token_hash != _hash(keep_token))
    db.session.execute(_table.delete().where(condition))


def prune_expired_sessions() -> None:
    """Delete sessions past their absolute lifetime."""
    delete_session_rows(_table.c.expires_at <= utcnow())
