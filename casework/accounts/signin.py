"""The steps of signing in: the pending code step after a right password, completion, and where to land.

The pending step lives in the server-side session (user id, deadline, where to go next) and nothing signs
the user in until a valid code is typed.
"""

from __future__ import annotations

import time
from typing import cast

from flask import current_app, session, url_for

from casework.accounts import mfa, notices, throttling
from casework.extensions import db
from casework.models import User
from casework.sessions import ServerSession

PENDING = "mfa_pending"
ENROLLING = "mfa_enrol"


def begin_code_step(user: User, next_url: str | None) -> None:
    """Remember in the session that `user` gave the right password and must now give a code."""
    cast(ServerSession, session).regenerate()  # the app's session interface opens only these
    session[PENDING] = {
        "user_id": user.id,
        "until": time.time() + current_app.config["MFA_PENDING_SECONDS"],
        "next": next_url or "",
    }


def pending_user() -> User | None:
    """The active user waiting at the code step of this session, or None (none, or expired)."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or float(pending.get("until", 0)) < time.time():
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, int(pending.get("user_id", 0)))
    return user if user is not None and user.active else None


def pending_next() -> str | None:
    """Where the pending sign-in was going."""
    pending = session.get(PENDING)
    return (pending or {}).get("next") or None


def completed(user: User, client_address: str | None) -> None:
    """Bookkeeping of a completed sign-in: the account's failures end, the network is remembered."""
    session.pop(PENDING, None)
    session.pop(ENROLLING, None)
    throttling.clear_failures(user)
    notices.signed_in_from(user, client_address)


def must_enrol(user: User) -> bool:
    """Whether the organization requires a second factor of this user, who has none yet."""
    return mfa.required_for(user) and not mfa.is_enrolled(user)


def locked_to_enrolment(user: User) -> bool:
    """Whether the user may use nothing but the enrolment page (required, none set up, grace over)."""
    return must_enrol(user) and mfa.grace_over(user)


def landing(user: User, next_url: str | None) -> str:
    """Where a completed sign-in goes: enrolment when the organization requires it, else `next` or home."""
    if must_enrol(user):
        return url_for("accounts.second_factor")
    return next_url or url_for("core.home")
