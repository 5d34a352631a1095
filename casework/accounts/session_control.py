"""Ending sessions: a user's own (one, or all but this one) and, for an admin, all of a user's. Audited;
the rows go within the request's transaction, with the audit record."""

from __future__ import annotations

from casework import audit
from casework.errors import OperationError
from casework.models import User
from casework.sessions import current_token_hash, end_session_of, end_sessions_of


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
