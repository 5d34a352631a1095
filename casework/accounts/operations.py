"""Sign-in, passwords and user administration. Operations flush; the view commits."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from casework import audit
from casework.accounts.passwords import hash_password, needs_rehash, password_problems, verify_password
from casework.extensions import db
from casework.models import Organization, Role, User
from casework.models.base import apply_changes, utcnow
from casework.sessions import end_sessions_of


class PasswordRejected(ValueError):
    """The proposed password breaks the policy; the message says what to do instead."""


def normalize_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively, without surrounding spaces."""
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Audits success and failure."""
    user = db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None:
        audit.record(None, "login.failed", detail="unknown e-mail")
        return None
    if not ok:
        audit.record(user, "login.failed", user, detail="wrong password")
        return None
    if not user.active:
        audit.record(user, "login.failed", user, detail="deactivated account")
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record(user, "login.succeeded", user)
    return user


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
    db.session.flush()


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
    db.session.flush()
    audit.record(actor, "user.created", user, org_id=org.id)
    return user


def update_user(actor: User, user: User, data: dict) -> list[str]:
    """Change a user's name, role or active flag; deactivation signs them out everywhere."""
    changed = apply_changes(user, data)
    if "active" in changed and not user.active:
        end_sessions_of(user.id)
    if changed:
        user.version += 1
        action = "user.deactivated" if "active" in changed and not user.active else "user.updated"
        audit.record(actor, action, user, fields=changed)
        db.session.flush()
    return changed


def email_taken(email: str) -> bool:
    """Whether some user already signs in with this e-mail."""
    return db.session.scalar(sa.select(sa.func.count()).where(User.email == normalize_email(email))) > 0


def active_admins(org_id: int) -> int:
    """How many active admins an organization has (it must keep at least one)."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            User.org_id == org_id, User.role == Role.ADMIN, User.active.is_(True)
        )
    )
