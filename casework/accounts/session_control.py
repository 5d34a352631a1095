"""A user's sessions: the list their page shows; ending one or all but this one; an admin ending all of a
user's. Ending is audited; the rows go within the request's transaction, with the audit record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from casework import audit
from casework.errors import OperationError
from casework.extensions import db
from casework.models import User, WebSession
from casework.models.base import utcnow
from casework.sessions import current_token_hash, duration, end_session_of, end_sessions_of


@dataclass(frozen=True)
class SessionInfo:
    """One of a user's active sessions, as their sessions page shows it."""

    token_hash: str
    client: str
    network: str
    signed_in_at: datetime
    last_seen_at: datetime
    current: bool


def active_sessions_of(user_id: int) -> list[SessionInfo]:
    """The user's sessions that have neither expired nor idled out, most recently used first."""
    now = utcnow()
    idle = duration(current_app.config["SESSION_IDLE_TIMEOUT"])
    current = current_token_hash()
    rows = db.session.scalars(
        sa.select(WebSession)
        .where(
            WebSession.user_id == user_id,
            WebSession.expires_at > now,
            WebSession.last_seen_at >= now - idle,
        )
        .order_by(WebSession.last_seen_at.desc(), WebSession.token_hash)
    ).all()
    return [
        SessionInfo(
            token_hash=row.token_hash,
            client=row.client,
            network=row.network,
            signed_in_at=row.signed_in_at or row.created_at,
            last_seen_at=row.last_seen_at,
            current=row.token_hash == current,
        )
        for row in rows
    ]


class SessionAlreadyEnded(OperationError):
    """The session to end is not (or no longer) one of the user's active sessions."""


class ThisSession(OperationError):
    """The user tried to end the session they are using: that is signing out."""


def end_own_session(user: User, token_hash: str) -> None:
    """End another of the user's own sessions; its cookie is worthless afterwards."""
    if token_hash == current_token_hash():
        raise ThisSession("This is the session you are using: sign out to end it.")
    if not end_session_of(user.id, token_hash):
        raise SessionAlreadyEnded("That session had already ended.")
    audit.record(user, "session.ended", user)


def end_other_sessions(user: User, current_token: str | None) -> int:
    """End every session of the user but this one; how many were ended."""
    ended = end_sessions_of(user.id, keep_token=current_token)
    audit.record(user, "session.ended_others", user, detail=f"{ended} ended")
    return ended


def end_all_sessions_of(actor: User, user: User, current_token: str | None) -> int:
    """An admin signs a user out everywhere (the admin's own current session stays, if it is theirs)."""
    ended = end_sessions_of(user.id, keep_token=current_token if actor.id == user.id else None)
    audit.record(actor, "session.ended_by_admin", user, detail=f"{ended} ended")
    return ended
