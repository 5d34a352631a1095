"""Server-side sessions: the cookie carries a random token, the data lives in the web_session table.

Only signed-in users (and a sign-in waiting for its second step) have a row. An anonymous visitor's
session (the CSRF token of the sign-in form, a flash message) travels in a signed cookie of the same name
(HttpOnly, SameSite=Strict) and is never written to the table, so that a flood of anonymous requests writes
nothing; signing in moves it to a row under a fresh random token (against session fixation). A public page
(the petition pages) opens no session at all: a cookie sent to it is neither read nor refreshed.

Logging out deletes the row, so a copied or replayed cookie is worthless afterwards; deactivating a user,
changing a password or ending a session from the sessions page deletes rows too. A row ends after
SESSION_IDLE_TIMEOUT without use and PERMANENT_SESSION_LIFETIME after the sign-in. The row is read together
with its user, in one statement on the request's own connection (casework.session_row; the page needs no
second one); session writes use their own short transaction, independent of the request's unit of work.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import cast

import sqlalchemy as sa
from flask import Flask, Request, Response, current_app, request, session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from flask_login import user_logged_in
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.datastructures import CallbackDict

from casework import outage, page_reads, session_row
from casework.clients import client_network, describe_client
from casework.extensions import db
from casework.i18n import is_public_endpoint, requested_endpoint
from casework.models import User, WebSession
from casework.models.base import utcnow
from casework.outage import DatabaseUnreachable, database_unreachable_in_request, mark_unreachable
from casework.unit_of_work import READ_ONLY_METHODS

_serializer = TaggedJSONSerializer()
_table = cast(sa.Table, WebSession.__table__)
TOUCH_INTERVAL = timedelta(minutes=1)
CSRF_KEY = "csrf_token"  # where Flask-WTF keeps the secret its form tokens are made from
ANONYMOUS_SALT = "casework.anonymous-session"
MAX_TOKEN_LENGTH = 100
MAX_ANONYMOUS_COOKIE = 4000
# Flask-Login's bookkeeping, meaningless without a signed-in user (it marks any anonymous session "not fresh"
# on every request): never kept in an anonymous cookie, so that it alone never sets one.
_LOGIN_BOOKKEEPING = frozenset({"_fresh", "_id"})
# All an anonymous visitor's signed cookie may hold. Anything else (a sign-in waiting for its second step)
# is kept on the server, where it can be ended and where a copied cookie is worth nothing afterwards.
_COOKIE_KEYS = frozenset({"csrf_token", "_flashes"}) | _LOGIN_BOOKKEEPING


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def duration(value) -> timedelta:
    """A configured duration: a timedelta, or a number of seconds (as CASEWORK_* variables give it)."""
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


class ServerSession(CallbackDict, SessionMixin):
    """Session data plus the bookkeeping needed to save, rotate or destroy its row."""

    def __init__(
        self,
        initial=None,
        token: str | None = None,
        last_seen: datetime | None = None,
        created_at: datetime | None = None,
        signed_in_at: datetime | None = None,
        proved_at: datetime | None = None,
    ):
        def on_update(self):
            """Any change marks the session for saving."""
            self.modified = True

        super().__init__(initial, on_update)
        self.token, self.last_seen, self.created_at = token, last_seen, created_at
        self.signed_in_at, self.proved_at = signed_in_at, proved_at
        self.modified = self.rotate = False
        self.ended = False  # the cookie named a server session that has ended (sign in again)
        # What an anonymous cookie held when the request came in (None: no valid anonymous cookie).
        self.anonymous_data: dict | None = None
        # The user read with the row (casework.session_row), kept here because the identity map holds objects
        # weakly: the user loader returns it for the rest of the request (refreshed by a query only if a
        # rollback expired it).
        self.user_read_with_row: User | None = None

    @property
    def signed_in(self) -> bool:
        """Whether a user is signed in on this session."""
        return bool(self.get("_user_id"))

    @property
    def needs_row(self) -> bool:
        """Whether the session is kept on the server: signed in, or holding more than a form token and
        flash messages (a sign-in waiting for its code)."""
        return self.signed_in or any(key not in _COOKIE_KEYS for key in self)

    def regenerate(self) -> None:
        """Move the data to a fresh token (on sign-in, against session fixation), with a fresh CSRF secret:
        a token known before the sign-in (a planted cookie) is worthless after it."""
        self.pop(CSRF_KEY, None)
        self.rotate = True
        self.modified = True

    def destroy(self) -> None:
        """Forget everything and end the server-side session."""
        self.clear()
        self.signed_in_at = self.proved_at = None
        self.rotate = True
        self.modified = True

    def mark_proved(self, when: datetime | None = None) -> None:
        """The user has just proved who they are (password, and code when enrolled)."""
        self.proved_at = when or utcnow()
        self.modified = True


def _on_sign_in(sender, user, **extra) -> None:
    """A sign-in starts the absolute lifetime and counts as a fresh proof of identity."""
    if isinstance(session, ServerSession):
        session.signed_in_at = utcnow()
        session.mark_proved(session.signed_in_at)


user_logged_in.connect(_on_sign_in)


def _anonymous_serializer(app: Flask) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        app.secret_key or "",
        salt=ANONYMOUS_SALT,
        serializer=_serializer,
        signer_kwargs={"key_derivation": "hmac"},
    )


def _ended_session() -> ServerSession:
    """A new empty session for a cookie whose server session has ended (signed out elsewhere, timed out)."""
    opened = ServerSession()
    opened.ended = True
    return opened


class DatabaseSessionInterface(SessionInterface):
    """Flask session interface backed by the web_session table (signed-in users) or a signed cookie."""

    serializer = _serializer

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        """The session of the cookie, or a new empty one (expired or idle sessions are deleted)."""
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return ServerSession()
        endpoint = requested_endpoint(app, request)
        if is_public_endpoint(endpoint):
            return ServerSession()  # nothing to read; a public page neither reads nor writes a session
        if "." in value:  # random tokens never hold a dot; signed anonymous cookies always do
            return self._open_anonymous(app, value)
        if len(value) > MAX_TOKEN_LENGTH:
            return ServerSession()
        try:
            return self._open(app, value, endpoint if request.method in READ_ONLY_METHODS else None)
        except DatabaseUnreachable as exc:
            # Raising here would escape the error handlers (the session opens before them): the request
            # answers 503 from its first before_request hook instead (casework.outage).
            mark_unreachable(exc)
            return ServerSession()

    def _open_anonymous(self, app: Flask, value: str) -> ServerSession:
        lifetime = duration(app.permanent_session_lifetime)
        try:
            data = _anonymous_serializer(app).loads(value, max_age=int(lifetime.total_seconds()))
        except (BadSignature, ValueError, TypeError):
            return ServerSession()
        if not isinstance(data, dict):
            return ServerSession()
        # A signed cookie never signs anyone in, nor carries a sign-in half done: only what it may hold.
        data = {key: value for key, value in data.items() if key in _COOKIE_KEYS}
        opened = ServerSession(data)
        opened.anonymous_data = copy.deepcopy(data)  # flashes are appended in place: compare with a copy
        return opened

    def _open(self, app: Flask, token: str, endpoint: str | None) -> ServerSession:
        now = utcnow()
        # One statement, on the connection the page then uses: no second checkout, no user query.
        row, held = session_row.read(_hash(token), endpoint)
        if row is None:
            return _ended_session()
        signed_in_at = _aware(row["signed_in_at"]) or _aware(row["created_at"])
        last_seen = _aware(row["last_seen_at"])
        if (
            _aware(row["expires_at"]) <= now
            or now - signed_in_at >= duration(app.permanent_session_lifetime)
            or now - last_seen > duration(app.config["SESSION_IDLE_TIMEOUT"])
        ):
            if db.session.registry.has():
                db.session.rollback()  # the request starts afresh, without the user the row named
            delete_session_rows(_table.c.token_hash == _hash(token))
            return _ended_session()
        try:
            data = self.serializer.loads(row["data"])
        except ValueError:
            data = {}
        opened = ServerSession(
            data,
            token=token,
            last_seen=last_seen,
            created_at=_aware(row["created_at"]),
            signed_in_at=signed_in_at,
            proved_at=_aware(row["proved_at"]),
        )
        opened.user_read_with_row = user = session_row.user_of(row, held)
        page_reads.keep(endpoint, user.id if user is not None else None, tuple(row.values()))
        return opened

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Write, rotate or delete the session's row (in a transaction of its own) or cookie."""
        if not isinstance(session, ServerSession):
            return  # every session this interface opens is a ServerSession; Flask never saves another
        if session.needs_row and database_unreachable_in_request():
            return  # the database is down: keep the cookie as it is, try nothing more
        try:
            if session.needs_row:
                self._save(app, session, response)
            else:
                self._save_anonymous(app, session, response)
        except DatabaseUnreachable as exc:
            outage.replace_response(response, exc)

    def _cookie(self, app: Flask) -> dict:
        return {
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "httponly": True,
            "secure": self.get_cookie_secure(app) or request.is_secure,
        }

    def _save_anonymous(self, app: Flask, session: ServerSession, response: Response) -> None:
        """No row for anyone not signed in: the data goes to a signed cookie (or the ended row is deleted)."""
        name = self.get_cookie_name(app)
        ended, session.token = session.token, None
        if ended and not database_unreachable_in_request():  # a signed-in session just ended: its row goes
            delete_session_rows(_table.c.token_hash == _hash(ended))
        data = {k: v for k, v in session.items() if k not in _LOGIN_BOOKKEEPING}
        if not ended and data == (session.anonymous_data or {}):
            return  # nothing worth keeping changed: the cookie stays as it came (or absent)
        response.vary.add("Cookie")
        if not data:
            response.delete_cookie(name, domain=self.get_cookie_domain(app), path=self.get_cookie_path(app))
            return
        if not database_unreachable_in_request():
            # A read, never a write: a page that hands out a form token is useless while the database is
            # down, so the outage shows its one clear page now rather than after a password is typed.
            with db.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        value = _anonymous_serializer(app).dumps(data)
        if len(value) > MAX_ANONYMOUS_COOKIE:
            data.pop("_flashes", None)  # a browser drops an oversized cookie: keep at least the CSRF token
            value = _anonymous_serializer(app).dumps(data)
        response.set_cookie(name, value, samesite="Strict", **self._cookie(app))

    def _save(self, app: Flask, session: ServerSession, response: Response) -> None:
        now = utcnow()
        if session.token and session.rotate:
            delete_session_rows(_table.c.token_hash == _hash(session.token))
            session.token = None
        if not (
            session.token is None
            or session.modified
            or (session.last_seen and now - session.last_seen > TOUCH_INTERVAL)
        ):
            response.vary.add("Cookie")
            return  # most requests: nothing to write, nothing to serialize
        values = {
            "data": self.serializer.dumps(dict(session)),
            "user_id": int(session["_user_id"]) if session.signed_in else None,
            "last_seen_at": now,
            "proved_at": session.proved_at,
            "network": client_network(request.remote_addr),
        }
        if session.token is None:
            self._insert(app, session, response, values, now)
            return
        with db.engine.begin() as conn:
            conn.execute(_table.update().where(_table.c.token_hash == _hash(session.token)).values(**values))
        response.vary.add("Cookie")

    def _insert(self, app: Flask, session: ServerSession, response: Response, values: dict, now) -> None:
        token = secrets.token_urlsafe(32)
        signed_in_at = session.signed_in_at or now
        with db.engine.begin() as conn:
            conn.execute(
                _table.insert().values(
                    token_hash=_hash(token),
                    created_at=now,
                    signed_in_at=signed_in_at,
                    expires_at=signed_in_at + duration(app.permanent_session_lifetime),
                    client=describe_client(request.user_agent.string),
                    **values,
                )
            )
        session.token = token
        response.set_cookie(
            self.get_cookie_name(app), token, samesite=self.get_cookie_samesite(app), **self._cookie(app)
        )
        response.vary.add("Cookie")


