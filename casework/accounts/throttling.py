"""Throttling per account (per e-mail address, whether an account has it or not), whatever the client
address (the per-address limits are Flask-Limiter's).

Failed passwords and codes are rows of sign_in_failure, so every worker sees the same count. Within
ACCOUNT_FAILURE_WINDOW, the first ACCOUNT_FREE_FAILURES failures cost nothing; after that each attempt must
wait 2^n seconds after the last failure (n failures beyond the free ones), at most ACCOUNT_MAX_DELAY seconds.
A waiting attempt is answered without checking the password and is not counted, so the delay never grows
into a lockout an attacker could use to keep the user out: the right password after the wait signs in.
The user gets one e-mail per burst: when the failures in the window reach ACCOUNT_ALERT_FAILURES and no
notice went out within the window (the notice is on the audit trail, which is how the next one knows).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from casework import audit
from casework.accounts import notices
from casework.accounts.queries import normalize_email
from casework.extensions import db
from casework.locking import lock_row
from casework.models import AuditEvent, SignInFailure, User
from casework.models.base import utcnow

ALERTED = "login.failures_notified"
TOO_MANY = "Too many attempts for this account; try again in {seconds} seconds."


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["ACCOUNT_FAILURE_WINDOW"])


def account_key(email: str) -> str:
    """The throttling key of an e-mail address (a keyed hash: the table never holds the address itself)."""
    secret = current_app.secret_key
    key = secret.encode() if isinstance(secret, str) else bytes(secret or b"")
    return hmac.new(key, b"sign-in failures\0" + normalize_email(email).encode(), hashlib.sha256).hexdigest()


def _recent(email: str) -> tuple[int, object]:
    """How many failures the address had in the window, and when the last one was."""
    row = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(SignInFailure.failed_at)).where(
            SignInFailure.account_key == account_key(email), SignInFailure.failed_at > utcnow() - _window()
        )
    ).one()
    return row[0] or 0, row[1]


def seconds_to_wait(email: str) -> int:
    """How long the next attempt for this address must wait (0: it may be checked now)."""
    failures, last = _recent(email)
    beyond = failures - current_app.config["ACCOUNT_FREE_FAILURES"]
    if beyond < 0 or last is None:
        return 0
    delay = min(2 ** (beyond + 1), current_app.config["ACCOUNT_MAX_DELAY"])
    if last.tzinfo is None:  # type: ignore[attr-defined]
        last = last.replace(tzinfo=utcnow().tzinfo)  # type: ignore[attr-defined]
    remaining = (last + timedelta(seconds=delay) - utcnow()).total_seconds()  # type: ignore[operator]
    return max(0, int(remaining + 0.999))


def refusal(email: str, user: User | None = None) -> str | None:
    """The message refusing an attempt for this address now, or None when it may be checked. An address
    without an account is answered the same way, so the answer never tells whether an account exists."""
    wait = seconds_to_wait(email)
    if not wait:
        return None
    if user is not None:
        audit.record(None, "login.throttled", user, org_id=user.org_id)  # admins see the attack on the trail
    return TOO_MANY.format(seconds=wait)


def record_failure(email: str, user: User | None = None) -> None:
    """Count a failed password or code for an address; the burst's threshold sends its user one notice."""
    if user is not None:
        # Counted under the account's lock, so that two failures at once cannot both (or neither) cross it.
        lock_row(User, user.id)
    now = utcnow()
    # Failures older than the window count for nothing: they go, so that sprayed addresses leave no rows.
    db.session.execute(sa.delete(SignInFailure).where(SignInFailure.failed_at <= now - _window()))
    db.session.add(
        SignInFailure(account_key=account_key(email), user_id=user.id if user else None, failed_at=now)
    )
    db.session.flush()
    if user is None:
        return
    failures, _ = _recent(email)
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
    db.session.execute(sa.delete(SignInFailure).where(SignInFailure.account_key == account_key(user.email)))
