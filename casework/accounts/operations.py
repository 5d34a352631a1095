"""Sign-in, passwords and user administration. Operations flush; the request's unit of work commits."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import IntegrityError

from casework import audit
from casework.accounts import notices, throttling
from casework.accounts.passwords import hash_password, needs_rehash, password_problems, verify_password
from casework.accounts.queries import active_admins, email_taken, normalize_email, user_by_email
from casework.editing import check_version, flush_versioned
from casework.errors import OperationError
from casework.extensions import db
from casework.locking import lock_row
from casework.models import Organization, Role, User
from casework.models.base import apply_changes, utcnow
from casework.sessions import end_sessions_of


class PasswordRejected(OperationError):
    """The proposed password breaks the policy; the message says what to do instead."""


class WrongPassword(OperationError):
    """The current password typed to change it is not the user's."""


class EmailTaken(OperationError):
    """Someone already signs in with the e-mail address given to a new user."""


EMAIL_TAKEN = "Someone already signs in with this e-mail address; use another one."


class LastAdmin(OperationError):
    """The change would leave the organization without an active admin."""


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Audits success and failure."""
    user = user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None:
        audit.record(None, "login.failed", detail="unknown e-mail")
        throttling.record_failure(email)  # slowed down like an account: the answers never tell them apart
        return None
    if not ok:
        audit.record(user, "login.failed", user, detail="wrong password")
        throttling.record_failure(email, user)
        return None
    if not user.active:
        audit.record(user, "login.failed", user, detail="deactivated account")
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record(user, "login.succeeded", user)
    return user


def record_logout(user: User) -> None:
    """Signing out is audited."""
    audit.record(user, "logout", user)


def check_password(password: str, email: str) -> None:
    """Raise PasswordRejected when the password breaks the policy (length from PASSWORD_MIN_LENGTH)."""
    problems = password_problems(
        password, email=email, min_length=current_app.config.get("PASSWORD_MIN_LENGTH", 12)
    )
    if problems:
        raise PasswordRejected(problems[0])


def set_password(actor: User, user: User, password: str, *, keep_session: str | None = None) -> None:
    """Set a new password and sign the user out of every other session."""
    check_password(password, user.email)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_sessions_of(user.id, keep_token=keep_session)
    audit.record(actor, "password.changed" if actor.id == user.id else "password.reset", user)
    notices.password_changed(user, by_admin=actor.id != user.id)
    db.session.flush()


def change_own_password(user: User, current: str, new: str, *, keep_session: str | None = None) -> User:
    """A user's own change: the current password first, then the policy (WrongPassword, PasswordRejected)."""
    if not verify_password(user.password_hash, current):
        raise WrongPassword("That is not your current password.")
    set_password(user, user, new, keep_session=keep_session)
    return user


def create_org(name: str) -> Organization:
    """A new organization."""
    org = Organization(name=name.strip())
    db.session.add(org)
    db.session.flush()
    audit.record(None, "organization.created", org, org_id=org.id)
    return org


def create_user(
    actor: User | None, org: Organization, *, email: str, role: Role, password: str, name: str = ""
) -> User:
    """A new user of `org` (the password must meet the policy)."""
    email = normalize_email(email)
    check_password(password, email)
    user = User(
        org_id=org.id, email=email, name=name or "", role=Role(role), password_hash=hash_password(password)
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the same e-mail added a moment ago: the caller rolls the request back
        raise EmailTaken(EMAIL_TAKEN) from None
    audit.record(actor, "user.created", user, org_id=org.id)
    return user


def add_user(
    actor: User, org: Organization, *, email: str, role: Role, password: str, name: str = ""
) -> User:
    """An admin adds a user: the e-mail must be free (EmailTaken) and the password good (PasswordRejected)."""
    if email_taken(email):
        raise EmailTaken(EMAIL_TAKEN)
    return create_user(actor, org, email=email, role=role, password=password, name=name)


def update_user(actor: User, user: User, data: dict, expected_version: int | None) -> list[str]:
    """Change a user's name, role or active flag, edited from `expected_version`; deactivation signs them
    out everywhere. Refuses an outdated edit (EditConflict) and the loss of the last active admin."""
    check_version(user, expected_version, data)
    losing_admin = (
        user.role == Role.ADMIN and user.active and (data["role"] != Role.ADMIN or not data["active"])
    )
    if losing_admin:
        # Counted under the organization's lock: two admins demoting each other at the same moment cannot
        # both see the other one still active.
        lock_row(Organization, user.org_id)
    if losing_admin and active_admins(user.org_id) <= 1:
        raise LastAdmin("The organization needs at least one active admin: make someone else admin first.")
    changed = apply_changes(user, data)
    if "active" in changed and not user.active:
        end_sessions_of(user.id)
    if changed:
        user.version += 1
        action = "user.deactivated" if "active" in changed and not user.active else "user.updated"
        audit.record(actor, action, user, fields=changed)
        flush_versioned(changed)
    return changed
