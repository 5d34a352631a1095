"""Self-service password reset by e-mail. Operations flush; the request's unit of work commits.

- Asking for a link gives the same answer whether the address belongs to an active account or not, and does
  the same work either way (a token is made and hashed); only an active account gets the e-mail.
- The link carries a random token, kept only as its SHA-256, valid for PASSWORD_RESET_MINUTES (30) and once:
  using it is one UPDATE that only one request can win. A newer link replaces older ones.
- Choosing the new password follows the password policy, ends every session of the user and e-mails them a
  notice; the user then signs in with it (and their second factor, when enrolled).
- Requests are throttled per client address (the route's limit: 429) and per e-mail address (beyond
  PASSWORD_RESET_EMAIL_LIMIT no further e-mail is sent, with the same answer, so a mailbox cannot be flooded).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import cast

import sqlalchemy as sa
from flask import current_app
from limits import parse_many

from casework import audit
from casework.accounts import notices
from casework.accounts.operations import check_password
from casework.accounts.passwords import hash_password
from casework.accounts.queries import normalize_email, user_by_email
from casework.errors import OperationError
from casework.extensions import db, limiter
from casework.i18n import gettext
from casework.models import PasswordResetToken, User
from casework.models.base import utcnow
from casework.petitions import mail
from casework.sessions import end_sessions_of
from casework.urls import absolute_url

_tokens = cast(sa.Table, PasswordResetToken.__table__)
MAX_TOKEN_LENGTH = 100


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _within_email_limit(email: str) -> bool:
    """Count a request for this address (hashed: the limiter's storage holds no address)."""
    limits = parse_many(current_app.config["PASSWORD_RESET_EMAIL_LIMIT"])
    key = _hash("password-reset:" + email)
    return all(limiter.limiter.hit(limit, "password-reset-email", key) for limit in limits)


def request_reset(email: str) -> None:
    """Queue a reset link for the active account with this address; nothing visible happens otherwise."""
    email = normalize_email(email)
    token = secrets.token_urlsafe(32)
    token_hash = _hash(token)
    within_limit = _within_email_limit(email)  # counted for every address: no timing difference
    user = user_by_email(email)
    if user is None or not user.active or not within_limit:
        audit.record(None, "password.reset_requested", detail="no e-mail sent")
        return
    now = utcnow()
    db.session.execute(_tokens.delete().where(_tokens.c.user_id == user.id))  # only the newest link works
    minutes = int(current_app.config["PASSWORD_RESET_MINUTES"])
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=token_hash,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    db.session.flush()
    audit.record(user, "password.reset_requested", user)
    link = absolute_url("account_reset.choose_password", token=token)
    mail.queue(
        user.email,
        gettext("Choose a new Casework password"),
        gettext(
            "Someone (we hope you) asked to choose a new password for %(email)s on Casework.\n\n"
            "Open this link within %(minutes)s minutes to choose it; it works once:\n\n%(link)s\n\n"
            "If you did not ask, ignore this message: your password stays as it is.\n",
            email=user.email,
            minutes=minutes,
            link=link,
        ),
        purpose="password_reset",
        org_id=user.org_id,
    )


def user_for_token(token: str) -> User | None:
    """The active user a valid (unused, unexpired) reset token belongs to, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = db.session.execute(
        sa.select(User)
        .join(PasswordResetToken, PasswordResetToken.user_id == User.id)
        .where(
            PasswordResetToken.token_hash == _hash(token),
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > utcnow(),
            User.active.is_(True),
        )
    ).first()
    return row[0] if row else None


class LinkExpired(OperationError):
    """The reset link was used already, has expired, or never existed."""


LINK_EXPIRED = "This link was used already or has expired: ask for a new one."


def complete_reset(token: str, password: str) -> User:
    """Set the new password through a valid link (once), end every session of the user and tell them.

    Raises LinkExpired, or PasswordRejected (the link then stays usable)."""
    user = user_for_token(token)
    if user is None:
        raise LinkExpired(LINK_EXPIRED)
    check_password(password, user.email)
    won = db.session.connection().execute(
        _tokens.update()
        .where(_tokens.c.token_hash == _hash(token), _tokens.c.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if won.rowcount != 1:  # another request used the link a moment ago
        raise LinkExpired(LINK_EXPIRED)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_sessions_of(user.id)
    audit.record(user, "password.reset_by_email", user)
    db.session.flush()
    notices.password_changed(user, by_reset_link=True)
    return user
