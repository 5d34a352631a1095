"""Throttling per account, whatever the client address (the per-address limits are Flask-Limiter's).

Failed passwords and codes are rows of sign_in_failure, so every worker sees the same count. Within
ACCOUNT_FAILURE_WINDOW, the first ACCOUNT_FREE_FAILURES failures cost nothing; after that each attempt must
wait 2^n seconds after the last failure (n failures beyond the free ones), at most ACCOUNT_MAX_DELAY seconds.
A waiting attempt is answered without checking the password and is not counted, so the delay never grows
into a lockout an attacker could use to keep the user out: the right password after the wait signs in.
The user gets one e-mail per burst: when the failures in the window reach ACCOUNT_ALERT_FAILURES and no
notice went out within the window (the notice is on the audit trail, which is how the next one knows).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from casework import audit
from casework.accounts import notices
from casework.extensions import db
from casework.locking import lock_row
from casework.models import AuditEvent, SignInFailure, User
from casework.models.base import utcnow

ALERTED = "login.failures_notified"
TOO_MANY = "Too many attempts for this account; try again in {seconds} seconds."


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["ACCOUNT_FAILURE_WINDOW"])


def _recent(user: User) -> tuple[int, object]:
    """How many failures the account had in the window, and when the last one was."""
    row = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(SignInFailure.failed_at)).where(
            SignInFailure.user_id == user.id, SignInFailure.failed_at > utcnow() - _window()
        )
    ).one()
    return row[0] or 0, row[1]


def seconds_to_wait(user: User) -> int:
    """How long the account's next attempt must wait (0: it may be checked now)."""
    failures, last = _recent(user)
    beyond = failures - current_app.config["ACCOUNT_FREE_FAILURES"]
    if beyond < 0 or last is None:
        return 0
    delay = min(2 ** (beyond + 1), current_app.config["ACCOUNT_MAX_DELAY"])
    if last.tzinfo is None:  # type: ignore[attr-defined]
        last = last.replace(tzinfo=utcnow().tzinfo)  # type: ignore[attr-defined]
    remaining = (last + timedelta(seconds=delay) - utcnow()).total_seconds()  # type: ignore[operator]
    return max(0, int(remaining + 0.999))


def refusal(user: User | None) -> str | None:
    """The message refusing an attempt on this account now, or None when it may be checked."""
    if user is None:
        return None
    wait = seconds_to_wait(user)
    if not wait:
        return None
    audit.record(None, "login.throttled", user, org_id=user.org_id)  # admins see the attack on the trail
    return TOO_MANY.format(seconds=wait)


def record_failure(user: User) -> None:
    """Count a failed password or code; the burst's threshold sends the user one notice."""
    # Counted under the account's lock, so that two failures at once cannot both (or neither) cross it.
    lock_row(User, user.id)
    db.session.add(SignInFailure(user_id=user.id, failed_at=utcnow()))
    db.session.flush()
    failures, _ = _recent(user)
    if failures >= current_app.config["ACCOUNT_ALERT_FAILURES"] and not _alerted_lately(user):
        notices.failed_sign_ins(user, failures)
        audit.record(None, ALERTED, user, org_id=user.org_id)


def _alerted_lately(user: User) -> bool:
    """Whether the user was told of failures within the window (one notice per burst, however long)."""
    since = utcnow() - _window()
    return bool(
        db.session.scalar(
            sa.select(sa.func.count()).where(
                AuditEvent.action == ALERTED,
                AuditEvent.object_type == User.__tablename__,
                AuditEvent.object_id == user.id,
                AuditEvent.at > since,
            )
        )
    )


def clear_failures(user: User) -> None:
    """A completed sign-in ends the account's burst."""
    db.session.execute(sa.delete(SignInFailure).where(SignInFailure.user_id == user.id))