def _aware(value):
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def current_token() -> str | None:
    """The token of this request's signed-in session, if it has a row."""
    return getattr(session, "token", None)


def current_token_hash() -> str | None:
    """The key of this request's session row, if it has one."""
    token = current_token()
    return _hash(token) if token else None


def signed_in_rows():
    """The condition matching every signed-in session (anonymous ones hold no account)."""
    return _table.c.user_id.is_not(None)


def delete_session_rows(condition) -> None:
    """Delete server-side sessions matching a condition, in a transaction of their own."""
    with db.engine.begin() as conn:
        conn.execute(_table.delete().where(condition))


def end_session_of(user_id: int, token_hash: str) -> int:
    """End one of a user's sessions, within the request's transaction; how many rows went (0 or 1)."""
    result = db.session.execute(
        _table.delete().where(_table.c.user_id == user_id, _table.c.token_hash == token_hash)
    )
    return cast(sa.CursorResult, result).rowcount or 0


def end_sessions_of(user_id: int, keep_token: str | None = None) -> int:
    """Sign a user out everywhere (but `keep_token`'s session), within the request's transaction."""
    condition = _table.c.user_id == user_id
    if keep_token:
        condition = sa.and_(condition, _table.c.token_hash != _hash(keep_token))
    result = db.session.execute(_table.delete().where(condition))
    return cast(sa.CursorResult, result).rowcount or 0


def prune_expired_sessions() -> None:
    """Delete sessions past their absolute lifetime or idle for longer than SESSION_IDLE_TIMEOUT."""
    now = utcnow()
    idle = duration(current_app.config["SESSION_IDLE_TIMEOUT"])
    delete_session_rows(sa.or_(_table.c.expires_at <= now, _table.c.last_seen_at < now - idle))
